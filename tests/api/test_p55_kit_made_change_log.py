"""p55 QA_B finding 3 (F3 handover): the kit the panel's "from library" made was in box.log only; like a pack made
active on the panel, it is a change of what plays, so `hatbox box-logs --changes` (changes.log) has it too.  It is
logged as the panel's other changes are, by the logger ``hatbox.panel`` (p55 FR3 review 2: it was
``device.api.box_kit``, so the two logs named the panel's changes two ways)."""
from __future__ import annotations

from pathlib import Path

from device.api.box_kit import BoxKit
from device.logs import box_logging, changes_path, log_path
from tests.api.test_kit import _tagged_library


def _kit_lines(path: Path) -> list[str]:
    return [ln.split(" hatbox.panel: panel: ", 1)[1] for ln in path.read_text().splitlines()
            if " hatbox.panel: panel: kit made of" in ln]


def test_a_kit_made_on_the_panel_is_in_changes_log(tmp_path: Path) -> None:
    box, _lid = _tagged_library(tmp_path)
    root = tmp_path / "logs-root"
    with box_logging(root, terminal=False):
        said = BoxKit(box.app.state.box).from_library()
        changes, logged = _kit_lines(changes_path(root)), _kit_lines(log_path(root))
    assert said.startswith("kit made of") and logged == [said.replace("\n", "; ")], (said, logged)
    assert changes == logged, changes

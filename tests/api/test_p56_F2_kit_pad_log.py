"""p56 F2 item 3 (handover: device/api/box_kit.py): a sample put on a pad or a pad cleared on the panel's Kit page
(BoxKit.assign / BoxKit.clear) was in neither box.log nor changes.log; the kit "from library" and a pack made active
on the panel were.  Now each is a panel change line (device.panel_log.said_change, kit_note_words)."""
from __future__ import annotations

from pathlib import Path

from device.api.box_kit import BoxKit
from device.logs import box_logging, changes_path, log_path
from tests.api.test_kit import _tagged_library


def _panel_lines(path: Path) -> list[str]:
    return [ln.split(" hatbox.panel: panel: ", 1)[1] for ln in path.read_text().splitlines()
            if " hatbox.panel: panel: kit note" in ln]


def test_a_pad_assigned_and_cleared_on_the_panel_is_in_changes_log(tmp_path: Path) -> None:
    box, lid = _tagged_library(tmp_path)
    files = box.app.state.box.libraries.files_path(lid)
    desk, root = BoxKit(box.app.state.box), tmp_path / "logs-root"
    with box_logging(root, terminal=False):
        desk.assign(36, str(files / "kit" / "boom.wav"))
        desk.assign(36, str(files / "kit" / "crack.wav"))
        desk.assign(36, str(files / "kit" / "crack.wav"), loop=True)
        desk.clear(36)
        desk.clear(36)                                  # plays nothing already: nothing changed, no line
        changes, logged = _panel_lines(changes_path(root)), _panel_lines(log_path(root))
    assert logged == ["kit note 36 (C2) plays boom.wav", "kit note 36 (C2) plays crack.wav (was boom.wav)",
                      "kit note 36 (C2) plays crack.wav, looped", "kit note 36 (C2) cleared (it played crack.wav)"]
    assert changes == logged

"""p57 R2 review 8: the panel's set list mapped a program by pack id (that version for ever) where `hatbox box-midi
--program 3 fuzzbox` follows the newest fuzzbox: one box, two rules.  Now one rule: a pack mapped from its row follows
its name where it is the newest of that name (a fuzzbox pushed later plays), an older version is mapped as itself."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from device.api.box_kit import BoxKit
from device.ui.data import StoreData
from device.ui.events import Touch
from device.ui.panel import Panel
from device.ui.shots import RecordingControl
from tests.api.conftest import make_box
from tests.api.packs import gain_pack


def _mapped(tmp_path: Path, version: str) -> tuple[Any, Any]:
    """A box with fuzzbox 0.1.0 and 0.2.0; the panel maps program 3 to fuzzbox ``version``: (box, the entry)."""
    box = make_box(tmp_path)
    ids = {v: box.push(gain_pack(tmp_path / f"f{v}.hatpack", "fuzzbox", v, seed=i)).json()["pack"]["id"]
           for i, v in enumerate(("0.1.0", "0.2.0"))}
    data = StoreData(tmp_path / "box")
    data.kit = BoxKit(box.app.state.box)
    panel = Panel(RecordingControl(), data, (800, 480))
    panel.show_title("Models")
    page = panel.page
    page.selected = [p.id for p in page.packs].index(ids[version])
    page.picker.turn(page.desk, 3)
    panel.handle(Touch("down", 0, *page.map_btn.center))
    return box, box.app.state.programs.programs.lookup(3, None)


def test_the_newest_version_mapped_on_the_panel_follows_its_name(pg: Any, tmp_path: Path) -> None:
    box, entry = _mapped(tmp_path, "0.2.0")
    assert entry is not None and entry.follow and entry.version == "0.2.0"
    newer = box.push(gain_pack(tmp_path / "f3.hatpack", "fuzzbox", "0.3.0", seed=7)).json()["pack"]["id"]
    switcher = box.app.state.programs
    switcher.received(3, None)
    assert switcher.wait(5.0) and switcher.last["pack"] == newer, switcher.last


def test_an_older_version_mapped_on_the_panel_stays_that_version(pg: Any, tmp_path: Path) -> None:
    _box, entry = _mapped(tmp_path, "0.1.0")
    assert entry is not None and not entry.follow and entry.version == "0.1.0"

"""p46: the panel's Library page said "yours" of every correction, also of one another laptop made on the box
(`box-library --fix`, `push-library`); it now names the laptop ("laptopB's", from the library's fixed_by.json), and a
correction made on the panel is the panel's ("yours": the laptop's note of the file goes).  The page module was split
(device/ui/pages/library_draw.py) to stay under 500 lines."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from device.api.library_owners import FIXERS, fixers
from device.ui import draw as D
from device.ui.data import MemoryData, Sample
from device.ui.events import Touch
from device.ui.panel import Panel
from device.ui.shots import RecordingControl
from tests.ui.conftest import find_text, tap


def _library(tmp_path: Path) -> tuple[Path, str, str]:
    """A library folder as the box keeps it (library.json, files/), its file kit/a.wav corrected by laptopB and
    kit/b.wav by no one known: (its folder, the two files' paths)."""
    folder = tmp_path / "libraries" / "lib-kit-0a1b2c"
    (folder / "files" / "kit").mkdir(parents=True)
    (folder / "library.json").write_text(json.dumps({"id": folder.name, "name": "kit"}))
    (folder / FIXERS).write_text(json.dumps({"kit/a.wav": {"by": "laptopB", "token": "t-b"}}))
    return folder, str(folder / "files" / "kit" / "a.wav"), str(folder / "files" / "kit" / "b.wav")


def test_a_laptop_s_correction_is_named_on_the_library_page(pg: Any, tmp_path: Path) -> None:
    _, theirs, unknown = _library(tmp_path)
    data = MemoryData(library={"kick": [Sample(theirs, 1.0, corrected=True), Sample(unknown, 1.0, corrected=True)],
                               "snare": [Sample(str(tmp_path / "s.wav"), 0.9)]})
    panel = Panel(RecordingControl(), data, (800, 480))
    panel.show_title("Library")
    surface = pg.Surface((800, 480))
    panel.draw(surface)
    assert find_text(surface, "laptopB's", 20, D.GOOD)
    assert find_text(surface, "yours", 20, D.GOOD)                  # the other correction: no laptop known


def test_a_correction_made_on_the_panel_is_yours(pg: Any, tmp_path: Path) -> None:
    folder, theirs, _ = _library(tmp_path)
    data = MemoryData(library={"kick": [Sample(theirs, 1.0, corrected=True)], "snare": [Sample(str(tmp_path / "s.wav"),
                                                                                                0.9)]})
    panel = Panel(RecordingControl(), data, (800, 480))
    panel.show_title("Library")
    page, surface = panel.page, pg.Surface((800, 480))
    panel.draw(surface)
    assert find_text(surface, "laptopB's", 20, D.GOOD)
    panel.handle(Touch("down", 0, *page.retag_btn.center))
    tap(panel, *page.tag_rows[page.tags.index("snare")].center)     # moved to snare on the panel
    assert page.tags[page.tag] == "snare" and theirs in [s.path for s in page.samples]
    panel.draw(surface)
    assert find_text(surface, "yours", 20, D.GOOD) and not find_text(surface, "laptopB's", 20, D.GOOD)
    assert "kit/a.wav" not in fixers(folder)                        # the box's API no longer says laptopB made it


def test_every_library_page_module_stays_under_500_lines() -> None:
    pages = Path(__file__).resolve().parents[2] / "device" / "ui" / "pages"
    for name in ("library.py", "library_draw.py", "library_fixers.py"):
        assert len((pages / name).read_text().splitlines()) <= 500, name

"""p57 QA_C 7: a retag on the Library page and its "tagger's tags" wrote nothing to changes.log, where the laptop's
corrections are ("library ID: FILE tagged percussion (a correction)" by the laptop): both are logged now as the
panel's changes, in the laptop's words, and a laptop's correction given back says whose it was (the tab bar said
"(no longer yours)" for qa-laptop's in the QA's snapshot; HEAD says the laptop's since p57 F5, checked here too)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from device.logs import box_logging, changes_path
from device.ui.data import StoreData
from device.ui.events import Touch
from tests.ui.conftest import tap
from tests.ui.test_p57_F5_library_tagger_back import _library, _panel, _retag
from tests.ui.test_p57_M1_tagger_back_known import _select


def test_a_panel_retag_and_its_undo_are_in_changes_log(pg: Any, tmp_path: Path) -> None:
    _library(tmp_path / "box")
    panel = _panel(StoreData(tmp_path / "box"))
    page = panel.page
    with box_logging(tmp_path / "box", terminal=False):
        _retag(panel, "snare")
        panel.handle(Touch("down", 0, *page.retag_btn.center))
        panel.handle(Touch("down", 0, *page.unsure_btn.center))       # tagger's tags
    changes = changes_path(tmp_path / "box").read_text()
    assert "panel: library drums-1: VP Kick 2.flac tagged snare (a correction)" in changes, changes
    assert ("panel: library drums-1: VP Kick 2.flac back to the tagger's tags (the panel's correction removed)"
            in changes), changes


def test_a_laptop_s_correction_given_back_is_logged_and_said_as_the_laptop_s(pg: Any, tmp_path: Path) -> None:
    from device.api.library_owners import note_fixers
    from device.library import query
    files = _library(tmp_path / "box")
    (files.parent / "library.json").write_text(json.dumps({"id": "drums-1", "name": "drums", "state": "done"}))
    query.set_tags(files.parent / "tags.db", files / "VP Kick 2.flac", ["snare"])
    note_fixers(files.parent, [("VP Kick 2.flac", ["snare"])], "qa-laptop", "tok-1")
    panel = _panel(StoreData(tmp_path / "box"))
    page = panel.page
    tap(panel, *page.tag_rows[page.tags.index("snare")].center)
    _select(panel, "VP Kick 2.flac")
    with box_logging(tmp_path / "box", terminal=False):
        panel.handle(Touch("down", 0, *page.retag_btn.center))
        panel.handle(Touch("down", 0, *page.unsure_btn.center))
    assert "qa-laptop's" in panel.state.toast and "yours" not in panel.state.toast, panel.state.toast
    changes = changes_path(tmp_path / "box").read_text()
    assert "back to the tagger's tags (qa-laptop's correction removed)" in changes, changes

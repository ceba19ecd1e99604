"""p57 FR2 1: the Models page's set-list row named the pack a program was mapped to, not the one it plays now.  A
mapping that follows its name keeps the id it was made with, so once a newer version was pushed the row said
"program 3 plays fuzzbox 0.2.0 now; map plays fuzzbox 0.3.0 instead" of a program that plays 0.3.0 already; a
mapped pack deleted with no other of its name left was said to play still.  The row now names what the program
plays now (device.midi_programs.resolve over the store's list, read as the page is shown and refreshed)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from device.ui.events import EncoderTurn, Touch
from tests.api.packs import gain_pack
from tests.ui.test_p57_F6_panel_set_list import _box, _select


def test_a_program_that_follows_its_name_is_said_to_play_the_newer_version(pg: Any, tmp_path: Path) -> None:
    box, panel, ids = _box(tmp_path)
    page = panel.page
    _select(panel, ids["fuzzbox"])
    panel.handle(EncoderTurn(1, 3, 3))
    panel.handle(Touch("down", 0, *page.map_btn.center))              # program 3: fuzzbox, following its name
    newer = box.push(gain_pack(tmp_path / "f3.hatpack", "fuzzbox", "0.3.0", seed=7)).json()["pack"]["id"]
    page.refresh()
    _select(panel, newer)
    assert page.program_words()[0].startswith("program 3 plays fuzzbox 0.3.0 already"), page.program_words()
    _select(panel, ids["drive"])
    assert "program 3 plays fuzzbox 0.3.0 now; map plays drive 0.2.0 instead" in page.program_words()[0]


def test_a_program_whose_pack_is_gone_is_not_said_to_play_it(pg: Any, tmp_path: Path) -> None:
    box, panel, ids = _box(tmp_path)
    page = panel.page
    _select(panel, ids["fuzzbox"])
    panel.handle(EncoderTurn(1, 4, 4))
    panel.handle(Touch("down", 0, *page.map_btn.center))              # program 4: fuzzbox (not active)
    box.app.state.box.store.delete(ids["fuzzbox"])
    page.refresh()
    _select(panel, ids["drive"])
    words = page.program_words()
    assert "plays fuzzbox" not in words[0], words
    assert words[0].startswith("program 4: fuzzbox 0.2.0 is no longer on the box; map plays drive 0.2.0"), words

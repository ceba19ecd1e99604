"""p57 QA_C 6 and 3 on the Models page's set-list row.  6: a program the laptop mapped on channel 2 only
(`hatbox box-midi --program 5 fuzzbox --program-channel 2`) read "program 5: nothing mapped; map plays ..." on the
panel; the row says that channel's mapping now.  3 (mended by p57 M1/M2, checked here on the row): "map" on a program
that already plays the selected pack by the laptop's mapping by name kept it following the name."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from device.midi_programs import Entry
from device.ui.events import EncoderTurn, Touch
from tests.ui.test_p57_F6_panel_set_list import _box, _select


def test_a_program_mapped_on_one_channel_only_says_that_channel(pg: Any, tmp_path: Path) -> None:
    box, panel, ids = _box(tmp_path)
    box.app.state.programs.programs.set(Entry(5, 1, ids["fuzzbox"], "effect", "fuzzbox", "0.2.0", True))
    _select(panel, ids["drive"])
    panel.handle(EncoderTurn(1, 5, 5))
    words = panel.page.program_words()
    assert words[0] == "program 5 plays fuzzbox 0.2.0 on channel 2 only; map plays drive 0.2.0 on the other channels"
    assert not any("nothing mapped" in w for w in words), words


def test_map_on_a_program_the_laptop_mapped_by_name_keeps_it_following(pg: Any, tmp_path: Path) -> None:
    box, panel, ids = _box(tmp_path)
    assert box.client.put("/midi/programs/0", json={"pack": "drive"}, headers=box.auth).status_code == 200
    _select(panel, ids["drive"])
    panel.handle(EncoderTurn(1, -5, -5))                     # to program 0 (the first free one is 1)
    assert panel.page.program_words()[0].startswith("program 0 plays drive 0.2.0 already")
    panel.handle(Touch("down", 0, *panel.page.map_btn.center))
    entry = box.app.state.programs.programs.lookup(0, None)
    assert entry is not None and entry.pack == ids["drive"] and entry.follow

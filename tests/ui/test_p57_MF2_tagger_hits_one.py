"""p57 FR2 4 and 6.  4: the panel's "tagger's tags" and the laptop's `fix` line read the tagger's hits of a file
through two copies of one query, and disagreed after a re-tag with a new pack stopped half way: for a file the new
pack had not reached yet the laptop named the old pack's hits, the panel none (the listings show none of them: they
count only the pack that tagged the library last).  Both now read device.library.words.tagger_hits, the current
pack's hits.  6: the Models page's ring went activate, roll back, map while "map" is drawn above both."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from device.library.words import tagger_hits
from device.ui.data import StoreData
from device.ui.events import EncoderTurn
from tests.ui.test_p57_F5_library_tagger_back import _library
from tests.ui.test_p57_F6_panel_set_list import _box


def _half_retagged(files: Path) -> None:
    """The library re-tagged with pack "tagger2", stopped after Snare.wav: the kicks keep the old pack's rows."""
    from device.library import db as libdb
    con = libdb.connect(files.parent / "tags.db")
    libdb.set_meta(con, model="tagger2")
    p = np.asarray([0.1, 0.9], np.float32)
    libdb.put_result(con, "Snare.wav", (100, 2), f"{2:064x}", "tagger2", ["kick", "snare"], p, p > 0.5, p)
    con.commit()
    con.close()


def test_after_a_half_done_retag_the_laptop_and_the_panel_name_the_same_tagger_tags(tmp_path: Path) -> None:
    files = _library(tmp_path / "box")
    db = files.parent / "tags.db"
    assert [t for t, _ in tagger_hits(db, files / "VP Kick 2.flac")] == ["kick"]      # one pack: its hits
    _half_retagged(files)
    data = StoreData(tmp_path / "box")
    for name, tags in (("VP Kick 2.flac", []), ("Snare.wav", ["snare"])):
        assert [t for t, _ in tagger_hits(db, files / name)] == tags, name
        assert data.tagger_tags(str(files / name)) == tags, name


def test_the_models_ring_goes_in_the_order_the_buttons_are_drawn(pg: Any, tmp_path: Path) -> None:
    _box_, panel, _ids = _box(tmp_path)
    page = panel.page
    assert page.focus.names == ("map", "activate", "roll back") and page.focus.at == "activate"
    assert page.map_btn.y < page.activate_btn.y
    panel.handle(EncoderTurn(3, -1, -1))
    assert page.focus.at == "map"
    panel.handle(EncoderTurn(3, 5, 5))
    assert page.focus.at == "roll back"

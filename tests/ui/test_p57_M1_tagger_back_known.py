"""p57 R1 review 2 and 5: the Library page's "tagger's tags" was offered over any corrected file.  Over a file the
tagger gave no tag (one it skipped as silent, which a laptop tagged by hand) one tap cleared the correction: the file
had no tag left, left every list and could not be reached on the panel again, while the toast said it was back with
the tagger.  MemoryData's undo made up a tagger's tag, "100% sure", for a file it knew only as corrected.  A laptop's
correction was removed in words meant for the player's own slip.  Now the way back is offered only where the tagger's
own tags are known and not none, and its words say whose correction went."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from device.ui import draw as D
from device.ui.data import MemoryData, Sample, StoreData
from device.ui.events import Touch
from hatbox.errors import HatboxError
from tests.ui.conftest import find_text, tap
from tests.ui.test_p57_F5_library_tagger_back import _library, _panel


def _skipped_and_fixed(files: Path) -> None:
    """Quiet.wav, which the tagger skipped as silent, tagged kick by hand (fixes.py: such a file keeps its tags)."""
    from device.library import db as libdb, query
    con = libdb.connect(files.parent / "tags.db")
    libdb.put_skipped(con, "Quiet.wav", (100, 9), "tagger", "silent")
    con.commit()
    con.close()
    (files / "Quiet.wav").write_bytes(b"")
    query.set_tags(files.parent / "tags.db", files / "Quiet.wav", ["kick"])


def _select(panel: Any, name: str) -> None:
    page = panel.page
    page.sample = [s.name for s in page.samples].index(name)


def test_a_file_the_tagger_gave_no_tag_is_not_offered_the_way_back(pg: Any, tmp_path: Path) -> None:
    from device.library import query
    files = _library(tmp_path / "box")
    _skipped_and_fixed(files)
    data = StoreData(tmp_path / "box")
    panel = _panel(data)
    page = panel.page
    _select(panel, "Quiet.wav")
    panel.handle(Touch("down", 0, *page.retag_btn.center))                   # retag mode over its correction
    assert page.retag is not None and page.retag.corrected and not page.undoable()
    surface = pg.Surface((800, 480))
    page.draw(surface)
    assert not find_text(surface, "tagger's tags", D.BUTTON_TEXT, D.BG)
    panel.handle(Touch("down", 0, *page.unsure_btn.center))                  # "unsure first", as ever
    assert query.corrected_tags(files.parent / "tags.db", files / "Quiet.wav") == ["kick"]      # kept
    assert "tagger's tags" not in panel.state.toast
    assert data.tagger_tags(str(files / "Quiet.wav")) == [] and data.tagger_tags(str(files / "Snare.wav")) == ["snare"]


def test_a_laptop_s_correction_undone_is_said_as_the_laptop_s(pg: Any, tmp_path: Path) -> None:
    from device.api.library_owners import note_fixers
    from device.library import query
    files = _library(tmp_path / "box")
    (files.parent / "library.json").write_text(json.dumps({"id": "drums-1", "name": "drums", "state": "done"}))
    query.set_tags(files.parent / "tags.db", files / "VP Kick 2.flac", ["snare"])     # a laptop's fix
    note_fixers(files.parent, [("VP Kick 2.flac", ["snare"])], "laptopB", "tok-1")
    panel = _panel(StoreData(tmp_path / "box"))
    page = panel.page
    tap(panel, *page.tag_rows[page.tags.index("snare")].center)
    _select(panel, "VP Kick 2.flac")
    panel.handle(Touch("down", 0, *page.retag_btn.center))
    assert page.undoable()
    panel.handle(Touch("down", 0, *page.unsure_btn.center))
    assert query.corrected_tags(files.parent / "tags.db", files / "VP Kick 2.flac") == []
    assert panel.state.toast == "VP Kick 2.flac: laptopB's correction removed, back to the tagger's tags"


def test_memory_data_gives_back_only_the_tagger_tags_it_knows(pg: Any) -> None:
    fixed, other = Sample("/l/a.wav", 1.0, True), Sample("/l/b.wav", 0.8)
    data = MemoryData(library={"kick": [fixed, other], "snare": [Sample("/l/c.wav", 0.9)]})
    panel = _panel(data)
    page = panel.page
    _select(panel, "a.wav")
    panel.handle(Touch("down", 0, *page.retag_btn.center))       # a file known only as corrected: no way back
    assert page.retag is not None and page.retag.corrected and not page.undoable()
    panel.handle(Touch("down", 0, *page.retag_btn.center))
    data.set_tags(fixed.path, ["snare"])
    with pytest.raises(HatboxError, match="the tagger's tags of a.wav are not known"):
        data.set_tags(fixed.path, [])                             # no tag of the tagger's made up (score 1.0)
    assert data.library["snare"][0] == Sample(fixed.path, 1.0, True) and data.tagger_tags(fixed.path) is None
    assert data.tagger_tags(other.path) == ["kick"]
    data.set_tags(other.path, ["snare"])                          # the tagger's kick: known, and given back
    assert data.tagger_tags(other.path) == ["kick"]
    data.set_tags(other.path, [])
    assert Sample(other.path, 0.8) in data.library["kick"] and data.tagger_tags(other.path) == ["kick"]

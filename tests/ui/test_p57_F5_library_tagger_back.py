"""p57 QA_B 6: undoing a wrong retag on the Library page by retagging back made the file "yours", a correction that
trains the next pack.  In retag mode over a corrected sample, "unsure first" now reads "tagger's tags": the
correction goes (as `hatbox library fix --clear`), and the file reads as the tagger's again ("97% sure")."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from device.ui import draw as D
from device.ui.data import MemoryData, Sample, StoreData
from device.ui.events import EncoderPress, EncoderTurn, Touch
from device.ui.panel import Panel
from device.ui.shots import RecordingControl
from tests.ui.conftest import find_text, tap


def _library(root: Path) -> Path:
    """A tagged library of three files (kick, kick, snare) on a box at ``root``; returns its files folder."""
    from device.library import db as libdb
    files = root / "libraries" / "drums-1" / "files"
    files.mkdir(parents=True)
    con = libdb.connect(files.parent / "tags.db")
    tags = ["kick", "snare"]
    libdb.set_meta(con, root=str(files), tags=",".join(tags), exclusive=1)
    for i, (name, probs) in enumerate([("VP Kick 2.flac", [0.97, 0.1]), ("VP Kick 1.flac", [0.9, 0.3]),
                                       ("Snare.wav", [0.2, 0.95])]):
        p = np.asarray(probs, np.float32)
        libdb.put_result(con, name, (100, i), f"{i:064x}", "tagger", tags, p, p > 0.5, p)
    con.commit()
    con.close()
    return files


def _panel(data: Any) -> Panel:
    panel = Panel(RecordingControl(), data, (800, 480))
    panel.show_title("Library")
    return panel


def _retag(panel: Panel, tag: str) -> None:
    page = panel.page
    panel.handle(Touch("down", 0, *page.retag_btn.center))
    tap(panel, *page.tag_rows[page.tags.index(tag)].center)


def test_a_slip_undone_gives_the_file_back_to_the_tagger(pg: Any, tmp_path: Path) -> None:
    from device.library import query
    files = _library(tmp_path / "box")
    panel = _panel(StoreData(tmp_path / "box"))
    page = panel.page
    assert [s.name for s in page.samples][0] == "VP Kick 2.flac"
    _retag(panel, "snare")                                                    # the slip
    assert query.corrected_tags(files.parent / "tags.db", files / "VP Kick 2.flac") == ["snare"]
    moved = page.samples[page.sample]
    assert moved.name == "VP Kick 2.flac" and moved.corrected
    panel.handle(Touch("down", 0, *page.retag_btn.center))                   # retag mode over the correction
    assert page.undoable()
    surface = pg.Surface((800, 480))
    page.draw(surface)
    assert find_text(surface, "tagger's tags", D.BUTTON_TEXT, D.BG)
    panel.handle(Touch("down", 0, *page.unsure_btn.center))
    assert query.corrected_tags(files.parent / "tags.db", files / "VP Kick 2.flac") == []
    assert page.tags[page.tag] == "kick" and page.retag is None
    back = page.samples[page.sample]
    assert back.name == "VP Kick 2.flac" and not back.corrected and back.score > 0.9
    assert panel.state.toast == "VP Kick 2.flac: back to the tagger's tags (no longer yours)"
    page.draw(surface)
    assert find_text(surface, "97% sure", 20, D.DIM) and not find_text(surface, "yours", 20, D.GOOD)
    assert find_text(surface, "unsure first", D.BUTTON_TEXT, D.TEXT)         # the button is itself again


def test_the_way_back_shows_only_over_a_correction_and_encoder_4_reaches_it(pg: Any) -> None:
    kick2, kick1 = Sample("/lib/VP Kick 2.flac", 0.97), Sample("/lib/VP Kick 1.flac", 0.9)
    data = MemoryData(library={"kick": [kick2, kick1], "snare": [Sample("/lib/Snare.wav", 0.95)]})
    panel = _panel(data)
    page = panel.page
    panel.handle(Touch("down", 0, *page.retag_btn.center))
    assert not page.undoable()                                                # the tagger's own: nothing to undo
    panel.handle(Touch("down", 0, *page.unsure_btn.center))                  # "unsure first" as ever
    assert page.review_on()
    panel.handle(Touch("down", 0, *page.retag_btn.center))                   # retag mode off, the tag's list back
    panel.handle(Touch("down", 0, *page.unsure_btn.center))
    assert page.retag is None and not page.review_on()
    _retag(panel, "snare")
    assert data.library["snare"][0] == Sample(kick2.path, 1.0, True)
    panel.handle(EncoderPress(3, True))                                       # encoder 4: retag mode ...
    panel.handle(EncoderTurn(3, -3, -3))                                      # ... its ring to the left button
    panel.handle(EncoderPress(3, True))
    assert data.library == {"kick": [kick2, kick1], "snare": [Sample("/lib/Snare.wav", 0.95)]}
    assert page.samples[page.sample] == kick2

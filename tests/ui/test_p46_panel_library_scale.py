"""p46 QA "big": the Library page over a box of many libraries.

Finding 4: it said "2 files could not be read" of files read fine (silent.wav, a file one sample long) and named no
library; across the box 8 files were skipped as silent and 7 refused.  Finding 6: each tag step and each 2 s re-read
read every library's tag counts and records again (cost growing with the files on the box); the figures are kept
while the files stand still (device/ui/stamped.py)."""
from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import numpy as np

from device.library import db as libdb
from device.ui.data import Shelved, StoreData
from device.ui.pages.library_words import empty_hint, status_words, unread_words

TAGS = ["kick", "snare"]


def _library(store: Path, lid: str, n: int, *, silent: int = 0, broken: int = 0, rejected: int = 0,
             age_s: float = 60.0) -> Path:
    """A tagged library as the box keeps it: ``n`` files tagged, ``silent`` skipped, ``broken`` not decoded."""
    files = store / "libraries" / lid / "files"
    files.mkdir(parents=True)
    con = libdb.connect(files.parent / "tags.db")
    libdb.set_meta(con, root=str(files.resolve()), tags=",".join(TAGS), exclusive=1, model="m")
    for i in range(n):
        p = np.asarray([0.9, 0.1] if i % 2 else [0.2, 0.8], np.float32)
        libdb.put_result(con, f"s{i:03d}.wav", (100, i), f"{i:064x}", "m", TAGS, p, p > 0.5, np.ones(3, np.float32))
    for i in range(silent):
        libdb.put_skipped(con, f"quiet{i}.wav", (100, i), "m", "silent (all zeros)")
    for i in range(broken):
        libdb.put_error(con, f"bad{i}.wav", (100, i), "m", "not audio")
    con.commit()
    con.close()
    record = {"id": lid, "name": lid.split("-")[1], "state": "done", "accepted": n + silent + broken,
              "rejected": rejected, "files": [{"path": f"s{i:03d}.wav"} for i in range(n)]}
    (files.parent / "library.json").write_text(json.dumps(record))
    old = time.time() - age_s
    for f in files.parent.iterdir():
        os.utime(f, (old, old))
    return files.parent


def test_silent_files_are_not_called_unreadable_and_the_library_is_named(tmp_path: Path) -> None:
    store = tmp_path / "box"
    _library(store, "lib-drums-000001", 4)
    _library(store, "lib-broken-000002", 0, silent=2, rejected=7)
    shelf = tuple(StoreData(store).shelf())
    assert [(s.name, s.unread, s.skipped) for s in shelf] == [("broken", 7, 2), ("drums", 0, 0)]
    words = unread_words(shelf)
    assert words[0] == "broken: 7 files could not be read, 2 files skipped as silent or too short"
    assert words[-1] == "7 unreadable, 2 silent/short"
    only_silent = unread_words((Shelved("broken", "done", 2, 2, 0, "", 2),))
    assert only_silent[0] == "broken: 2 files skipped as silent or too short"
    assert not any("could not be read" in w or "unreadable" in w for w in only_silent)


def test_over_several_libraries_it_counts_them_all_and_says_in_how_many(tmp_path: Path) -> None:
    store = tmp_path / "box"
    _library(store, "lib-a-000001", 3, silent=1)
    _library(store, "lib-b-000002", 3, silent=2, broken=1)
    _library(store, "lib-c-000003", 3, rejected=4)
    words = unread_words(tuple(StoreData(store).shelf()))
    assert words == ("5 files could not be read, 3 files skipped as silent or too short, in 3 libraries",
                     "5 unreadable, 3 silent/short (3 libraries)", "5 unreadable, 3 silent/short")


def _panel(data: Any) -> Any:
    from device.ui.panel import Panel
    from device.ui.shots import RecordingControl
    panel = Panel(RecordingControl(), data, (800, 480))
    panel.show_title("Library")
    return panel


def test_the_status_line_keeps_the_library_words_before_the_read_detail(tmp_path: Path, pg: Any) -> None:
    store = tmp_path / "box"
    _library(store, "lib-drums-000001", 4)
    _library(store, "lib-broken-000002", 0, silent=2)
    panel = _panel(StoreData(store))
    words, _ = status_words(panel.page)
    assert words[0] == "sample 1 of 2 - broken: 2 files skipped as silent or too short"
    assert words[-1] == "1 of 2"
    from device.ui.shots import headless_surface
    panel.draw(headless_surface((800, 480)))


def test_with_no_tags_the_hint_names_the_library(tmp_path: Path, pg: Any) -> None:
    from device.ui.data import MemoryData
    panel = _panel(MemoryData(shelved=[Shelved("lib1", "waiting", 9, 0, 2, "x", 1)]))
    from device.ui.pages.library_words import empty_words
    lines, _ = empty_words(panel.page)
    assert empty_hint(panel.page, lines)[0] == "lib1: 2 files could not be read, 1 file skipped as silent or too short"


def test_a_tag_step_reads_no_tag_counts_or_records_again_while_the_libraries_stand_still(tmp_path: Path) -> None:
    store = tmp_path / "box"
    for n in range(4):
        _library(store, f"lib-k{n}-00000{n}", 6, silent=1)
    data = StoreData(store)
    from device.ui.pages.library_words import tag_counts
    first = tag_counts(data)
    reads = data.kept.reads
    for tag in ["kick", "snare"] * 3:                   # six tag steps and re-reads
        assert len(data.samples(tag, 200)) == 12
        assert tag_counts(data) == first
    assert data.kept.reads == reads                     # nothing read again: the files stood still


def test_a_library_that_changes_is_read_again(tmp_path: Path) -> None:
    store = tmp_path / "box"
    folder = _library(store, "lib-k-000001", 4)
    data = StoreData(store)
    assert data.tags() == {"kick": 2, "snare": 2}
    con = libdb.connect(folder / "tags.db")            # a retag, as the panel or the API writes it
    libdb.put_user_tags(con, "s000.wav", ["kick"])
    con.commit()
    con.close()
    assert data.tags() == {"kick": 3, "snare": 1}
    record = json.loads((folder / "library.json").read_text())
    (folder / "library.json").write_text(json.dumps({**record, "rejected": 3}))
    assert data.shelf()[0].unread == 3


def test_a_figure_read_while_its_files_were_just_written_is_not_kept(tmp_path: Path) -> None:
    from device.ui.stamped import Stamped
    f = tmp_path / "f"
    f.write_text("a")
    kept, calls = Stamped(), []
    read = lambda: calls.append(1) or len(calls)  # noqa: E731
    assert kept.get("k", [f], read) == 1 and kept.get("k", [f], read) == 2       # just written: read each time
    old = time.time() - 60
    os.utime(f, (old, old))
    assert kept.get("k", [f], read) == 3 and kept.get("k", [f], read) == 3       # stood still: kept
    f.write_text("bb")
    assert kept.get("k", [f], read) == 4

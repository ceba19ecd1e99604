"""p52 M1 (review R1, 1 and 2): the "more like this" caches (query's kept cosines, library_alike's kept middles).

1. A commit made after a checkpoint rewrites the -wal from its top: while it writes inside the old length the -wal
   keeps its size and header, and only its time told the commit apart (one clock tick on a coarse-timestamp kernel:
   none).  The -shm's wal-index header is new on every commit, and is now part of the state both caches compare.
2. The kept cosines were keyed on the database path as given: a store reached through a link (or a relative
   ``--store``) kept them under one spelling and asked under another, and read every embedding again."""
from __future__ import annotations

import os
import sqlite3
from collections import OrderedDict
from pathlib import Path
from typing import Any, Iterator

import numpy as np
import pytest

from device.library import closeness, query
from device.library import db as libdb
from device.ui.data import Sample, StoreData
from device.ui.pages import library_alike
from tests.test_p51_m2_alike_middle import _store


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Each read of a library's embeddings (device.library.db.embeddings), by its row count; nothing kept from
    another test."""
    got: list[int] = []
    real = libdb.embeddings

    def counting(blobs: Any) -> np.ndarray:
        got.append(len(blobs))
        return real(blobs)
    monkeypatch.setattr(libdb, "embeddings", counting)
    monkeypatch.setattr(library_alike, "_kept", OrderedDict())
    monkeypatch.setattr(query, "_cosines_kept", {})
    return got


@pytest.fixture
def writer(tmp_path: Path) -> Iterator[tuple[Path, sqlite3.Connection]]:
    """The store's files folder and a tagging run's connection, open throughout, whose -wal has been checkpointed
    and restarted: the next commits overwrite frames inside its old length."""
    files = _store(tmp_path)
    con = libdb.connect(files.parent / "tags.db")
    for i in range(10):
        con.execute("UPDATE files SET top_score = ? WHERE path = 's012.wav'", (float(i),))
        con.commit()
    con.execute("PRAGMA wal_checkpoint(PASSIVE)")           # as SQLite's auto-checkpoint does every 1000 pages
    con.execute("UPDATE meta SET value = 'x' WHERE key = 'run'")
    con.commit()                                           # restarts the -wal at its top: it keeps its length
    yield files, con
    con.close()


def _commit_in_the_same_tick(con: sqlite3.Connection, db: Path, sql: str) -> None:
    """Commit ``sql`` and put the -wal's and the database's times back as they were (a commit within one tick of
    a coarse clock); the -wal must not have grown (else this test would not test the reused -wal)."""
    wal = Path(f"{db}-wal")
    before = {f: f.stat() for f in (db, wal)}
    con.execute(sql)
    con.commit()
    assert wal.stat().st_size == before[wal].st_size and db.stat().st_size == before[db].st_size
    for f, st in before.items():
        os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns))


def test_a_commit_into_a_reused_wal_in_one_tick_is_read_again(writer: tuple[Path, sqlite3.Connection],
                                                               reads: list[int]) -> None:
    files, con = writer
    db, asked = files.parent / "tags.db", files / "s005.wav"
    query.similar_and_pack(db, asked, 8)                   # the panel's list: keeps the cosines of every other file
    _commit_in_the_same_tick(con, db, "DELETE FROM files WHERE path = 's020.wav'")
    served = query.cosines_to(db, asked)
    assert len(served) == 38                               # was 39: the kept array, s020 still in it
    assert np.array_equal(served, query.cosines_to(db, asked))


def test_a_retag_of_the_last_row_in_one_tick_is_read_again(writer: tuple[Path, sqlite3.Connection],
                                                           reads: list[int]) -> None:
    files, con = writer
    db, asked = files.parent / "tags.db", files / "s005.wav"
    query.similar_and_pack(db, asked, 8)
    last = query._last_row(con)
    emb = np.ones(16, "<f4").tobytes()                     # the same size: the row's pages, rewritten in place
    _commit_in_the_same_tick(con, db, f"UPDATE files SET embedding = x'{emb.hex()}' WHERE rowid = {last}")
    assert query._last_row(con) == last                    # the guard max(rowid) cannot see this one
    served = query.cosines_to(db, asked)
    assert np.array_equal(served, query.cosines_to(db, asked))         # was the kept array: the row's old cosine


def test_the_kept_middle_is_read_again_after_a_commit_into_a_reused_wal(writer: tuple[Path, sqlite3.Connection],
                                                                        reads: list[int]) -> None:
    files, con = writer
    db, asked = files.parent / "tags.db", str(files / "s005.wav")
    first = library_alike.middle_kept(db, asked)            # kept
    _commit_in_the_same_tick(con, db, "UPDATE files SET embedding = (SELECT embedding FROM files WHERE path = "
                             "'s005.wav') WHERE path BETWEEN 's016.wav' AND 's025.wav'")     # alike: a new middle
    query._cosines_kept.clear()
    fresh = closeness.middle_in(db, asked)
    assert fresh is not None and fresh != first and library_alike.middle_kept(db, asked) == fresh


def test_a_store_reached_through_a_link_reads_the_embeddings_once(tmp_path: Path, reads: list[int]) -> None:
    real = tmp_path / "real"
    files = _store(real)
    link = tmp_path / "box"
    link.symlink_to(real)                                   # ~/.hatbox through a link: --store is not resolved
    ref = Sample(str(files.resolve() / "s003.wav"), 1.0)    # as device.library.tag records its root: resolved
    shown = library_alike.alike_samples(StoreData(link), ref)
    assert len(shown) == library_alike.SHOWN and reads == [40]          # was [40, 40]: kept under the link's name


def test_a_relative_store_path_finds_the_kept_cosines(tmp_path: Path, reads: list[int],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    files = _store(tmp_path / "box")
    monkeypatch.chdir(tmp_path)
    relative = Path("box") / files.relative_to(tmp_path / "box").parent / "tags.db"
    query.similar_and_pack(relative, files / "s004.wav", 3)             # `--store box`: the list's read
    assert len(query.cosines_to(files.parent / "tags.db", files / "s004.wav")) == 39 and len(reads) == 1

"""p52 M1 (review R1, 1 and 2): the "more like this" caches (query's kept cosines, library_alike's kept middles).

1. A commit made after a checkpoint rewrites the -wal from its top: while it writes inside the old length the -wal
   keeps its size, and only the files' times tell the commit apart (the -shm's too, now part of the state).  Its
   wal-index header, new on every commit, is NOT read: opening SQLite's files from Python and closing them drops the
   process's POSIX locks on them (p52 final read FR4: a database came out malformed), so a commit within one tick
   of a coarse file clock can still look unchanged; these tests commit a tick apart.
2. The kept cosines were keyed on the database path as given: a store reached through a link (or a relative
   ``--store``) kept them under one spelling and asked under another, and read every embedding again."""
from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Iterator

import numpy as np
import pytest

from device.library import closeness, query
from device.library import db as libdb
from device.ui.data import Sample, StoreData
from device.ui.pages import library_alike
from tests.test_p51_m2_alike_middle import _store
from tests.ui.test_p52_L_alike_one_read import reads  # noqa: F401  (the fixture: each read of the embeddings)


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


def _commit_into_the_reused_wal(con: sqlite3.Connection, db: Path, sql: str) -> None:
    """Commit ``sql`` a clock tick after the last read (time.sleep: coarse file clocks tick every few ms); the -wal
    must not have grown (else this test would not test the reused -wal)."""
    import time
    wal = Path(f"{db}-wal")
    before = {f: f.stat() for f in (db, wal)}
    time.sleep(0.03)
    con.execute(sql)
    con.commit()
    assert wal.stat().st_size == before[wal].st_size and db.stat().st_size == before[db].st_size


def test_a_commit_into_a_reused_wal_is_read_again(writer: tuple[Path, sqlite3.Connection],
                                                               reads: list[int]) -> None:
    files, con = writer
    db, asked = files.parent / "tags.db", files / "s005.wav"
    query.similar_and_pack(db, asked, 8)                   # the panel's list: keeps the cosines of every other file
    _commit_into_the_reused_wal(con, db, "DELETE FROM files WHERE path = 's020.wav'")
    served = query.cosines_to(db, asked)
    assert len(served) == 38                               # was 39: the kept array, s020 still in it
    assert np.array_equal(served, query.cosines_to(db, asked))


def test_a_retag_of_the_last_row_is_read_again(writer: tuple[Path, sqlite3.Connection],
                                                           reads: list[int]) -> None:
    files, con = writer
    db, asked = files.parent / "tags.db", files / "s005.wav"
    query.similar_and_pack(db, asked, 8)
    last = query._last_row(con)
    emb = np.ones(16, "<f4").tobytes()                     # the same size: the row's pages, rewritten in place
    _commit_into_the_reused_wal(con, db, f"UPDATE files SET embedding = x'{emb.hex()}' WHERE rowid = {last}")
    assert query._last_row(con) == last                    # the guard max(rowid) cannot see this one
    served = query.cosines_to(db, asked)
    assert np.array_equal(served, query.cosines_to(db, asked))         # was the kept array: the row's old cosine


def test_the_kept_middle_is_read_again_after_a_commit_into_a_reused_wal(writer: tuple[Path, sqlite3.Connection],
                                                                        reads: list[int]) -> None:
    files, con = writer
    db, asked = files.parent / "tags.db", str(files / "s005.wav")
    first = library_alike.middle_kept(db, asked)            # kept
    _commit_into_the_reused_wal(con, db, "UPDATE files SET embedding = (SELECT embedding FROM files WHERE path = "
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


def test_the_state_read_leaves_sqlites_locks_held(tmp_path: Path) -> None:
    """p52 FR4: db_state opened and closed tags.db, -wal and -shm, which drops every POSIX lock this process holds on
    them: a correction's write lock held in the box's process no longer kept a tagging child out."""
    import subprocess
    import sys
    files = _store(tmp_path)
    db = files.parent / "tags.db"
    api = sqlite3.connect(db, isolation_level=None)        # the API thread's correction, in this process
    try:
        api.execute("BEGIN IMMEDIATE")
        api.execute("UPDATE meta SET value = 'held' WHERE key = 'run'")
        assert len(StoreData(tmp_path).similar(str(files / "s003.wav"), 8)) == 8        # the panel's reader
        query.db_state(db)
        child = subprocess.run([sys.executable, "-c", f"""
import sqlite3
c = sqlite3.connect({str(db)!r}, timeout=0.2, isolation_level=None)
try:
    c.execute('BEGIN IMMEDIATE')
    print('wrote')
except sqlite3.OperationalError as e:
    print('refused', e)
"""], capture_output=True, text=True, timeout=60)
        assert child.stdout.strip() == "refused database is locked", child.stdout + child.stderr
    finally:
        api.execute("ROLLBACK")
        api.close()

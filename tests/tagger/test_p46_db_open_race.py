"""Opening one new library database from several threads and processes at once (forty-sixth stop, QA "reg": the
box's tagger starting and a laptop's POST /libraries/{id}/fixes opened a new tags.db together, and the tagging failed
with "tags.db is another program's database (it holds files, meta)": one opener saw the other's half-made schema)."""
from __future__ import annotations

import multiprocessing
import sqlite3
import threading
from pathlib import Path

import pytest

from device.library import db as libdb
from hatbox.errors import HatboxError

THREADS = 6
ROUNDS = 12


def _open_together(db_path: Path, n: int) -> list[str]:
    """Open ``db_path`` from ``n`` threads released at once; the errors they met (as text)."""
    go = threading.Barrier(n)
    errors: list[str] = []

    def opener() -> None:
        go.wait()
        try:
            libdb.connect(db_path).close()
        except Exception as exc:  # noqa: BLE001 - every failure is the finding
            errors.append(f"{type(exc).__name__}: {exc}")
    threads = [threading.Thread(target=opener) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not any(t.is_alive() for t in threads)
    return errors


def _tables(db_path: Path) -> set[str]:
    con = sqlite3.connect(db_path)
    try:
        return {n for (n,) in con.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}
    finally:
        con.close()


def test_threads_opening_one_new_database_at_once_never_fail(tmp_path):
    failures = []
    for i in range(ROUNDS):
        db_path = tmp_path / f"lib{i}" / "tags.db"
        failures += _open_together(db_path, THREADS)
        assert libdb.OURS | {"effective_tags"} <= _tables(db_path)
    assert failures == []


def _open_in_child(db_path: str, go: object, errors: object) -> None:
    go.wait()                                              # type: ignore[attr-defined]
    try:
        libdb.connect(db_path).close()
    except Exception as exc:  # noqa: BLE001 - every failure is the finding
        errors.put(f"{type(exc).__name__}: {exc}")         # type: ignore[attr-defined]


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="needs fork")
def test_two_processes_opening_one_new_database_at_once_never_fail(tmp_path):
    ctx = multiprocessing.get_context("fork")
    errors = ctx.Queue()
    for i in range(ROUNDS):
        db_path = tmp_path / f"lib{i}" / "tags.db"
        go = ctx.Barrier(2)
        children = [ctx.Process(target=_open_in_child, args=(str(db_path), go, errors)) for _ in range(2)]
        for c in children:
            c.start()
        for c in children:
            c.join(60)
        assert [c.exitcode for c in children] == [0, 0]
        assert libdb.OURS | {"effective_tags"} <= _tables(db_path)
    found = []
    while not errors.empty():
        found.append(errors.get())
    errors.close()
    errors.join_thread()
    assert found == []


def test_another_programs_database_is_still_refused_and_left_as_it_was(tmp_path):
    db_path = tmp_path / "notes.sqlite"
    con = sqlite3.connect(db_path)
    con.execute("CREATE TABLE notes (id INTEGER)")
    con.execute("CREATE TABLE meta (key TEXT)")                 # a meta of its own, no files nor tags
    con.commit()
    con.close()
    for _ in range(2):
        with pytest.raises(HatboxError, match=r"another program's database \(it holds meta, notes\)"):
            libdb.connect(db_path)
    assert _tables(db_path) == {"notes", "meta"}


def test_a_database_of_an_older_hatbox_is_completed_in_one_go(tmp_path):
    db_path = tmp_path / "old.sqlite"
    con = sqlite3.connect(db_path)
    con.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    con.execute("CREATE TABLE files (path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, "
                "hash TEXT, status TEXT NOT NULL, error TEXT, model TEXT, embedding BLOB, top_tag TEXT, "
                "top_score REAL)")
    con.execute("CREATE TABLE tags (path TEXT NOT NULL, tag TEXT NOT NULL, score REAL NOT NULL, hit INTEGER NOT NULL, "
                "PRIMARY KEY (path, tag))")
    con.execute("CREATE VIEW effective_tags (path, tag) AS SELECT path, tag FROM tags")    # an older listing
    con.commit()
    con.close()
    assert _open_together(db_path, 4) == []
    assert libdb.OURS | {"effective_tags"} <= _tables(db_path)
    con = libdb.connect(db_path)
    try:
        assert libdb._view_is_current(con)
        assert not con.in_transaction
    finally:
        con.close()

"""A library database SQLite will not open for writing says why and what to do (thirty-seventh stop: the hint was
"another program may hold it locked, or the folder is not writable" whatever SQLite said)."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from device.library import db as libdb


@pytest.mark.parametrize("said, words", [
    ("attempt to write a readonly database", "make it and its folder writable"),
    ("database is locked", "wait for it to finish"),
    ("database or disk is full", "free some space"),
    ("unable to open database file", "may hold it locked"),
])
def test_the_open_error_names_what_to_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, said: str,
                                         words: str) -> None:
    def refuse(*args, **kwargs):
        raise sqlite3.OperationalError(said)
    monkeypatch.setattr(libdb.sqlite3, "connect", refuse)
    with pytest.raises(libdb.CannotWrite) as caught:
        libdb.connect(tmp_path / "my library.db")
    assert said in str(caught.value) and words in caught.value.hint


@pytest.mark.parametrize("said", ["attempt to write a readonly database", "unable to open database file"])
@pytest.mark.parametrize("shut", ["file", "folder"])
def test_the_hint_names_what_is_not_writable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, said: str,
                                            shut: str) -> None:
    """QA: a read-only database in a writable folder opens (the write fails later); what SQLite refuses to open is a
    database whose folder is read-only, and the hint said to chmod the file, already writable."""
    folder = tmp_path / "my libs"
    folder.mkdir()
    db = folder / "tags.db"
    db.write_bytes(b"")
    closed = db if shut == "file" else folder

    def refuse(*args, **kwargs):
        raise sqlite3.OperationalError(said)
    monkeypatch.setattr(libdb.sqlite3, "connect", refuse)
    monkeypatch.setattr(libdb.os, "access", lambda p, mode: Path(p) != closed)
    with pytest.raises(libdb.CannotWrite) as caught:
        libdb.connect(db)
    assert f"chmod u+w '{closed}'" in caught.value.hint
    assert ("its folder" in caught.value.hint) == (shut == "folder")

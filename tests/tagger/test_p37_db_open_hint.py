"""A library database SQLite will not open for writing says why and what to do (thirty-seventh stop: the hint was
"another program may hold it locked, or the folder is not writable" whatever SQLite said)."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from device.library import db as libdb


@pytest.mark.parametrize("said, words", [
    ("attempt to write a readonly database", "chmod u+w"),
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
    if words == "chmod u+w":
        assert "'" + str(tmp_path / "my library.db") + "'" in caught.value.hint     # quoted for the shell

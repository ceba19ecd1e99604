"""p51 final reading (MF3 7): `hatbox tag`'s notes on files named as another in the other Unicode form
(hatbox.tag_notes.say_twins) come after the summary, and "no note is worth a failure here"; a sqlite3.Error while
reading the rows (a database malformed or locked since the run) was not caught (only HatboxError was): a traceback
after a run that went well."""
from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from device.library import db as libdb
from hatbox import tag_notes


def test_a_database_error_loses_the_notes_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "tags.db"
    con = libdb.connect(db)
    libdb.set_meta(con, root=str(tmp_path), inside=0, tags="hat,kick", model="tagger", run="done")
    libdb.put_skipped(con, "cafe\u0301.wav", (0, 1), "tagger", "silent (all zeros)")
    libdb.put_skipped(con, "caf\u00e9.wav", (0, 1), "tagger", "silent (all zeros)")
    con.commit()
    con.close()
    tag_notes.say_twins(db)
    assert "note: " in capsys.readouterr().out            # the pair is noted where its rows read

    def malformed(con: Any) -> None:
        raise sqlite3.DatabaseError("database disk image is malformed")
    monkeypatch.setattr(libdb, "known_files", malformed)
    tag_notes.say_twins(db)                                 # was: sqlite3.DatabaseError out of hatbox tag
    assert capsys.readouterr().out == ""

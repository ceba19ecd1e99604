"""A library database on a read-only drive or folder (a backup, a shared drive) is listed and exported as it stands;
a correction to it is refused in words.  Before, `library query` and `library export` refused it ("cannot use ... as
a library database: attempt to write a readonly database"): opening one always set WAL and wrote its schema.

The tests run as root (CI does too), where chmod bites nobody: the refusal to write is faked at the connect."""
from __future__ import annotations

import sqlite3

import pytest

from device.library import db as libdb
from hatbox.cli import main
from tests.tagger.test_p34_tag_qa import _lib


def refuse_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    """libdb.connect as on a read-only folder: SQLite cannot open the database for writing."""
    def connect(db_path: object) -> sqlite3.Connection:
        raise libdb.CannotWrite(f"cannot use {db_path} as a library database: attempt to write a readonly database")
    monkeypatch.setattr(libdb, "connect", connect)


def test_a_database_that_takes_no_writes_is_listed_and_exported(tmp_path, small_pack, monkeypatch, capsys) -> None:
    lib = _lib(tmp_path, "kit/a.wav", "kit/b.wav")
    db = tmp_path / "lib.sqlite"
    assert main(["tag", str(lib), "--pack", str(small_pack), "--out", str(db)]) == 0
    assert main(["library", "fix", str(db), str(lib / "kit" / "a.wav"), "dusty"]) == 0
    before = db.read_bytes()
    capsys.readouterr()
    refuse_writes(monkeypatch)
    assert main(["library", "query", str(db)]) == 0
    assert "dusty" in capsys.readouterr().out
    assert main(["library", "export", str(db), "--out", str(tmp_path / "c.csv")]) == 0
    assert "kit/a.wav,dusty" in (tmp_path / "c.csv").read_text().replace("\\", "/")
    assert main(["library", "fix", str(db), str(lib / "kit" / "b.wav"), "snare"]) == 2
    assert "read-only" in capsys.readouterr().err
    assert db.read_bytes() == before                          # nothing written


def test_an_older_database_s_listing_view_is_made_in_memory(tmp_path, small_pack) -> None:
    lib = _lib(tmp_path, "kit/a.wav")
    db = tmp_path / "lib.sqlite"
    assert main(["tag", str(lib), "--pack", str(small_pack), "--out", str(db)]) == 0
    assert main(["library", "fix", str(db), str(lib / "kit" / "a.wav"), "dusty"]) == 0
    con = sqlite3.connect(db)
    con.execute("DROP VIEW effective_tags")
    con.execute("CREATE VIEW effective_tags (path, tag, score, corrected) AS SELECT path, tag, score, 0 FROM tags")
    con.commit()
    con.close()
    ro = libdb.connect_readonly(db)
    assert ro.execute("SELECT count(*) FROM effective_tags").fetchone()[0] >= 1
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        ro.execute("DELETE FROM files")
    ro.close()
    sql = sqlite3.connect(db).execute("SELECT sql FROM sqlite_master WHERE name = 'effective_tags'").fetchone()[0]
    assert "FROM tags" in sql and "user_tags" not in sql       # the file's own view is as it was


def test_out_naming_a_sample_is_refused_and_nothing_is_made_beside_it(tmp_path, small_pack, capsys) -> None:
    lib = _lib(tmp_path, "kit/a.wav", "kit/b.wav")
    sample = lib / "kit" / "b.wav"
    before = sample.read_bytes()
    assert main(["tag", str(lib), "--pack", str(small_pack), "--out", str(sample)]) == 2
    assert "is a file that is no library database" in capsys.readouterr().err
    assert sample.read_bytes() == before and sorted(p.name for p in sample.parent.iterdir()) == ["a.wav", "b.wav"]


@pytest.mark.parametrize("message, query_says, tag_says", [
    ("attempt to write a readonly database", "the database file is read-only", "it was made read-only"),
    ("database is locked", "is locked by another program", "is locked by another program"),
    ("database or disk is full", "the disk is full; nothing was changed", "the disk is full: stopped"),
    ("disk I/O error", "disk I/O error; nothing was changed", "disk I/O error: stopped"),
])
def test_one_reading_of_sqlite_write_errors_for_fixes_and_tagging(message, query_says, tag_says) -> None:
    """`hatbox library fix` and `hatbox tag` read SQLite's refusals the same way (device.library.db.write_trouble):
    a full disk said as such to a fix, a read-only database as such to a tagging run (each was a raw message)."""
    from device.library.fixes import unwritable
    from device.library.tag import _write_error
    exc = sqlite3.OperationalError(message)
    assert query_says in str(unwritable("lib.db", exc))
    assert tag_says in str(_write_error("lib.db", exc))

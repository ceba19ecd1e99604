"""Forty-eighth stop (F1): the producer forgets corrections kept for files that left the library.

A folder deleted for good, or a file corrected wrongly before it left: its kept tags came back with any copy of its
bytes, and nothing but the 10,000 bound forgot them.  `hatbox library fix DB --forget-left [PATH ...]` drops those of
each PATH (a file or folder when it left; all or nothing), or all of them after a question (--yes)."""
from __future__ import annotations

import shutil
import sqlite3

import pytest

from device import library

from hatbox.cli import main


def _kept(db) -> list[tuple[str, str]]:
    con = sqlite3.connect(db)
    try:
        return sorted((str(p), t) for p, t in con.execute("SELECT path, tag FROM kept_tags"))
    finally:
        con.close()


@pytest.fixture
def left(library_dir, small_pack, tmp_path):
    """A database whose kicks/k1.wav (sub), kicks/k2.flac (boom) and hats/h1.wav (crack) left the library (moved to
    tmp_path/away), their corrections kept; kicks/k3.aiff (tom) still there."""
    db = tmp_path / "lib.db"
    library.tag_library(library_dir, small_pack, db)
    fixes = {"kicks/k1.wav": "sub", "kicks/k2.flac": "boom", "hats/h1.wav": "crack", "kicks/k3.aiff": "tom"}
    for rel, tag in fixes.items():
        library.set_tags(db, library_dir / rel, [tag])
    (tmp_path / "away").mkdir()
    for rel in ("kicks/k1.wav", "kicks/k2.flac", "hats/h1.wav"):
        (library_dir / rel).rename(tmp_path / "away" / rel.split("/")[-1])
    library.tag_library(library_dir, small_pack, db)
    assert _kept(db) == [("hats/h1.wav", "crack"), ("kicks/k1.wav", "sub"), ("kicks/k2.flac", "boom")]
    return db


def test_a_path_and_a_folder_drop_what_they_name(left, library_dir, capsys, monkeypatch):
    assert main(["library", "fix", str(left), "--forget-left", str(library_dir / "hats" / "h1.wav")]) == 0
    assert "dropped your tags of 1 file that left the library" in capsys.readouterr().out
    assert _kept(left) == [("kicks/k1.wav", "sub"), ("kicks/k2.flac", "boom")]
    monkeypatch.chdir(library_dir.parent)                      # relative to the library folder, a trailing slash
    assert main(["library", "fix", str(left), "--forget-left", "kicks/", "--yes"]) == 0    # every one left: --yes
    assert "dropped your tags of 2 files that left the library" in capsys.readouterr().out
    assert _kept(left) == []
    assert library.corrected_tags(left, library_dir / "kicks" / "k3.aiff") == ["tom"]   # in the library: untouched


def test_a_relative_path_from_a_folder_of_the_library(left, library_dir, capsys, monkeypatch):
    monkeypatch.chdir(library_dir / "kicks")                   # the file left; the working folder is in the library
    assert main(["library", "fix", str(left), "--forget-left", "k2.flac"]) == 0
    assert _kept(left) == [("hats/h1.wav", "crack"), ("kicks/k1.wav", "sub")]


def test_a_path_that_names_nothing_drops_nothing_for_any_path(left, library_dir, capsys):
    code = main(["library", "fix", str(left), "--forget-left", "kicks/k1.wav", "kicks/k3.aiff", "snares"])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "no file that left the library keeps your tags under kicks/k3.aiff, snares: nothing was dropped" in err
    assert len(_kept(left)) == 3                                # kicks/k1.wav named a kept one: kept all the same


def test_all_without_a_terminal_is_refused_and_yes_drops_them(left, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    assert main(["library", "fix", str(left), "--forget-left"]) == 2
    err = capsys.readouterr().err
    assert "nothing was dropped: --forget-left without PATH asks before dropping your tags of 3 files" in err, err
    assert "--yes" in err and len(_kept(left)) == 3
    assert main(["library", "fix", str(left), "--forget-left", "--yes"]) == 0
    assert "dropped your tags of 3 files that left the library" in capsys.readouterr().out
    assert _kept(left) == []
    assert main(["library", "fix", str(left), "--forget-left"]) == 0          # none left: nothing to ask
    assert "nothing to drop" in capsys.readouterr().out


def test_all_asks_on_a_terminal(left, capsys, monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    asked = []
    monkeypatch.setattr("builtins.input", lambda q: asked.append(q) or "n")
    assert main(["library", "fix", str(left), "--forget-left"]) == 0
    out, err = capsys.readouterr()
    assert "nothing was dropped" in out and len(_kept(left)) == 3
    assert asked == ["drop your tags of 3 files that left the library? They will not come back with their sound "
                     "[y/N] "]
    def closed(question: str) -> str:
        raise EOFError
    monkeypatch.setattr("builtins.input", closed)                 # a terminal whose input ends: nothing dropped
    assert main(["library", "fix", str(left), "--forget-left"]) == 2
    assert "no answer to the question" in capsys.readouterr().err and len(_kept(left)) == 3
    monkeypatch.setattr("builtins.input", lambda q: "y")
    assert main(["library", "fix", str(left), "--forget-left"]) == 0
    assert _kept(left) == []


def test_forgotten_tags_do_not_come_back_with_the_sound(library_dir, small_pack, tmp_path, capsys):
    """Move a file out, tag, forget, move it back, tag: no corrections (a kept one that is not forgotten comes
    back in the same run: the forgetting did it, not the run)."""
    db = tmp_path / "lib.db"
    k1, h1 = library_dir / "kicks" / "k1.wav", library_dir / "hats" / "h1.wav"
    assert main(["tag", str(library_dir), "--pack", str(small_pack), "--out", str(db)]) == 0
    assert main(["library", "fix", str(db), str(k1), "snare808"]) == 0
    assert main(["library", "fix", str(db), str(h1), "crack"]) == 0
    shutil.move(k1, tmp_path / "k1.wav")
    shutil.move(h1, tmp_path / "h1.wav")
    assert main(["tag", str(library_dir), "--pack", str(small_pack), "--out", str(db)]) == 0
    assert main(["library", "fix", str(db), "--forget-left", "kicks/k1.wav"]) == 0
    shutil.move(tmp_path / "k1.wav", k1)
    shutil.move(tmp_path / "h1.wav", h1)
    capsys.readouterr()
    assert main(["tag", str(library_dir), "--pack", str(small_pack), "--out", str(db)]) == 0
    out = capsys.readouterr().out
    assert "your tags came back with 1 file" in out and "hats/h1.wav" in out, out
    assert library.corrected_tags(db, k1) == [] and library.corrected_tags(db, h1) == ["crack"]
    assert "snare808" not in library.list_tags(db) and _kept(db) == []


def test_forget_left_goes_alone_and_fix_takes_file_after_clear_as_before(left, library_dir, capsys):
    k3 = str(library_dir / "kicks" / "k3.aiff")
    assert main(["library", "fix", str(left), k3, "tom", "--forget-left", "kicks"]) == 2
    assert "--forget-left takes the paths of files that left, not FILE TAGS" in capsys.readouterr().err
    assert len(_kept(left)) == 3
    assert main(["library", "fix", str(left), "--clear", k3]) == 0           # FILE after an option, as before
    assert library.corrected_tags(left, k3) == []
    with pytest.raises(SystemExit) as exc:                                   # FILE still needed without it
        main(["library", "fix", str(left)])
    assert exc.value.code == 2 and "required: file" in capsys.readouterr().err


def test_a_read_only_database_from_before_kept_tags_counts_none(library_dir, small_pack, tmp_path):
    from device.library import db as libdb
    from device.library import kept
    db = tmp_path / "lib.db"
    library.tag_library(library_dir, small_pack, db)
    con = sqlite3.connect(db)
    con.execute("DROP TABLE kept_tags")
    con.commit()
    con.close()
    ro = libdb.connect_readonly(db)                             # a database on a read-only drive: no table made
    try:
        assert kept.count(ro) == 0 and kept.entries(ro) == []
    finally:
        ro.close()

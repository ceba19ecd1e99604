"""Forty-eighth stop, review of `library fix --forget-left` (K1).

#2: ``cd LIB/kicks && hatbox library fix DB --forget-left .`` dropped every kept correction (none under kicks/)
without the question, and ``--forget-left ""`` too.  Now an empty PATH is refused; a PATH that reads as the library
folder itself goes through the question as no PATH does (p54: other PATHs are dropped unasked, even all of them); a
relative PATH typed inside the library is read from the working folder first.  #6: ``library fix DB FILE TAG
--yes`` was taken and did nothing: --yes goes with --forget-left only."""
from __future__ import annotations

import sqlite3

import pytest

from device import library

from hatbox.cli import main


def _kept(db) -> list[str]:
    con = sqlite3.connect(db)
    try:
        return sorted(str(p) for (p,) in con.execute("SELECT DISTINCT path FROM kept_tags"))
    finally:
        con.close()


@pytest.fixture
def left(library_dir, small_pack, tmp_path):
    """A database whose hats/h1.wav (crack) and hats/deep/h2.ogg (air) left the library, their corrections kept;
    kicks/ keeps all its files (none of them kept)."""
    db = tmp_path / "lib.db"
    library.tag_library(library_dir, small_pack, db)
    for rel, tag in {"hats/h1.wav": "crack", "hats/deep/h2.ogg": "air", "kicks/k1.wav": "sub"}.items():
        library.set_tags(db, library_dir / rel, [tag])
    (tmp_path / "away").mkdir()
    for rel in ("hats/h1.wav", "hats/deep/h2.ogg"):
        (library_dir / rel).rename(tmp_path / "away" / rel.split("/")[-1])
    library.tag_library(library_dir, small_pack, db)
    assert _kept(db) == ["hats/deep/h2.ogg", "hats/h1.wav"]
    return db


def test_dot_inside_a_folder_of_the_library_is_that_folder_not_the_library(left, library_dir, capsys,
                                                                           monkeypatch):
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    monkeypatch.chdir(library_dir / "kicks")                # nothing under kicks/ left the library
    code = main(["library", "fix", str(left), "--forget-left", "."])
    err = capsys.readouterr().err
    assert code == 2 and _kept(left) == ["hats/deep/h2.ogg", "hats/h1.wav"], err
    assert "names every one of your tags of 2 files that left the library and asks before dropping them all" in err
    monkeypatch.chdir(library_dir / "hats")                 # the working folder's reading: hats/deep, not deep
    assert main(["library", "fix", str(left), "--forget-left", "deep"]) == 0
    assert _kept(left) == ["hats/h1.wav"]


def test_paths_naming_every_kept_file_are_not_asked_about_the_library_folder_is(left, library_dir, capsys,
                                                                                monkeypatch):
    """p54 QA_B #5: naming PATHs is the answer for them, even when they name every kept file (a script's
    ``--forget-left OLD-FOLDER`` failed for want of a terminal); the library folder itself is asked about."""
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    assert main(["library", "fix", str(left), "--forget-left", str(library_dir)]) == 2
    assert "nothing was dropped" in capsys.readouterr().err and len(_kept(left)) == 2
    asked = []
    monkeypatch.setattr("hatbox.ask.can_ask", lambda: True)
    monkeypatch.setattr("hatbox.box_packs.confirm", lambda q, *a: asked.append(q) or False)
    assert main(["library", "fix", str(left), "--forget-left", str(library_dir)]) == 0
    assert len(asked) == 1 and "names every one of your tags of 2 files" in asked[0] and len(_kept(left)) == 2
    assert main(["library", "fix", str(left), "--forget-left", "hats/h1.wav"]) == 0        # one of two: not asked
    assert len(asked) == 1 and _kept(left) == ["hats/deep/h2.ogg"]
    assert main(["library", "fix", str(left), "--forget-left", "hats"]) == 0             # every one left: not asked
    assert len(asked) == 1 and _kept(left) == []


def test_an_empty_path_is_refused_and_drops_nothing(left, capsys):
    assert main(["library", "fix", str(left), "--forget-left", ""]) == 2
    err = capsys.readouterr().err
    assert "--forget-left was given an empty PATH, which names no file: nothing was dropped" in err, err
    assert main(["library", "fix", str(left), "--forget-left", "hats/h1.wav", " "]) == 2
    assert len(_kept(left)) == 2


def test_yes_without_forget_left_is_refused_and_changes_nothing(left, library_dir, capsys):
    k3 = str(library_dir / "kicks" / "k3.aiff")
    assert main(["library", "fix", str(left), k3, "bell", "--yes"]) == 2
    assert "--yes goes with --forget-left" in capsys.readouterr().err
    assert library.corrected_tags(left, library_dir / "kicks" / "k3.aiff") == []
    assert main(["library", "fix", str(left), "--clear", str(library_dir / "kicks" / "k1.wav"), "--yes"]) == 2
    assert library.corrected_tags(left, library_dir / "kicks" / "k1.wav") == ["sub"]
    assert main(["library", "fix", str(left), k3, "bell"]) == 0                   # without --yes: as before

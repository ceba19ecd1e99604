"""p54 QA_B finding 5: `hatbox library fix DB --forget-left PATH` asked before dropping when the PATH named every kept
file, and so failed in a script ("no terminal to ask on"), while README says only "no PATH: all, asks".  Naming a
PATH (a file, or a folder when it left) is the answer for it: dropped at once, each file dropped said.  No PATH
asks (--yes), and so does a PATH that reads as the library folder itself (``.``: every file, as no PATH; p48
review: ``cd LIB/kicks; --forget-left .`` dropped them all unasked)."""
from __future__ import annotations

import pytest

from hatbox.cli import main

from tests.tagger.test_p48_kept_review import _kept, left  # noqa: F401 - left: the fixture


@pytest.fixture
def asked(monkeypatch) -> list[str]:
    """The questions asked; no terminal to ask on (a script, or CI)."""
    questions: list[str] = []
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    monkeypatch.setattr("hatbox.box_packs.confirm", lambda q, *a: questions.append(q) or True)
    return questions


def test_a_folder_that_holds_every_kept_file_is_dropped_unasked_in_a_script(left, library_dir, capsys, asked):
    assert main(["library", "fix", str(left), "--forget-left", str(library_dir / "hats")]) == 0
    out = capsys.readouterr().out.splitlines()
    assert asked == [] and _kept(left) == []
    assert out[0] == "dropped your tags of 2 files that left the library: they do not come back with their sound"
    assert sorted(line.split("  ")[-1] for line in out[1:]) == ["hats/deep/h2.ogg: air", "hats/h1.wav: crack"]


def test_paths_that_name_every_kept_file_between_them_are_dropped_unasked(left, capsys, asked):
    assert main(["library", "fix", str(left), "--forget-left", "hats/h1.wav", "hats/deep"]) == 0
    assert asked == [] and _kept(left) == []
    assert "dropped your tags of 2 files" in capsys.readouterr().out


def test_one_file_named_says_which_it_dropped(left, capsys, asked):
    assert main(["library", "fix", str(left), "--forget-left", "hats/h1.wav"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("dropped your tags of 1 file that left the library")
    assert len(out) == 2 and out[1].endswith("  hats/h1.wav: crack") and _kept(left) == ["hats/deep/h2.ogg"]


def test_the_library_folder_itself_asks_as_no_path_does(left, library_dir, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    monkeypatch.chdir(library_dir)
    assert main(["library", "fix", str(left), "--forget-left", "."]) == 2
    err = capsys.readouterr().err
    assert "nothing was dropped: --forget-left . (the library folder itself) names every one of your tags of 2 " \
           "files" in err and "--yes" in err, err
    assert main(["library", "fix", str(left), "--forget-left", str(library_dir)]) == 2
    assert main(["library", "fix", str(left), "--forget-left"]) == 2               # no PATH: asks, as before
    assert len(_kept(left)) == 2
    capsys.readouterr()
    assert main(["library", "fix", str(left), "--forget-left", ".", "--yes"]) == 0
    assert _kept(left) == [] and "dropped your tags of 2 files" in capsys.readouterr().out


def test_many_dropped_are_said_up_to_ten(monkeypatch, capsys):
    import argparse

    from device.library import kept
    from device.library.kept import Kept
    from hatbox.library_kept import forget_left
    every = [Kept(path=f"old/k{i:02d}.wav", tags=("sub",), left_ns=1_700_000_000 * 10**9, digest=f"d{i}")
             for i in range(13)]
    monkeypatch.setattr(kept, "matching", lambda db, typed: (every, {t: every for t in typed}))
    monkeypatch.setattr(kept, "forget", lambda db, chosen: len(chosen))
    monkeypatch.setattr("hatbox.library_kept._whole_library", lambda db, paths, rows: [])
    args = argparse.Namespace(db="lib.db", file=None, tags=[], clear=False, forget_left=["old"], yes=False)
    assert forget_left(args) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("dropped your tags of 13 files") and len(out) == 12
    assert out[1].endswith("old/k00.wav: sub") and out[-1] == "  ... and 3 more"

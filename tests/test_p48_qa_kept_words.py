"""Forty-eighth stop's regression QA of the kept-corrections words (L2): "1 file that left the library keeps your
tags (they come back with its sound; ... --left lists them, ... drops them)" and export's "your corrections of 1
file ... is not in the CSV (it is not in the library ...)" mixed one and many.  Each line now agrees with its count,
for 1 file and for 2."""
from __future__ import annotations

import argparse

import pytest

import device.library.kept as kept
from device.library.kept import Kept
from hatbox.library_kept import forget_left, print_left, say_export_note, summary_note


def test_the_query_note_agrees_with_one_file_and_with_two() -> None:
    one, two = summary_note("lib.db", 1), summary_note("lib.db", 2)
    assert one == ("note: 1 file that left the library keeps your tags: they come back with its sound (hatbox "
                   "library query lib.db --left lists it; hatbox library fix lib.db --forget-left drops its tags)")
    assert two == ("note: 2 files that left the library keep your tags: they come back with their sound (hatbox "
                   "library query lib.db --left lists them; hatbox library fix lib.db --forget-left drops their "
                   "tags)")
    assert summary_note("lib.db", 0) == ""


@pytest.mark.parametrize("n, said", [
    (1, "note: your corrections of 1 file that left the library are not in the CSV (the file is not in the library; "
        "hatbox library query lib.db --left lists it)"),
    (2, "note: your corrections of 2 files that left the library are not in the CSV (the files are not in the "
        "library; hatbox library query lib.db --left lists them)")])
def test_the_export_note_agrees(n: int, said: str, monkeypatch: pytest.MonkeyPatch,
                                capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(kept, "count_left", lambda db: n)
    say_export_note("lib.db")
    assert capsys.readouterr().err.strip() == said


def _entries(n: int) -> list[Kept]:
    return [Kept(path=f"kicks/k{i}.wav", tags=("sub",), left_ns=1_700_000_000 * 10**9, digest=f"d{i}")
            for i in range(n)]


@pytest.mark.parametrize("n, its", [(1, "its"), (2, "their")])
def test_dropping_and_the_question_and_the_listing_agree(n: int, its: str, monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    every = _entries(n)
    monkeypatch.setattr(kept, "matching", lambda db, typed: (every, {}))
    monkeypatch.setattr(kept, "kept_left", lambda db: every)
    monkeypatch.setattr(kept, "forget", lambda db, chosen: len(chosen))
    monkeypatch.setattr("hatbox.ask.can_ask", lambda: True)
    asked: list[str] = []
    monkeypatch.setattr("hatbox.box_packs.confirm", lambda q, no, hint: asked.append(q) or True)
    args = argparse.Namespace(db="lib.db", file=None, tags=[], clear=False, forget_left=[], yes=False)
    assert forget_left(args) == 0
    files = "1 file" if n == 1 else "2 files"
    assert asked == [f"drop your tags of {files} that left the library? They will not come back with {its} sound"]
    assert capsys.readouterr().out.splitlines()[0] == (f"dropped your tags of {files} that left the library: they "
                                                       f"do not come back with {its} sound")
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    print_left("lib.db", False, None)
    assert f"left the library, keeping your tags ({n}; they come back with {its} sound, under any name)" in \
        capsys.readouterr().out

"""p52 review R3 finding 6: test_p52_K_replace_note called say_no_fixes(replacing=True) itself, so the push's own
call (hatbox/cmd_box_library.py) passing --replace on was never checked; and the "--replace's to carry (its own lines
say them)" clause was said when there was no older library to carry corrections from.  Here the push's step that
says the box's answer (_Push._accepted) runs with --replace, with and without older libraries of this laptop's."""
from __future__ import annotations

import argparse
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from hatbox import cmd_box_library

CLAUSE = "are --replace's to carry"


def _accepted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, replace: bool, mine: int) -> None:
    (tmp_path / "kit").mkdir(exist_ok=True)
    after: list[dict[str, Any]] = []
    monkeypatch.setattr(cmd_box_library, "_print_library", lambda *_a, **_kw: None)
    monkeypatch.setattr(cmd_box_library, "same_name_note", lambda *_a, **_kw: None)
    push = SimpleNamespace(c=None, src=tmp_path / "kit", fixes=None, seen=None,
                           args=argparse.Namespace(no_fixes=False, replace=replace, wait=False, quiet=True),
                           replace=SimpleNamespace(mine=mine, after=lambda _c, body: after.append(body)))
    cmd_box_library._Push._accepted(push, {"id": "lib-2", "name": "kit", "state": "done"}, frozenset())  # type: ignore
    assert after == [{"id": "lib-2", "name": "kit", "state": "done"}]


def test_p52_M3_replace_of_an_older_library_says_it_carries_the_box_corrections(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    _accepted(tmp_path, monkeypatch, replace=True, mine=1)
    err = capsys.readouterr().err
    assert err.startswith("note: no tag database of this laptop goes with it") and CLAUSE in err, err


@pytest.mark.parametrize("replace", [True, False])
def test_p52_M3_with_nothing_to_replace_the_note_points_to_no_lines(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], replace: bool) -> None:
    _accepted(tmp_path, monkeypatch, replace=replace, mine=0)
    err = capsys.readouterr().err
    assert err.startswith("note: no corrections go with it") and CLAUSE not in err, err

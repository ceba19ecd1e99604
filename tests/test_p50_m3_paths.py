"""p50 M3 (review of FE's path arguments): every argument whose words name a file, folder or path is a path on this
computer (hatbox.path_args.LOCAL_PATHS: a quoted "~" expanded) or on the explicit box-side list (BOX_SIDE); `demo
--out=~/x` and `play --xy "~/path.txt"` are expanded; `library fix`'s FILE (read relative to the library first) and
--forget-left (files that left it) are expanded but never hinted at; an error that already says "did you mean" gets
no second guess."""
from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from hatbox.cli import build_parser
from hatbox.path_args import BOX_SIDE, LOCAL_PATHS, NOT_HINTED, commands
from hatbox.path_hints import error_hint

# words that name a path: in an argument's dest, metavar or help
PATH_WORDS = re.compile(r"(?<![\w-])(files?|folders?|paths?|director(y|ies)|dir|"
                        r"\w*\.(hatpack|csv|wav|pem|db|toml|mid|json|sqlite))(?![\w-])", re.I)
# arguments whose help mentions a file or folder but which take no path (a name, a tag, a word, a number)
NOT_PATHS = {
    "train effect": ("name",), "train synth": ("name",), "train tagger": ("name",),
    "play": ("tail", "max_minutes"),
    "library query": ("tag",), "library fix": ("drop_word",),
    "push-library": ("name",),
    "box-library": ("tag", "drop_word", "k"),
    "box-kit": ("loop", "no_loop"),        # tags or notes (p52: --no-loop NOTE without --from)
}


def _parser() -> argparse.ArgumentParser:
    return build_parser()


def _named_paths(sub: argparse.ArgumentParser) -> list[str]:
    """The dests of ``sub``'s arguments (those that take a value) whose dest, metavar or help name a path."""
    found = []
    for action in sub._actions:
        if action.nargs == 0 or isinstance(action, (argparse._HelpAction, argparse._SubParsersAction)):
            continue
        metavar = " ".join(action.metavar) if isinstance(action.metavar, tuple) else action.metavar or ""
        if PATH_WORDS.search(f"{action.dest} {metavar} {action.help or ''}") or action.type is Path:
            found.append(action.dest)
    return found


def test_every_argument_that_names_a_path_is_local_or_box_side() -> None:
    unlisted = [f"{words} {dest}" for words, sub in commands(_parser()) for dest in _named_paths(sub)
                if dest not in LOCAL_PATHS.get(words, ()) + BOX_SIDE.get(words, ()) + NOT_PATHS.get(words, ())]
    assert unlisted == []


def test_every_listed_argument_is_one_the_command_has() -> None:
    dests = {words: {a.dest for a in sub._actions} for words, sub in commands(_parser())}
    for table in (LOCAL_PATHS, BOX_SIDE, NOT_HINTED, NOT_PATHS):
        for words, names in table.items():
            assert words in dests and set(names) <= dests[words], (words, names)
    for words, names in BOX_SIDE.items():
        assert not set(names) & set(LOCAL_PATHS.get(words, ())), words     # the box's or this computer's, not both


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty home folder (HOME), and the working folder."""
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_demo_out_after_an_equals_sign_is_expanded(home: Path) -> None:
    assert _parser().parse_args(["demo", "--out=~/x"]).out == home / "x"


def test_play_xy_file_in_quotes_is_expanded_as_midi_beside_it(home: Path) -> None:
    args = _parser().parse_args(["play", "s.hatpack", "--midi", "~/a.mid", "--out", "o.wav", "--xy", "~/path.txt"])
    assert (args.midi, args.xy) == (str(home / "a.mid"), str(home / "path.txt"))
    assert _parser().parse_args(["play", "s.hatpack", "--midi", "a.mid", "--out", "o.wav"]).xy == "0,0"


@pytest.fixture
def library(home: Path) -> Path:
    """Kicks/kick.wav and "Kicks/old take.wav" in the working folder, beside lib.db."""
    (home / "Kicks").mkdir()
    (home / "Kicks" / "kick.wav").write_bytes(b"")
    (home / "Kicks" / "old take.wav").write_bytes(b"")
    (home / "lib.db").write_bytes(b"")
    return home


@pytest.mark.parametrize("words, said", [
    (["library", "fix", "lib.db", "--forget-left", "Kicks/kick"],
     "no file that left the library keeps your tags under Kicks/kick: nothing was dropped"),
    (["library", "fix", "lib.db", "--forget-left", "Kicks/old"],
     "nothing was dropped: --forget-left Kicks/old names every one of 1 file and asks first"),
    (["library", "fix", "lib.db", "Kicks/kick", "snare"], "Kicks/kick is not a file of this library"),
])
def test_library_relative_paths_get_no_hint(library: Path, words: list[str], said: str) -> None:
    assert error_hint(said, _parser().parse_args(words), words) == ""


def test_library_fix_file_is_still_expanded(home: Path) -> None:
    args = _parser().parse_args(["library", "fix", "lib.db", "~/Kicks/k.wav", "snare"])
    assert args.file == str(home / "Kicks" / "k.wav")


def test_an_error_that_says_did_you_mean_gets_no_second_guess(library: Path) -> None:
    (library / "my-tagger.hatpack").write_bytes(b"")
    words = ["tag", "Kicks", "--pack", "my-tagger"]
    args = _parser().parse_args(words)
    assert error_hint("no pack at my-tagger", args, words) == "did you mean my-tagger.hatpack?"   # hinted as before
    assert error_hint("no pack at my-tagger; did you mean my-tagger.hatpack?", args, words) == ""

"""`hatbox library fix DB --rename-word W NEW` of a word no correction uses but the tagger gives (fifty-first stop, fix
W4): it was refused as "no correction of this library uses the word 'metalic' (... none yet)" while `library query`
listed "13 metalic"; it says the word is the tagger's, on how many files, and how it goes."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from device.library.words import NoSuchWord, rename_word
from hatbox.cli import main
from tests.library.test_p49_words import tagged  # noqa: F401 - a fixture
from tests.tagger.conftest import small_pack  # noqa: F401 - a fixture


def _fix(db: Path, *args: str) -> int:
    return main(["library", "fix", str(db), *args])


def _counts(db: Path, capsys) -> dict[str, int]:
    capsys.readouterr()
    assert main(["library", "query", str(db), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("how", [("--rename-word", "kick", "thump"), ("--drop-word", "kick")])
def test_the_taggers_word_is_said_to_be_the_taggers(tagged, capsys, how) -> None:
    _lib, db = tagged
    files = _counts(db, capsys).get("kick", 0)
    assert _fix(db, *how) == 2
    err = capsys.readouterr().err
    n = f"{files} file" + ("" if files == 1 else "s")
    assert f"'kick' is the tagger's word ({n} of this library tagged with it), not one of your corrections" in err, err
    assert "no correction of this library uses" not in err
    assert "fix the training data" in err and "hatbox library query DB --tag kick" in err
    with pytest.raises(NoSuchWord, match="the tagger's word"):
        rename_word(db, "KICK", "thump")                                # any case, as a correction's word


def test_a_word_of_neither_is_refused_as_before(tagged, capsys) -> None:
    _lib, db = tagged
    assert _fix(db, "--rename-word", "zzz", "thump") == 2
    assert "no correction of this library uses the word 'zzz'" in capsys.readouterr().err

"""p50 FF (newcomer QA): a correction's new word one slip from a word in use (or a tagger's word) gets "did you mean"
and the fix command that puts it right; a rename into a word in use is refused in the laptop's words (no API field);
`library query --unsure` says what its first column (the margin) is, once, on stderr when piped."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from hatbox.cli import main
from hatbox.library_words import slip_of
from tests.api.packs import tagger_pack


@pytest.fixture
def tagged(tmp_path: Path) -> Path:
    """A library of four files tagged by a pack of the words kick and snare; its database."""
    lib = tmp_path / "lib"
    lib.mkdir()
    rng = np.random.default_rng(0)
    for name in ("a.wav", "b.wav", "c.wav", "d.wav"):
        sf.write(lib / name, (0.3 * rng.standard_normal(3200)).astype(np.float32), 16000)
    assert main(["tag", str(lib), "--pack", str(tagger_pack(tmp_path / "t.hatpack"))]) == 0
    return lib / ".hatbox-tags.sqlite"


def _fix(capsys: pytest.CaptureFixture[str], db: Path, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    rc = main(["library", "fix", str(db), *args])
    got = capsys.readouterr()
    return rc, got.out, got.err


def test_a_slip_of_a_word_in_use_gets_did_you_mean_and_the_command(tagged: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert _fix(capsys, tagged, "a.wav", "tss")[0] == 0
    rc, out, _ = _fix(capsys, tagged, "b.wav", "tsss")
    assert rc == 0
    assert "'tsss' is a new word (the tagger's words: kick, snare); did you mean 'tss' (the word of 1 of your " \
           "corrections)?" in out
    assert f"if it is a slip, `hatbox library fix {tagged} b.wav tss` puts it right" in out
    rc, out, _ = _fix(capsys, tagged, "c.wav", "snar", "tss")          # a tagger's word; the other tag kept
    assert rc == 0 and "did you mean 'snare'?" in out
    assert f"`hatbox library fix {tagged} c.wav snare tss` puts it right" in out
    rc, out, _ = _fix(capsys, tagged, "d.wav", "dusty")                # no word near it: no question
    assert rc == 0 and "'dusty' is a new word" in out and "did you mean" not in out


def test_slips_one_edit_or_a_doubled_letter_away() -> None:
    words = ["boom", "tss", "clap", "weird"]
    assert [slip_of(w, words, {}) for w in ("bom", "tsss", "clpa", "wierd", "Cl-ap", "clapp")] == \
        ["boom", "tss", "clap", "weird", "clap", "clap"]
    assert slip_of("lofi", words, {"lo-fi": 3}) == "lo-fi"
    assert slip_of("hat", ["kick"], {}) == "" and slip_of("ok", ["on"], {}) == ""       # 2 letters: too short
    assert slip_of("tsss", words, {}, bare_only=True) == ""         # a word other files carry: only a respelling


def test_a_rename_into_a_word_in_use_says_add_yes(tagged: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _fix(capsys, tagged, "a.wav", "bom")[0] == 0 and _fix(capsys, tagged, "b.wav", "boom")[0] == 0
    rc, _, err = _fix(capsys, tagged, "--rename-word", "bom", "boom")
    assert rc == 2
    assert ("'boom' is already the word of 1 file: renaming 'bom' to it merges the two (1 file; 0 carry both); add "
            "--yes to merge them (the 1 file of 'bom' becomes 'boom'; this cannot be undone)") in err
    assert "merge: true" not in err


def test_unsure_says_what_the_margin_is(tagged: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["library", "query", str(tagged), "--unsure"]) == 0
    got = capsys.readouterr()
    rows = got.out.splitlines()
    assert len(rows) == 4 and all(" or " in r for r in rows)        # stdout: the rows alone (scripts read them)
    assert got.err.count("margin: the gap between the two best guesses, 0-1; small = unsure") == 1, got.err

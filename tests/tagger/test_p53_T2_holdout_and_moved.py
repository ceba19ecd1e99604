"""Fifty-third stop's QA (T2): the held-out report says one true thing of a word with no held-out file (the table
shows it "none held out", and the line under it said "not in the held-out report"); a training CSV naming a file
that moved (a folder renamed) is still refused, now with "did you mean" the one file of that name under its folder."""
from __future__ import annotations

from pathlib import Path

import pytest

from hatbox.errors import DataError
from trainer.tagger.data import Item, load_sources, targets
from trainer.tagger.pipeline import _holdout_note, holdout_split
from trainer.tagger.report import evaluate, format_report


def test_a_word_with_none_held_out_is_said_as_the_table_says_it() -> None:
    items = ([Item(Path(f"/k{i}.wav"), ("kick",)) for i in range(8)] +
             [Item(Path(f"/s{i}.wav"), ("snare",)) for i in range(8)] + [Item(Path("/g.wav"), ("shimmer",))])
    _, held = holdout_split(items, 0.25, 0)
    tags = ["kick", "shimmer", "snare"]
    probs = targets(held, tags)
    probs[0, 1] = 1.0                                   # it called one held-out file shimmer, wrongly
    table = format_report(evaluate(probs, targets(held, tags), tags, exclusive=False))
    assert "none held out (it called 1 held-out file shimmer, wrongly)" in table
    note = _holdout_note(items, held)
    assert "not in the held-out report" not in note, note     # the table above shows it
    assert "none held out, so not scored (fewer than 4 samples, all used for training): shimmer (1)" in note


def _moved_library(tmp_path: Path) -> Path:
    """lib/gm_inst/ renamed lib/instruments/ after mywords.csv was written; harp.wav is in two folders."""
    for folder, names in (("instruments", ["vibes.wav", "harp.wav", "bell.wav"]), ("drums", ["harp.wav", "k.wav"])):
        (tmp_path / "lib" / folder).mkdir(parents=True)
        for name in names:
            (tmp_path / "lib" / folder / name).write_bytes(b"RIFF" + f"{folder}/{name}".encode())
    csv = tmp_path / "mywords.csv"
    csv.write_text("lib/drums/k.wav,kick\nlib/gm_inst/vibes.wav,keys\nlib/gm_inst/harp.wav,keys\n"
                   "lib/instruments/bell.wav,keys\nlib/gm_inst/bell.wav,keys\n")
    return csv


def test_a_moved_file_is_refused_with_did_you_mean(tmp_path: Path) -> None:
    csv = _moved_library(tmp_path)
    with pytest.raises(DataError) as err:
        load_sources([csv])
    said = str(err.value)
    assert "3 listed files do not exist" in said, said                  # still refused whole: nothing trained
    assert "did you mean lib/instruments/vibes.wav (line 2)?" in said       # as the cell is written
    assert "harp.wav (line" not in said.split("did you mean")[1]       # two files of that name: no guess
    assert "bell.wav (line 5)" not in said.split("did you mean")[1]    # the one of that name is listed already
    assert "nothing is trained on a guess" in said


def test_no_guess_without_one_file_of_that_name(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.wav").write_bytes(b"RIFF")
    csv = tmp_path / "t.csv"
    csv.write_text("a/x.wav,kick\nb/gone.wav,snare\n")
    with pytest.raises(DataError) as err:
        load_sources([csv])
    assert "did you mean" not in str(err.value) and "1 listed file does not exist" in str(err.value)

"""p56 QA_B finding 2: the replicate check named only the first row whose output does not match its replicate (same
input file, same knob setting), so a guitarist who fixed it hit the same error for the next row.  One error names
every mismatching row (capped for a huge set), and says that knob settings come from pairs.csv's columns only."""
from __future__ import annotations

from pathlib import Path

import pytest

from hatbox.errors import DataError
from tests.effect.synth import drive, plucks, write
from trainer.effect.checks import SHOWN_PROBLEMS
from trainer.effect.data import load_folder


def _no_knob_set(folder: Path, drives: list[float], inputs: int = 1) -> Path:
    """``inputs`` inputs, one output of each per drive, the drive only in the file names (pairs.csv has no knob
    column)."""
    rows = ["input,output"]
    for k in range(inputs):
        x = plucks(0.6, seed=k)
        write(folder / f"di{k}.wav", x)
        rows += [f"di{k}.wav,{write(folder / f'out{k}_drive{d:g}.wav', drive(x, d))}" for d in drives]
    (folder / "pairs.csv").write_text("\n".join(rows) + "\n")
    return folder


def test_every_row_that_does_not_match_its_replicate_is_named(tmp_path: Path) -> None:
    with pytest.raises(DataError) as caught:
        load_folder(_no_knob_set(tmp_path, [0, 12, 24]))
    said, hint = caught.value.args[0], caught.value.hint or ""
    assert "pairs.csv lines 2, 3 and 4" in said, said        # every row named (review R3 3: none is the odd one)
    assert "column" in hint and "file name" in hint, hint


def test_a_huge_set_names_the_first_rows_and_counts_the_rest(tmp_path: Path) -> None:
    inputs = SHOWN_PROBLEMS + 3                       # a pair of takes 24 dB apart for each: none a replicate
    with pytest.raises(DataError) as caught:
        load_folder(_no_knob_set(tmp_path, [0.0, 24.0], inputs))
    said = caught.value.args[0]
    assert said.count("(ESR ") == SHOWN_PROBLEMS, said
    assert "and 3 more" in said, said

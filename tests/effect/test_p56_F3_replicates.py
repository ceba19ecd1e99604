"""p56 QA_B finding 2: the replicate check named only the first row whose output does not match its replicate (same
input file, same knob setting), so a guitarist who fixed it hit the same error for the next row.  One error names
every mismatching row (capped for a huge set), and says that knob settings come from pairs.csv's columns only."""
from __future__ import annotations

from pathlib import Path

import pytest

from hatbox.errors import DataError
from tests.effect.synth import drive, plucks, write
from trainer.effect.data import SHOWN_REPLICATES, load_folder


def _no_knob_set(folder: Path, drives: list[float]) -> Path:
    """One input, one output per drive, the drive only in the file names (pairs.csv has no knob column)."""
    x = plucks(0.6)
    write(folder / "di.wav", x)
    rows = ["input,output"] + [f"di.wav,{write(folder / f'out_drive{d:g}.wav', drive(x, d))}" for d in drives]
    (folder / "pairs.csv").write_text("\n".join(rows) + "\n")
    return folder


def test_every_row_that_does_not_match_its_replicate_is_named(tmp_path: Path) -> None:
    with pytest.raises(DataError) as caught:
        load_folder(_no_knob_set(tmp_path, [0, 12, 24]))
    said, hint = caught.value.args[0], caught.value.hint or ""
    assert "pairs.csv line 3" in said and "pairs.csv line 4" in said, said
    assert said.count("ESR") >= 2, said
    assert "column" in hint and "file name" in hint, hint


def test_a_huge_set_names_the_first_rows_and_counts_the_rest(tmp_path: Path) -> None:
    drives = [6.0 * k for k in range(SHOWN_REPLICATES + 5)]      # each 6 dB apart: none a replicate
    with pytest.raises(DataError) as caught:
        load_folder(_no_knob_set(tmp_path, drives))
    said = caught.value.args[0]
    assert said.count("(ESR ") == SHOWN_REPLICATES, said
    assert f"and {len(drives) - 1 - SHOWN_REPLICATES} more" in said, said

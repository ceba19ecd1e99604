"""p56 review R3 finding 3: each replicate (same input file, same knob setting) was compared with the first of its
group only, so when the first row was the odd take the refusal named the three good takes ("line 3 against line 2,
line 4 against line 2, ...") and a guitarist re-recorded the wrong ones.  Now the rows of a group are compared with
each other, and the row that matches none of the others is the one named."""
from __future__ import annotations

from pathlib import Path

import pytest

from hatbox.errors import DataError
from tests.effect.synth import drive, plucks, write
from trainer.effect.data import load_folder


def _refusal(folder: Path, drives: list[float]) -> str:
    """One input, four takes at drive=5 in pairs.csv whose audio is at ``drives`` (dB)."""
    x = plucks(0.6)
    write(folder / "di.wav", x)
    rows = ["input,output,drive"] + [f"di.wav,{write(folder / f'take_{k}.wav', drive(x, d))},5"
                                     for k, d in enumerate(drives)]
    (folder / "pairs.csv").write_text("\n".join(rows) + "\n")
    with pytest.raises(DataError) as caught:
        load_folder(folder)
    return caught.value.args[0]


@pytest.mark.parametrize("odd", [0, 1, 3])
def test_the_take_that_matches_none_of_the_others_is_the_one_named(tmp_path: Path, odd: int) -> None:
    drives = [5.0] * 4
    drives[odd] = 24.0
    said = _refusal(tmp_path, drives)
    line = odd + 2
    good = [k + 2 for k in range(4) if k != odd]
    assert f"pairs.csv line {line} matches none of its 3 replicates" in said, said
    assert f"lines {good[0]}, {good[1]} and {good[2]} match each other" in said, said
    assert " against " not in said, said


def test_two_replicates_that_differ_are_said_as_before(tmp_path: Path) -> None:
    said = _refusal(tmp_path, [5.0, 24.0])
    assert "pairs.csv line 3 does not match its replicate pairs.csv line 2 (ESR" in said, said


def test_replicates_none_of_which_match_are_said_together(tmp_path: Path) -> None:
    said = _refusal(tmp_path, [0.0, 12.0, 24.0])
    assert "pairs.csv lines 2, 3 and 4" in said and "no two" in said, said
    assert "matches none" not in said, said

"""p56 final read FR1 findings 2 and 5.

2: the replicate refusal counted its sentences as replicates: one group of three takes of which no two match and
one pair that differs read "2 replicates (rows ...) do not match" while it named five rows.  It counts the groups.

5: the sox line of a late-started take's own input wrote its start with 6 significant digits (``:g``), so a start
of 1000 s or more was rounded, up as often as not (1234.567 -> 1234.57): the copy then led the output it was cut
for ("the output leads the input").  Starts and lengths are written to the millisecond, never rounded up."""
from __future__ import annotations

from pathlib import Path

import pytest

from hatbox.errors import DataError
from tests.effect.synth import drive, plucks, write
from trainer.effect.checks import SHOWN_PROBLEMS, cut_input_hint, trim_hint
from trainer.effect.data import load_folder


def _refusal(folder: Path, groups: list[list[float]]) -> str:
    """A pairs.csv with no knob column: for each of ``groups`` an input and a take of it at each drive (dB)."""
    rows = ["input,output"]
    for k, drives in enumerate(groups):
        x = plucks(0.6, seed=k)
        write(folder / f"di{k}.wav", x)
        rows += [f"di{k}.wav,{write(folder / f'out{k}_{j}.wav', drive(x, d))}" for j, d in enumerate(drives)]
    (folder / "pairs.csv").write_text("\n".join(rows) + "\n")
    with pytest.raises(DataError) as caught:
        load_folder(folder)
    return caught.value.args[0]


def test_the_refusal_counts_groups_not_sentences(tmp_path: Path) -> None:
    said = _refusal(tmp_path, [[0.0, 12.0, 24.0], [0.0, 24.0]])
    assert said.startswith("2 groups of replicates (rows with the same input file and knob setting) do not match: "), \
        said
    assert "pairs.csv lines 2, 3 and 4 are replicates" in said and "pairs.csv line 6 does not match" in said, said


def test_one_group_with_two_problems_is_one_group(tmp_path: Path) -> None:
    said = _refusal(tmp_path, [[0.0, 0.0, 24.0, 24.0]])       # two pairs that match, apart from each other
    assert said.startswith("1 group of replicates (rows with the same input file and knob setting) does not match: "), \
        said


def test_a_huge_set_counts_its_groups(tmp_path: Path) -> None:
    said = _refusal(tmp_path, [[0.0, 24.0]] * (SHOWN_PROBLEMS + 3))
    assert said.startswith(f"{SHOWN_PROBLEMS + 3} groups of replicates"), said


def test_a_late_start_past_1000_s_is_written_to_the_millisecond() -> None:
    hint = cut_input_hint(Path("set/di.wav"), 12.5, 0.5, "di.wav", 1234.567)
    assert "trim 1234.567 12.5" in hint and "di_from1234.567s.wav" in hint, hint
    assert "1234.57" not in hint, hint


def test_long_lengths_are_written_to_the_millisecond() -> None:
    assert "trim 0 1234.567)" in trim_hint(Path("set/out.wav"), 1234.567, 0.5), trim_hint(Path("o.wav"), 1234.567, 0.5)
    hint = cut_input_hint(Path("set/di.wav"), 1234.5678, 0.5, "di.wav", 0.0)
    assert "trim 0 1234.568" in hint and "di_1234.568s.wav" in hint, hint
    assert "trim 0 2000000)" in trim_hint(Path("set/out.wav"), 2e6, 0.5)       # never 2e+06: sox reads no such time

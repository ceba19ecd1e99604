"""Every trainer takes --minutes up to a week and --seed from 0 up, and says so at parsing (thirty-third stop's QA:
`train synth --seed -5` loaded the notes and then stopped on an internal error, numpy's; `--minutes 1e9` started a
1,900-year budget; `train effect --minutes inf` said "must be a number above 0, got inf")."""
from __future__ import annotations

from pathlib import Path

import pytest

from hatbox.cli import main


@pytest.mark.parametrize("kind", ["effect", "synth", "tagger"])
@pytest.mark.parametrize("args, words", [
    (["--seed", "-5"], "argument --seed: -5 is out of range: give a whole number from 0 up"),
    (["--minutes", "1e9"], "argument --minutes: 1e9 minutes: give a number above 0 and up to 10080 (a week)"),
    (["--minutes", "inf"], "argument --minutes: inf minutes: give a number above 0"),
    (["--minutes", "nan"], "argument --minutes: nan minutes: give a number above 0"),
])
def test_out_of_range_options_are_refused_at_parsing(tmp_path: Path, capsys, kind: str, args: list[str],
                                                     words: str) -> None:
    data = tmp_path / "data"
    data.mkdir()
    with pytest.raises(SystemExit) as stop:                 # the argument parser's refusal: nothing was read
        main(["train", kind, str(data), "--out", str(tmp_path / "p.hatpack"), *args])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert words in err and "internal error" not in err and "Traceback" not in err


def test_a_week_and_a_large_seed_are_taken() -> None:
    from hatbox.argtypes import MAX_SEED, minutes, seed
    assert minutes()("10080") == 10080.0 and seed()(str(MAX_SEED)) == MAX_SEED and seed()("0") == 0

"""Forty-second stop's regression QA: a compander's attack recorded at 0.1, 1, 10 and 100 ms (a sweep by decades,
as attack, release, cutoff and frequency knobs are swept) was warned as a typo, "did you mean 10?", though 10 is a
row of its own.  Spacing is now judged on a log scale for such sweeps, and a value meant is not guessed where it
would only double a row of a sweep; the typos (tone 5000 beside 200, 800; 80000 in a 1500/8000 grid) still warn."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.effect.synth import drive, plucks, write
from trainer.effect.data import load_folder
from trainer.effect.knob_checks import decimal_slip, far_value, far_value_warnings


@pytest.mark.parametrize("values", [
    [0.1, 1, 10, 100],                    # attack [ms], the QA's set
    [10, 100, 1000],                      # release [ms]
    [20, 200, 2000, 20000],               # frequency [Hz]
    [0.1, 1, 3, 10, 100],                 # decades with a point between
    [1, 4, 16, 64],                       # a geometric sweep by 4x
    [100, 1000, 10000, 20000],            # cutoff [Hz]
])
def test_a_log_spaced_sweep_says_nothing(values: list[float]) -> None:
    assert far_value(values) is None
    assert far_value_warnings([("attack[ms]", "attack", "ms")], [{"attack": v} for v in values],
                              [f"pairs.csv line {i + 2}" for i in range(len(values))]) == []


@pytest.mark.parametrize("values, meant", [
    ([200, 800, 200, 800, 200, 800, 5000], 500.0),                 # the first QA's typo: 500 typed 5000
    ([1500, 8000, 1500, 8000, 1500, 8000, 1500, 80000], 8000.0),   # a grid's 8000 typed 80000: its fourth 8000
    ([200, 800, 2000, 8000, 80000], None),                         # far, but 8000 is a row already: no guess
    ([0.1, 0.5, 0.9, 5.0], None),                                  # uneven and under a decade: judged as it stands
])
def test_typos_still_warn_and_a_guess_never_doubles_a_sweeps_row(values: list[float], meant: float | None) -> None:
    far = far_value(values)
    assert far is not None and far.value == max(values)
    assert decimal_slip(far, values) == meant


def test_the_qa_sets_through_the_loader(tmp_path: Path) -> None:
    """The attack sweep loads without a warning; the tone grid with 80000 warns, guessing 8000 (0.5 s takes)."""
    x = plucks(0.5)
    for name, header, values in (("sweep", "attack[ms]", [0.1, 1, 10, 100]),
                                 ("grid", "tone[Hz]", [1500, 8000, 1500, 8000, 1500, 80000])):
        folder = tmp_path / name
        write(folder / "in.wav", x)
        rows = [f"input,output,drive,{header}"]           # drive: each row a setting of its own (no replicates)
        for i, v in enumerate(values):
            rows.append(f"in.wav,{write(folder / f'o{i}.wav', drive(x, 2 * i))},{2 * i},{v:g}")
        (folder / "pairs.csv").write_text("\n".join(rows) + "\n")
    assert not [w for w in load_folder(tmp_path / "sweep").warnings if "knob 'attack'" in w]
    said = [w for w in load_folder(tmp_path / "grid").warnings if "knob 'tone'" in w]
    assert len(said) == 1 and "line 7 gives 80000 Hz" in said[0] and "(did you mean 8000?)" in said[0], said

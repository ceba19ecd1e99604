"""Forty-second stop's QA: a typo in one knob value (tone 5000 where the other rows say 200 and 800) was taken as it
stood, so the knob's range became 200..5000 Hz and 87% of its travel had no recording; it is now warned before
training, naming the row, the value and the value likely meant, while an end value beside the others (drive 1.0
beside 0.1..0.9) says nothing."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.effect.synth import drive, plucks, write
from trainer.effect.data import load_folder
from trainer.effect.knob_checks import decimal_slip, far_value, far_value_warnings, rows_words

COLUMNS = [("drive", "drive", ""), ("tone[Hz]", "tone", "Hz")]


def _settings(drives: list[float], tones: list[float]) -> list[dict[str, float]]:
    return [{"drive": d, "tone": t} for d, t in zip(drives, tones)]


def _wheres(n: int) -> list[str]:
    return [f"pairs.csv line {i + 2}" for i in range(n)]


def test_a_value_a_zero_too_many_is_warned_with_the_value_meant() -> None:
    settings = _settings([0.1, 0.1, 0.5, 0.5, 0.9, 0.9, 0.5], [200, 800, 200, 800, 200, 800, 5000])
    said = far_value_warnings(COLUMNS, settings, _wheres(7))
    assert len(said) == 1
    text = said[0]
    for part in ("knob 'tone'", "pairs.csv line 8 gives 5000 Hz", "200..800 Hz", "becomes 200..5000 Hz",
                 "87% of its travel (800..5000 Hz) has no recording", "did you mean 500?"):
        assert part in text, (part, text)


@pytest.mark.parametrize("values", [
    [0.1, 0.1, 0.5, 0.5, 0.9, 0.9, 1.0],         # an end value just beside the others
    [0.1, 0.3, 0.5, 0.9, 1.0],
    [0.0, 12.0],                                  # two values are the knob's two ends
    [0.0, 5.0, 10.0],
    [200, 800, 200, 800, 2000],                   # 2 times the others' span away: not far enough
])
def test_values_that_spread_over_the_knob_say_nothing(values: list[float]) -> None:
    assert far_value(values) is None


def test_a_low_value_far_under_the_others_is_warned_too() -> None:
    far = far_value([-500.0, -40.0, -30.0, -20.0])
    assert far is not None and far.value == -500.0 and (far.low, far.high) == (-40.0, -20.0)
    assert decimal_slip(far) is None           # -50 is not among -40..-20: no guess
    text = far_value_warnings([("level", "level", "dB")], [{"level": v} for v in (-500, -40, -30, -20)],
                              _wheres(4))[0]
    assert "travel (-500..-40 dB)" in text and "did you mean" not in text


def test_a_decimal_point_slip_is_guessed_only_where_it_lands_among_the_others() -> None:
    assert decimal_slip(far_value([0.1, 0.5, 0.9, 5.0])) == pytest.approx(0.5)
    assert decimal_slip(far_value([200, 800, 30000])) is None
    assert rows_words(["pairs.csv line 8", "pairs.csv line 9", "pairs.csv line 12"]) == "pairs.csv lines 8, 9 and 12"


def test_the_loader_warns_before_any_training(tmp_path: Path) -> None:
    """Through load_folder, as `hatbox train effect` reads the set (0.5 s takes)."""
    x = plucks(0.5)
    write(tmp_path / "in.wav", x)
    rows = ["input,output,drive,tone[Hz]"]
    for i, (d, t) in enumerate([(0, 200), (0, 800), (12, 200), (12, 800), (6, 5000)]):
        rows.append(f"in.wav,{write(tmp_path / f'o{i}.wav', drive(x, d + i / 10))},{d},{t}")
    (tmp_path / "pairs.csv").write_text("\n".join(rows) + "\n")
    data = load_folder(tmp_path)
    said = [w for w in data.warnings if "knob 'tone'" in w]
    assert len(said) == 1 and "pairs.csv line 6 gives 5000 Hz" in said[0] and "did you mean 500?" in said[0]
    assert not [w for w in data.warnings if "knob 'drive'" in w]

"""A knob value the pack refuses is said as the knob shows it (three significant digits), with the digits that tell
it from the range's end where three would read as the end (forty-eighth stop; the p47 soak QA's "3.56375 dB")."""
from __future__ import annotations

import math

import pytest

from export.manifest import Knob
from hatbox.errors import KnobError
from hatbox.text import number_outside


def _refusal(knob: Knob, value: float) -> str:
    with pytest.raises(KnobError) as caught:
        knob.check(value)
    return str(caught.value)


def test_a_refused_value_is_rounded_as_the_dial_shows_it() -> None:
    drive = Knob("drive", 0.0, 3.0, 1.0, unit="dB")
    assert _refusal(drive, 3.56375) == "knob 'drive' = 3.56 dB is outside its range 0..3 dB"
    assert _refusal(Knob("tone", 1500.0, 4000.0, 2000.0, unit="Hz"), 5000.0).startswith("knob 'tone' = 5000 Hz is ")


def test_a_value_just_past_an_end_keeps_the_digits_that_show_it_is_past() -> None:
    said = _refusal(Knob("drive", 0.0, 3.0, 1.0, unit="dB"), 3.0004)
    assert said == "knob 'drive' = 3.0004 dB is outside its range 0..3 dB"
    assert number_outside(math.inf, 0.0, 3.0) == "inf"
    assert _refusal(Knob("drive", 0.0, 3.0, 1.0), math.nan).startswith("knob 'drive' = nan is outside")


@pytest.mark.parametrize("low, high, value", [(0.0, 12.74, 12.745), (0.0, 1.234, 1.2345), (-12.34, 0.0, -12.345)])
def test_a_refused_value_never_reads_as_inside_its_range(low: float, high: float, value: float) -> None:
    said = _refusal(Knob("drive", low, high, 0.0, unit="dB"), value)
    shown = float(said.split(" = ")[1].split(" dB")[0])
    assert not low <= shown <= high, said

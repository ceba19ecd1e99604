"""p57 FR3 1-3: `hatbox box-knob effect.drive` printed "0.1 dB", and the box's refusal of a turn out of range then
said "it was left at 0.115407 dB"; the output volume read "-12.4 dB" in box-knob where `hatbox status`, the panel and
the "knobs restored" line said -12.3; and box-knob wrote a range as "20..2e+06 Hz".  A knob's value is written by one
rule everywhere (device/knob_words.py knob_number), the volume by one rule of its own (to a tenth of a dB, 0 being
as the packs play), and ranges never in exponent form."""
from __future__ import annotations

import pytest

from device.api.errors import ApiError
from device.api.knob_routes import BoxKnob, _in_range, _volume_in_range
from hatbox.cmd_box_knob import knob_line, volume_line
from hatbox.status_report import knob_value, volume_words


def test_the_box_s_refusal_says_the_value_as_box_knob_shows_it() -> None:
    knob = BoxKnob(slot="effect", pack="drive-a", name="drive", value=0.115407, min=0.0, max=24.0, default=0.0,
                   unit="dB", scale="linear")
    with pytest.raises(ApiError) as refused:
        _in_range(knob, 30.0)
    assert str(refused.value).endswith("not 30 dB; it was left at 0.1 dB")


def test_the_volume_refusal_rounds_as_status_does() -> None:
    with pytest.raises(ApiError) as refused:
        _volume_in_range(20.0, -12.34567)
    assert str(refused.value).endswith("not 20 dB; it was left at -12.3 dB")


@pytest.mark.parametrize("db, shown", [(-12.35, "-12.3"), (-0.04, "0"), (3.0, "3"), (-60.0, "-60")])
def test_the_output_volume_reads_the_same_in_box_knob_and_status(db: float, shown: str) -> None:
    line = volume_line({"db": db, "min": -60.0, "max": 6.0, "default": 0.0})
    assert line.split(None, 1)[1].startswith(f"{shown} dB  (-60..6 dB, default 0 dB)"), line
    status = volume_words({"volume_db": db})
    assert status == "" if shown == "0" else status.startswith(f"volume {'+' if db > 0 else ''}{shown} dB")


def test_a_knob_line_writes_value_default_and_range_as_status_does() -> None:
    knob = {"slot": "effect", "name": "tone", "value": 1234567.0, "min": 20.0, "max": 2e6, "default": 20.0,
            "unit": "Hz", "scale": "linear"}
    line = knob_line(knob)
    assert line.split(None, 1)[1] == "1234567 Hz  (20..2000000 Hz, default 20 Hz)", line
    assert knob_value(knob, knob["value"]) == "1234567 Hz"
    assert "e+" not in knob_line({**knob, "value": 1.5e7, "max": 1e8, "scale": "log", "min": 1e-5})

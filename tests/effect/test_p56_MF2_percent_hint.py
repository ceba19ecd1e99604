"""p56 final read FR2 item 5 (device/audio/effect.py percent_hint): "tone=1.5%" on a 0..10 knob was told
"tone=0.1": the hint rounded with Python's round (0.15 is the float just under it; a half goes to even) where the
panel's dial reads 0.15 as 0.2 (device.knob_words.rounded).  The hint now rounds by the dial's rule."""
from __future__ import annotations

import pytest

from device.audio.effect import knob_number
from device.knob_words import knob_number as dial_number
from export.manifest import Knob
from hatbox.errors import KnobError


@pytest.mark.parametrize("text, value", [("1.5%", 0.15), ("8.5%", 0.85), ("0.5%", 0.05), ("100%", 10.0)])
def test_the_percent_hint_says_the_value_as_the_dial_reads_it(text: str, value: float) -> None:
    knob = Knob("tone", 0.0, 10.0, 5.0)
    with pytest.raises(KnobError) as caught:
        knob_number(knob, text)
    said = str(caught.value).rsplit("tone=", 1)[1]
    assert said == dial_number(value, knob.min, knob.max)
    assert knob.check(float(said)) == float(said)


def test_a_hint_rounded_past_an_end_is_still_the_end() -> None:
    knob = Knob("drive", 0.0, 24.37, 12.0, "dB")
    with pytest.raises(KnobError) as caught:
        knob_number(knob, "100%")
    assert str(caught.value).endswith("drive=24.37")

"""p56 review R2 item 3: the dial's values come from the encoder (device/ui/pages/effect.py ``_nudge``:
``denormalize(normalize(v) + 1/100)``), not from decimal literals, and carry float noise: one detent after 0.75 on a
0..10 knob is 0.8499999999999999, which read "0.8" as 0.75 did.  knob_words.rounded now rounds away that noise (12
significant digits) before it rounds a half away from 0, so turning a knob one detent always changes what it reads."""
from __future__ import annotations

from device.knob_words import rounded
from device.ui.pages.effect import clamp, format_value
from export.manifest import Knob

RANGES = ((0.0, 10.0), (0.0, 1.0), (-12.0, 12.0), (0.0, 100.0), (-1.0, 1.0), (0.0, 15.0), (0.0, 24.0))
OFFSETS = 50                # starting points a fraction of a detent off the range's grid (a value set from the laptop)


def _walk(knob: Knob, start: float) -> list[float]:
    """The values one detent at a time from ``start`` up to the knob's max, as the Effect page's encoder turns it."""
    values = [start]
    while True:
        value = clamp(knob, knob.denormalize(knob.normalize(values[-1]) + 0.01))
        if value == values[-1] or value >= knob.max:
            return values
        values.append(value)


def test_a_detent_of_the_encoder_always_changes_what_the_dial_reads() -> None:
    same = []
    for low, high in RANGES:
        knob = Knob(name="k", min=low, max=high, default=low, unit="")
        detent = (high - low) / 100
        for offset in range(OFFSETS):
            values = _walk(knob, low + detent * offset / OFFSETS)
            said = [format_value(knob, v) for v in values]
            same += [(low, high, values[n], values[n + 1]) for n in range(len(values) - 1) if said[n] == said[n + 1]]
    assert same == [], same[:5]


def test_float_noise_is_not_a_value() -> None:
    assert rounded(0.8499999999999999, 1) == 0.9 and rounded(0.75, 1) == 0.8
    assert rounded(0.08499999999999999, 2) == 0.09 and rounded(-0.8499999999999999, 1) == -0.9
    assert rounded(0.849, 1) == 0.8 and rounded(0.84999, 1) == 0.8           # a value just under the half stays under
    assert rounded(1e30, 2) == 1e30 and rounded(123456.75, 1) == 123456.8

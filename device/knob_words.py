"""A knob's value as the box writes it, one rule for the panel's dial (device/ui/pages/effect.py ``format_value``) and
the engine's notes on a knob a switched-in pack did not take (device/audio/held.py ``not_carried``): p55 R3 review 4,
the dial read "3.6 dB" where the note said "3.56 dB" of the same knob.  The output volume has a rule of its own
(:func:`volume_number`).  Pure: no pygame, no numpy."""
from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

STEPS_PER_SWEEP = 100          # encoder detents from a knob's min to its max (before acceleration)
SIGNIFICANT = 12               # a value's own digits (a float's 16th and 17th are its arithmetic's noise)


def decimals(low: float, high: float, scale: str = "linear") -> int | None:
    """The decimal places a linear knob of range ``low``..``high`` is shown to: those of a hundredth of its range (a
    detent of the encoder's sweep, :data:`STEPS_PER_SWEEP`): 0..24 dB -> 1 (0.24), 0..1 -> 2 (0.01), 0..48000 -> 0 (a
    range of 100 or more: none).  None for a log knob (its steps grow with its value: three significant digits say
    it) or an empty or broken range."""
    step = (high - low) / STEPS_PER_SWEEP
    if scale == "log" or not math.isfinite(step) or step <= 0:
        return None
    return max(0, -math.floor(math.log10(step)))


def knob_number(value: float, low: float | None = None, high: float | None = None, scale: str = "linear") -> str:
    """``value`` (no unit) as the knob's dial shows it: three significant digits, no more decimals than the knob's
    resolution (:func:`decimals`: "3.6" on a 0..24 knob, "0.04" on 0..1), never in exponent form; a value that is
    not 0 never reads "0" (p55 R3 review 8: 1 ms on a 0..1 s knob read "0 s", which is off to a player): "<0.01"
    (">-0.01" below 0), the smallest step shown.  Rounded by :func:`rounded` (half away from 0 on the value as
    written: 0.05 and 0.15 on a 0..10 knob read "0.1" and "0.2", p56; both read "0.1" before).  Where the range is
    not known (None): three significant digits (hatbox.text.number_words), the rule before."""
    from hatbox.text import number_words
    places = None if low is None or high is None else decimals(float(low), float(high), scale)
    if places is None or not math.isfinite(value):
        return number_words(value)
    placed = rounded(value, places) + 0.0               # (+ 0.0: no "-0")
    if placed == 0 and value != 0:
        step = number_words(10.0 ** -places)
        return f"<{step}" if value > 0 else f">-{step}"
    return number_words(placed)


def volume_number(db: float, signed: bool = False) -> str:
    """The output volume ``db`` (no unit) as the box writes it everywhere: to a tenth of a dB, Python's ``round`` (the
    panel's Settings page, ``:+.1f``, rounds alike), "0" at what reads 0 (as the packs play: `hatbox status` then says
    nothing of it); ``signed``: "+3" above 0.  -12.35 dB reads "-12.3" in `hatbox box-knob`, `hatbox status`, the
    panel, the "knobs restored" line and the box's refusals (p57 FR3 2: box-knob said -12.4 through
    :func:`knob_number`, whose "<0.1" would also say a volume status calls 0 dB)."""
    return f"{round(float(db), 1) + 0.0:{'+' if signed else ''}g}"           # (+ 0.0: no "-0")


def rounded(value: float, places: int) -> float:
    """``value`` to ``places`` decimals, a half away from 0, on the decimal the value is written as to
    :data:`SIGNIFICANT` digits (0.15 is "0.15", not the float just under it; the encoder's 0.8499999999999999, one
    detent after 0.75 on a 0..10 knob, is "0.85": float noise is no value).  Python's ``round`` works on the float and
    rounds a half to even, so 0.05 -> 0.1 and 0.15 -> 0.1 (0.1499...), 0.75 -> 0.8 and 0.85 -> 0.8 (0.8499...): two
    values a detent apart read the same (p56).  Here values a detent or more apart never do."""
    try:
        written = Decimal(f"{float(value):.{SIGNIFICANT}g}")
        return float(written.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))
    except InvalidOperation:            # more digits than Decimal's 28 (a value of 1e30 to 2 places): the float's
        return round(value, places)

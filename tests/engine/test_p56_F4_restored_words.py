"""p56 QA_A finding 5: the start's "knobs restored as they were left" line printed raw floats ("effect.drive 0.359791
dB", device/knob_store.knob_words' ``:g``) where `hatbox status`'s knobs line and the panel's dial said the knob by the
one knob value rule (device/knob_words.py knob_number: three significant digits, no more decimals than a detent of
the knob's range).  Driven through the engine process's own start and stop (tests/engine/test_p43_knobs_kept.py)."""
from __future__ import annotations

from pathlib import Path

from device import knob_store
from device.audio.held import SetKnob
from device.knob_words import knob_number
from tests.engine.test_p43_knobs_kept import Box, _turn, box, fxd, store  # noqa: F401  (fixtures)


def test_the_restored_line_says_each_knob_as_its_dial_does(box: Box, store: Path, fxd: str) -> None:  # noqa: F811
    first = box.start({"effect": fxd})
    _turn(first, "drive", 0.359791)                   # a 0..24 dB knob: its dial reads 0.4 dB (a detent: 0.24)
    _turn(first, "tone", 2074.4567)                   # 1500..8000 Hz: 2074 Hz
    box.stop(first)
    second = box.start({"effect": fxd})
    line = second.status()["knobs_restored"]
    assert line == "knobs restored as they were left: effect.drive 0.4 dB, effect.tone 2074 Hz"
    assert knob_number(0.359791, 0.0, 24.0) == "0.4"  # the panel's own words for that knob


def test_a_knob_whose_dial_is_not_known_has_three_significant_digits() -> None:
    line = knob_store.restored_line({"effect": [SetKnob("drive", 0.359791, "dB")]})
    assert line == "knobs restored as they were left: effect.drive 0.36 dB"
    assert knob_store.knob_words(SetKnob("mix", 0.123456789, None, dial=(0.0, 1.0, "linear"))) == "mix 0.12"

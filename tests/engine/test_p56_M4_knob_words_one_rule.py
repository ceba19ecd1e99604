"""p56 review R4 finding 6: the restored-knobs line (device/knob_store_words.knob_words) copied the rule for "a
SetKnob's value as its dial shows it" instead of calling the one place that says it, device.audio.held.value_words:
a change to that rule would have left the start line on the old one."""
from __future__ import annotations

import pytest

import device.audio.held
from device.audio.held import SetKnob
from device.knob_store_words import knob_words


def test_knob_words_says_the_value_by_held_value_words(monkeypatch: pytest.MonkeyPatch) -> None:
    knob = SetKnob("drive", 0.359791, "dB", dial=(0.0, 24.0, "linear"))
    assert knob_words(knob) == f"drive {device.audio.held.value_words(knob)} dB" == "drive 0.4 dB"
    monkeypatch.setattr(device.audio.held, "value_words", lambda k: f"<{k.value:.1f}>")
    assert knob_words(knob) == "drive <0.4> dB"
    assert knob_words(SetKnob("mix", 0.5, None)) == "mix <0.5>"          # no unit: none said

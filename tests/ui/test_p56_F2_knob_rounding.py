"""p56 F2 item 5: on a 0..10 knob (shown to a tenth: a hundredth of its range) 0.05 and 0.15 both read "0.1", as did
0.75 and 0.85 ("0.8"): Python's round works on the float (0.15 is 0.1499...) and rounds a half to even.  Values a
detent (a hundredth of the range) apart must read apart; device.knob_words rounds a half away from 0 on the value as
written, and keeps "never 0 for a value that is not" and the range's hundredths."""
from __future__ import annotations

from device.audio.held import value_words
from device.knob_store import SetKnob
from device.knob_words import knob_number, rounded
from device.ui.pages.effect import format_value
from export.manifest import Knob


def test_values_a_detent_apart_never_read_the_same_on_a_tenth_knob() -> None:
    said = {n: knob_number(n / 100, 0.0, 10.0) for n in range(0, 1001)}       # every hundredth of 0..10
    same = [(n / 100, said[n]) for n in range(0, 991) if said[n] == said[n + 10]]
    assert same == []
    assert (said[5], said[15], said[75], said[85]) == ("0.1", "0.2", "0.8", "0.9")


def test_values_a_detent_apart_read_apart_on_other_ranges() -> None:
    for low, high, unit in ((0.0, 1.0, 0.0001), (-1.0, 1.0, 0.0002), (0.0, 24.0, 0.001), (0.0, 100.0, 0.01)):
        detent = (high - low) / 100
        values = [round(low + n * unit, 9) for n in range(int(round((high - low - detent) / unit)))]
        same = [v for v in values if knob_number(v, low, high) == knob_number(round(v + detent, 9), low, high)]
        assert same == [], (low, high, same[:5])


def test_never_zero_for_a_value_that_is_not_and_the_hundredths_kept() -> None:
    assert knob_number(0.04, 0.0, 10.0) == "<0.1" and knob_number(-0.04, -10.0, 10.0) == ">-0.1"
    assert knob_number(0.05, 0.0, 10.0) == "0.1" and knob_number(-0.05, -10.0, 10.0) == "-0.1"
    assert knob_number(3.5625, 0.0, 24.0) == "3.6" and knob_number(0.125, 0.0, 1.0) == "0.13"
    assert rounded(2.675, 2) == 2.68                    # round(2.675, 2) is 2.67: the float is 2.67499...


def test_the_dial_and_the_engine_notes_read_the_same() -> None:
    knob = Knob(name="mix", min=0.0, max=10.0, default=5.0, unit="")
    set_on = SetKnob("mix", 0.15, "", dial=(0.0, 10.0, "linear"))
    assert format_value(knob, 0.15) == value_words(set_on) == "0.2"

"""p48 QA: ``/hatbox/bypass 1.0`` (no slot name) was logged as "dropped /hatbox/bypass 1.0: list index out of range",
an internal error's words.  Every address the box serves is now sent with no arguments, wrong types, NaN, huge
numbers and strings where numbers go: what reaches the engine is a valid control message, and what is dropped says
what the address takes, never an exception's words."""
from __future__ import annotations

import logging
import math
from typing import Any

import pytest

from device.control import validate
from device.osc import TAKES, WEKINATOR, OscMap, takes_words
from tests.engine.helpers import effect_knob_ranges

ADDRESSES = ["/hatbox/note_on", "/hatbox/note_off", "/hatbox/bend", "/hatbox/sustain", "/hatbox/xy", "/hatbox/knob",
             "/hatbox/knob/effect/drive", "/hatbox/fader/effect/drive", "/hatbox/fader/volume", "/hatbox/volume",
             "/hatbox/bypass", "/hatbox/panic", "/hatbox/all_notes_off", WEKINATOR]
ARGS: list[list[Any]] = [
    [], ["x"], ["5"], [math.nan], [math.inf], [-math.inf], [1e300], [-1e300], [2 ** 31 - 1], [True], [False],
    [b"\x00blob"], [1.0], ["effect"], ["effect", "on"], ["effect", math.nan], [60, "loud"], [60, math.nan],
    [1.0, "effect"], ["effect", "drive"], ["effect", "drive", "x"], [7, 8, 9], ["nope", 1], ["", 1],
    ["effect", 1e300], [None],
]
INTERNAL = ("list index", "out of range", "object is not", "could not convert", "has no attribute", "NoneType",
            "positional", "KeyError", "IndexError", "TypeError", "unsupported operand", "subscriptable")


def _lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "hatbox.osc"]


def test_a_bypass_with_no_slot_name_says_what_it_takes(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="hatbox.osc")
    assert OscMap().translate("/hatbox/bypass", [1.0]) == []
    assert _lines(caplog) == ["OSC: dropped /hatbox/bypass 1.0: 1.0 is not a slot name (/hatbox/bypass takes a slot "
                              "name (effect, synth, sampler) and 0 or 1)"]
    caplog.clear()
    assert OscMap().translate("/hatbox/bypass", []) == []
    assert _lines(caplog) == ["OSC: dropped /hatbox/bypass with no arguments: /hatbox/bypass takes a slot name "
                              "(effect, synth, sampler) and 0 or 1"]


@pytest.mark.parametrize("args, why", [
    (["amp", 1], "'amp' is not a slot here (effect, synth, sampler)"),
    (["effect", "1"], "'1' is not a number"),
])
def test_a_bypass_with_a_wrong_argument_says_which_and_what_it_takes(args: list[Any], why: str,
                                                                     caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="hatbox.osc")
    assert OscMap().translate("/hatbox/bypass", args) == []
    assert _lines(caplog)[0].endswith(f": {why} (/hatbox/bypass takes a slot name (effect, synth, sampler) and 0 or 1)")


def test_a_knob_named_by_numbers_is_refused_not_sent_to_slot_1() -> None:
    """Before: /hatbox/knob 1 2 3 went to the engine as slot "1", knob "2"."""
    assert OscMap(knobs=effect_knob_ranges()).translate("/hatbox/knob", [1, 2, 3]) == []
    assert OscMap().translate("/hatbox/knob", ["effect", "drive", 3.0]) == [
        {"op": "knob", "slot": "effect", "name": "drive", "value": 3.0}]


@pytest.mark.parametrize("address", ADDRESSES)
def test_every_address_sends_only_valid_messages_and_says_what_it_takes(address: str,
                                                                        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="hatbox.osc")
    for args in ARGS:
        caplog.clear()
        sent = OscMap(knobs=effect_knob_ranges()).translate(address, args)
        for message in sent:
            validate(message)                          # nothing the engine would refuse, nothing non-finite
        for line in _lines(caplog):
            assert not any(word in line for word in INTERNAL), (args, line)
            assert takes_words(address) in line or "no knob" in line, (args, line)
            assert "\n" not in line and len(line) < 300, line
        if not sent and args and address not in ("/hatbox/panic", "/hatbox/all_notes_off"):
            assert _lines(caplog), f"{address} {args!r}: dropped without a line"


def test_every_address_served_has_words_for_what_it_takes() -> None:
    assert set(TAKES) == set(OscMap.HANDLERS)
    assert takes_words("/hatbox/knob/effect/drive").startswith("/hatbox/knob takes a slot (effect or synth)")
    assert takes_words(WEKINATOR).startswith("/wek/outputs takes numbers")


def test_huge_and_non_finite_volumes_are_clamped_or_dropped(caplog: pytest.LogCaptureFixture) -> None:
    m = OscMap()
    assert m.translate("/hatbox/volume", [1e300]) == [{"op": "volume", "db": 6.0}]     # a fader's overshoot: clamped
    assert m.translate("/hatbox/volume", [-1e300]) == [{"op": "volume", "db": -60.0}]
    caplog.set_level(logging.WARNING, logger="hatbox.osc")
    assert m.translate("/hatbox/volume", [math.nan]) == []
    assert "nan is not finite (/hatbox/volume takes a number of dB, -60 to +6)" in _lines(caplog)[0]

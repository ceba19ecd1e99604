"""OSC (thirty-third stop's QA): a note-on's velocity sent as a 0..1 float (TouchOSC) is a fraction of 127, not a
silent note-off; an address with parts it does not take is dropped and logged, not obeyed."""
from __future__ import annotations

import logging

import pytest

from device.osc import OscMap
from tests.engine.test_midi_osc import _ranges


@pytest.mark.parametrize("velocity,expected", [(0.8, 102), (1.0, 127), (0.001, 1), (64, 64), (1, 1), (127.0, 127)])
def test_a_float_velocity_up_to_1_is_a_fraction(velocity: float, expected: int) -> None:
    assert OscMap(knobs=_ranges()).translate("/hatbox/note_on", [60, velocity]) == [
        {"op": "note_on", "note": 60, "velocity": expected}]


def test_velocity_0_is_still_a_note_off() -> None:
    assert OscMap(knobs=_ranges()).translate("/hatbox/note_on", [60, 0.0]) == [{"op": "note_off", "note": 60}]


@pytest.mark.parametrize("address,args", [("/hatbox/note_on/typo", [64, 100]),
                                          ("/hatbox/knob/effect/drive/extra/parts", [1.0]),
                                          ("/hatbox/knob/effect", [1.0]), ("/hatbox/panic/now", []),
                                          ("/hatbox/fader/effect/drive/x", [0.5])])
def test_an_address_with_parts_it_does_not_take_is_dropped(address: str, args: list, caplog) -> None:
    with caplog.at_level(logging.WARNING):
        assert OscMap(knobs=_ranges()).translate(address, args) == []
    assert "ignored OSC address" in caplog.text


def test_the_addresses_with_parts_still_work() -> None:
    o = OscMap(knobs=_ranges())
    assert o.translate("/hatbox/knob/effect/drive", [3.0]) == [{"op": "knob", "slot": "effect", "name": "drive",
                                                                "value": 3.0}]
    assert o.translate("/hatbox/knob", ["effect", "drive", 3.0])[0]["value"] == 3.0
    assert o.translate("/hatbox/fader/volume", [1.0])[0]["op"] == "volume"
    assert o.translate("/hatbox/panic", []) == [{"op": "panic"}]

"""p51 beatmaker QA (K1): OSC can hit the kit alone: /hatbox/note_on/sampler NOTE VEL (and note_off) names the slot,
so a drum hit no longer plays (and, with no note_off, holds) a tone on the synth; /hatbox/note_on stays every source."""
from __future__ import annotations

import logging

import pytest

from device.control import validate
from device.osc import OscMap


@pytest.mark.parametrize("address,args,expected", [
    ("/hatbox/note_on/sampler", [36, 100], {"op": "note_on", "note": 36, "velocity": 100, "slot": "sampler"}),
    ("/hatbox/note_on/sampler", [36, 0], {"op": "note_off", "note": 36, "slot": "sampler"}),
    ("/hatbox/note_off/sampler", [36], {"op": "note_off", "note": 36, "slot": "sampler"}),
    ("/hatbox/note_on/synth", [60, 0.5], {"op": "note_on", "note": 60, "velocity": 64, "slot": "synth"}),
])
def test_a_note_address_with_a_slot_plays_that_slot_alone(address: str, args: list, expected: dict) -> None:
    out = OscMap().translate(address, args)
    assert out == [expected]
    validate(out[0])                       # the engine takes it: only that slot's source plays the note


def test_a_note_without_a_slot_still_goes_to_every_source() -> None:
    assert OscMap().translate("/hatbox/note_on", [36, 100]) == [{"op": "note_on", "note": 36, "velocity": 100}]


@pytest.mark.parametrize("address", ["/hatbox/note_on/effect", "/hatbox/note_on/kick", "/hatbox/note_off/typo",
                                     "/hatbox/note_on/sampler/extra"])
def test_a_note_address_of_no_note_slot_is_unknown_and_says_the_slots(address: str, caplog) -> None:
    with caplog.at_level(logging.WARNING):
        assert OscMap().translate(address, [36, 100]) == []
    assert "ignored OSC address" in caplog.text and "takes synth or sampler" in caplog.text


def test_box_kit_tells_producers_the_kit_route() -> None:
    from hatbox.cmd_kit import describe
    lines = describe({"notes": [{"note": 36, "name": "C2", "file": "kick.wav", "library": "a", "tag": "kick"}]})
    assert "/hatbox/note_on/sampler" in lines[-1]

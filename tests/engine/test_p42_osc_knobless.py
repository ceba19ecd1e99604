"""OSC (forty-second stop's soak QA): a fader sent to a slot whose pack has no knobs said "the slot is empty" while
that pack played (79 times in a gig's log); it names the pack instead, and an empty slot is still called empty."""
from __future__ import annotations

import logging
from types import SimpleNamespace

from device.midi import KnobRanges
from device.osc import OscMap


def test_a_fader_to_a_knobless_pack_names_the_pack(caplog) -> None:
    knobs = KnobRanges()
    knobs.loaded("effect", SimpleNamespace(name="soak-fuzz", knobs=[]))
    with caplog.at_level(logging.WARNING):
        assert OscMap(knobs=knobs).translate("/hatbox/fader/effect/tone", [0.5]) == []
    assert "pack 'soak-fuzz' has no knobs" in caplog.text
    assert "the slot is empty" not in caplog.text


def test_a_fader_to_an_empty_slot_says_it_is_empty(caplog) -> None:
    with caplog.at_level(logging.WARNING):
        assert OscMap(knobs=KnobRanges()).translate("/hatbox/fader/effect/tone", [0.5]) == []
    assert "the slot is empty" in caplog.text

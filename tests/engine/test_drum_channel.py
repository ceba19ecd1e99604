"""MIDI channel 10 plays the sampler's kit alone (device/midi.py DRUM_CHANNEL, device/audio/engine.py _to_sources):
before, every note reached the synth and the sampler both, so a drum pad's kick also played a low C on the synth."""
from __future__ import annotations

import numpy as np
import pytest

from device.audio.engine import Engine, EngineConfig
from device.control import ControlError, validate
from device.midi import MidiMap
from tests.engine.helpers import RATE, run_blocks
from tests.engine.test_graph import _Beep


def test_a_note_naming_a_slot_reaches_that_source_alone() -> None:
    eng = Engine(EngineConfig(rate=RATE, block=64, xfade_s=0.0, live_input=False))
    synth, sampler = _Beep(0.0), _Beep(0.0)
    eng.install("synth", synth, {"name": "s"})
    eng.install("sampler", sampler, {"name": "k"})
    run_blocks(eng, np.zeros(640, np.float32))                   # the installs take effect at the next block
    eng.handle(validate({"op": "note_on", "note": 36, "velocity": 100, "slot": "sampler"}))
    eng.handle(validate({"op": "note_off", "note": 36, "slot": "sampler"}))
    eng.handle(validate({"op": "note_on", "note": 60, "velocity": 100}))
    assert [m["note"] for m in synth.msgs] == [60]
    assert [m["note"] for m in sampler.msgs] == [36, 36, 60]


def test_only_note_sources_can_be_named() -> None:
    with pytest.raises(ControlError, match="plays no notes"):
        validate({"op": "note_on", "note": 36, "velocity": 100, "slot": "effect"})


def test_midi_channel_10_is_the_kits_and_the_others_play_both() -> None:
    m = MidiMap()
    assert m.translate({"type": "note_on", "channel": 9, "note": 36, "velocity": 90}) == [
        {"op": "note_on", "note": 36, "velocity": 90, "slot": "sampler"}]
    assert m.translate({"type": "note_on", "channel": 9, "note": 36, "velocity": 0}) == [
        {"op": "note_off", "note": 36, "slot": "sampler"}]
    assert m.translate({"type": "note_off", "channel": 9, "note": 36, "velocity": 0}) == [
        {"op": "note_off", "note": 36, "slot": "sampler"}]
    assert m.translate({"type": "note_on", "channel": 0, "note": 60, "velocity": 90}) == [
        {"op": "note_on", "note": 60, "velocity": 90}]

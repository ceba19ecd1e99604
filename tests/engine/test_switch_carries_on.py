"""A synth switched in mid-performance carries on (device/audio/held.py): the keys down, the pedal's notes, the bend
and the pad are handed to the new unit as it is installed.  Before (twenty-eighth stop's QA), a held note went from
-33 to -108 dBFS within 0.1 s of a pack switch, its note-off did nothing, and the pad jumped to corner A."""
from __future__ import annotations

import numpy as np

from device.audio.engine import Engine, EngineConfig
from device.audio.held import Performance
from device.control import validate
from tests.engine.helpers import RATE, run_blocks
from tests.engine.test_graph import _Beep


def _engine() -> Engine:
    return Engine(EngineConfig(rate=RATE, block=64, xfade_s=0.0, live_input=False))


def test_a_synth_switched_in_gets_the_chord_the_pedal_the_bend_and_the_pad() -> None:
    eng, old, new = _engine(), _Beep(0.0), _Beep(0.0)
    eng.install("synth", old, {"name": "a"})
    run_blocks(eng, np.zeros(640, np.float32))
    for m in ({"op": "xy", "x": 0.7, "y": 0.3}, {"op": "bend", "value": 0.5}, {"op": "note_on", "note": 60, "velocity": 90},
              {"op": "sustain", "on": True}, {"op": "note_on", "note": 64, "velocity": 70}, {"op": "note_off", "note": 64},
              {"op": "note_on", "note": 67, "velocity": 100}, {"op": "note_on", "note": 36, "velocity": 100, "slot": "sampler"}):
        eng.handle(validate(m))
    eng.install("synth", new, {"name": "b"})
    assert new.msgs == [{"op": "xy", "x": 0.7, "y": 0.3}, {"op": "bend", "value": 0.5}, {"op": "sustain", "on": True},
                        {"op": "note_on", "note": 60, "velocity": 90}, {"op": "note_on", "note": 67, "velocity": 100},
                        {"op": "note_on", "note": 64, "velocity": 70}, {"op": "note_off", "note": 64}]


def test_what_was_let_go_or_panicked_is_not_carried() -> None:
    p = Performance()
    for m in ({"op": "note_on", "note": 60, "velocity": 90}, {"op": "note_off", "note": 60},
              {"op": "sustain", "on": True}, {"op": "note_on", "note": 62, "velocity": 80}, {"op": "all_notes_off"}):
        p.see(m)
    assert p.replay() == [{"op": "sustain", "on": True}, {"op": "note_on", "note": 62, "velocity": 80},
                          {"op": "note_off", "note": 62}]                    # CC 123: the pedal still holds 62
    p.see({"op": "sustain", "on": False})
    assert p.replay() == []
    p.see({"op": "note_on", "note": 48, "velocity": 0})                      # a note-off as MIDI sends it: nothing held
    p.see({"op": "note_on", "note": 50, "velocity": 99})
    p.see({"op": "panic"})
    assert p.replay() == []


def test_a_held_note_sounds_on_through_a_switch_to_another_synth_and_its_note_off_ends_it() -> None:
    """The factory synth, switched for a second copy of itself while A4 is held: the note goes on at its level
    (it fell by 75 dB before), and the note-off after the switch releases it."""
    from pathlib import Path

    from device.audio.synth import SynthSource
    from export.pack import read_pack
    pack = read_pack(Path(__file__).resolve().parents[2] / "factory" / "synth-gm4.hatpack")
    eng = Engine(EngineConfig(rate=48000, block=128, live_input=False))
    eng.install("synth", SynthSource(pack, 48000), {"name": "a"})

    def rms(seconds: float) -> float:
        """RMS of the last 0.1 s of the next ``seconds`` of output."""
        blocks = []
        for _ in range(int(seconds * 48000 / 128)):
            out = np.zeros(128, np.float32)
            eng.process(None, out)
            blocks.append(out)
        return float(np.sqrt(np.mean(np.concatenate(blocks)[-4800:] ** 2)))

    rms(0.05)
    eng.handle(validate({"op": "note_on", "note": 69, "velocity": 100}))
    before = rms(0.5)
    eng.install("synth", SynthSource(pack, 48000), {"name": "b"})
    after = rms(0.5)
    assert before > 1e-3 and after > 0.3 * before
    eng.handle(validate({"op": "note_off", "note": 69}))
    assert rms(1.5) < 1e-3 * before

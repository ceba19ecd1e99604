"""Forty-first stop (QA of playing the box): turning a synth or the sampler back on after its bypass reset it on the
audio thread, after the note struck with it had reached it: that note was lost (a kick at 0 ms: -240 dBFS), and so
were the keys held and the pedal down.  A bypassed source is now muted: it goes on unheard, and comes back as it
went on; one bypassed on a fault still restarts from rest."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf

from device.audio.engine import Engine, EngineConfig
from device.audio.sampler import SamplerSource
from device.audio.synth import SynthSource
from export.pack import read_pack

FACTORY = Path(__file__).resolve().parents[2] / "factory" / "synth-gm4.hatpack"
RATE, BLOCK = 48000, 128


def play(engine: Engine, n: int) -> np.ndarray:
    """``n`` blocks of the engine's output, one after the other [n * BLOCK]."""
    got = []
    for _ in range(n):
        out = np.zeros(BLOCK, np.float32)
        engine.process(np.zeros(BLOCK, np.float32), out)
        got.append(out)
    return np.concatenate(got)


def kit_engine(tmp_path: Path) -> Engine:
    t = np.arange(2 * RATE) / RATE                          # 2 s, -26 dB at 1 s
    sf.write(tmp_path / "kick.wav", (0.5 * np.sin(2 * np.pi * 60 * t) * np.exp(-t * 3)).astype(np.float32), RATE)
    engine = Engine(EngineConfig(rate=RATE, block=BLOCK))
    sampler = SamplerSource(RATE)
    sampler.map_note(36, tmp_path / "kick.wav")
    engine.install("sampler", sampler, {"name": "sampler"})
    play(engine, 10)                                        # past the 20 ms crossfade in
    return engine


def test_a_note_struck_as_the_sampler_comes_back_sounds(tmp_path: Path) -> None:
    engine = kit_engine(tmp_path)
    engine.handle({"op": "bypass", "slot": "sampler", "on": True})
    assert np.max(np.abs(play(engine, 20))) == 0.0
    engine.handle({"op": "bypass", "slot": "sampler", "on": False})
    engine.handle({"op": "note_on", "note": 36, "velocity": 127})
    assert np.max(np.abs(play(engine, 40))) > 0.1


def test_a_kick_struck_while_muted_is_heard_as_it_rings_on_not_all_at_once(tmp_path: Path) -> None:
    engine = kit_engine(tmp_path)
    engine.handle({"op": "bypass", "slot": "sampler", "on": True})
    play(engine, 20)
    engine.handle({"op": "note_on", "note": 36, "velocity": 127})
    assert np.max(np.abs(play(engine, 375))) == 0.0           # 1 s muted: it rang on, unheard (0.05 of it left)
    engine.handle({"op": "bypass", "slot": "sampler", "on": False})
    back = play(engine, 40)
    assert 0.0 < np.max(np.abs(back)) < 0.05


def test_the_chord_held_and_the_pedal_carry_on_through_a_mute() -> None:
    engine = Engine(EngineConfig(rate=RATE, block=BLOCK))
    engine.install("synth", SynthSource(read_pack(FACTORY), RATE), {"name": "gm4"})
    play(engine, 4)
    engine.handle({"op": "note_on", "note": 60, "velocity": 100})
    engine.handle({"op": "sustain", "on": True})
    engine.handle({"op": "note_on", "note": 64, "velocity": 100})
    engine.handle({"op": "note_off", "note": 64})                      # held by the pedal
    before = np.sqrt(np.mean(play(engine, 100)[-4800:] ** 2))
    engine.handle({"op": "bypass", "slot": "synth", "on": True})
    play(engine, 100)
    engine.handle({"op": "bypass", "slot": "synth", "on": False})
    after = np.sqrt(np.mean(play(engine, 100)[-4800:] ** 2))
    assert before > 1e-3 and after > 0.3 * before                      # reset, it was silent (-110 dBFS)
    engine.handle({"op": "note_off", "note": 60})
    still = np.sqrt(np.mean(play(engine, 100)[-4800:] ** 2))
    assert still > 0.05 * before                                       # E4, under the pedal, still sounds
    engine.handle({"op": "sustain", "on": False})
    assert np.sqrt(np.mean(play(engine, 400)[-4800:] ** 2)) < 0.01 * before


def test_a_source_bypassed_on_a_fault_stops_and_restarts_from_rest(tmp_path: Path) -> None:
    engine = kit_engine(tmp_path)
    slot, sampler = engine.slots["sampler"], engine.slots["sampler"].unit
    calls = []
    render = sampler.render

    def broken(out: np.ndarray) -> None:
        calls.append(1)
        render(out)
        out[0] = np.nan
    sampler.render = broken
    engine.handle({"op": "note_on", "note": 36, "velocity": 127})
    play(engine, 3)
    assert slot.bypassed and len(calls) == 1                      # faulted once, then not run while bypassed
    sampler.render = render
    resets = []
    reset = sampler.reset
    sampler.reset = lambda: (resets.append(1), reset())
    engine.handle({"op": "bypass", "slot": "sampler", "on": False})
    play(engine, 10)
    assert resets == [1] and not slot.bypassed

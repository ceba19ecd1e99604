"""Thirty-ninth stop's panel QA: pad moves made while the synth was bypassed were lost (queued for a render that a
bypassed synth never gets, then dropped by the reset that brings it back, which also put the pad at (0, 0)), and the
panel's cursor snapped back to where the engine said the pad was."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from device.audio.engine import Engine, EngineConfig
from device.audio.synth import SynthSource
from export.pack import read_pack

FACTORY = Path(__file__).resolve().parents[2] / "factory" / "synth-gm4.hatpack"
RATE, BLOCK = 48000, 128


def blocks(engine: Engine, n: int) -> None:
    for _ in range(n):
        engine.process(np.zeros(BLOCK, np.float32), np.zeros(BLOCK, np.float32))


def test_the_pad_set_while_the_synth_is_bypassed_is_kept_and_played_after() -> None:
    engine = Engine(EngineConfig(rate=RATE, block=BLOCK))
    synth = SynthSource(read_pack(FACTORY), RATE)
    engine.install("synth", synth, {"name": "gm4"})
    blocks(engine, 10)
    engine.handle({"op": "bypass", "slot": "synth", "on": True})
    blocks(engine, 20)
    engine.handle({"op": "corners", "names": ["violin", "flute", "trumpet", "clarinet"]})
    engine.handle({"op": "xy", "x": 0.7, "y": 0.2})
    blocks(engine, 5)
    assert synth.xy == (0.7, 0.2)                        # what the status shows the panel, bypassed
    engine.handle({"op": "bypass", "slot": "synth", "on": False})
    blocks(engine, 20)
    assert synth.xy == (0.7, 0.2) and synth.corners == ["violin", "flute", "trumpet", "clarinet"]
    fresh = SynthSource(read_pack(FACTORY), RATE)
    fresh.handle({"op": "corners", "names": ["violin", "flute", "trumpet", "clarinet"]})
    fresh.handle({"op": "xy", "x": 0.7, "y": 0.2})
    assert np.array_equal(synth.timbre(), fresh.timbre())  # the timbre it plays is the pad's

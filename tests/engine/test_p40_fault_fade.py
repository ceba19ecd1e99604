"""Fortieth stop (audio QA): an effect bypassed on a fault switched to the dry input at once: one that played the
input inverted and then blew up put a step of 0.83 on a 0.5 sine (29 times the sine's own largest step).  The dry
now goes on from the effect's last good sample over FAULT_FADE_S."""
from __future__ import annotations

import numpy as np
import pytest

from device.audio.engine import Engine, EngineConfig
from device.audio.slot import FAULT_FADE_S

RATE, BLOCK = 48000, 128


class InvertThenExplode:
    """-x for ``good`` samples, then -1e4 x (a runaway)."""

    faults = 0

    def __init__(self, good: int) -> None:
        self.good, self.pos = good, 0

    def process(self, x: np.ndarray) -> np.ndarray:
        gain = -1.0 if self.pos + x.shape[0] <= self.good else -1e4
        self.pos += x.shape[0]
        return (x * gain).astype(np.float32)

    def reset(self) -> None:
        self.pos = 0


@pytest.mark.parametrize("block", [32, BLOCK, 1024])
def test_an_effect_bypassed_on_a_fault_fades_to_the_dry_without_a_step(block: int) -> None:
    x = (0.5 * np.sin(2 * np.pi * 440.0 * np.arange(RATE) / RATE)).astype(np.float32)
    y, dry = np.zeros_like(x), np.zeros_like(x)
    engine, plain = (Engine(EngineConfig(rate=RATE, block=block, xfade_s=0.0)) for _ in range(2))
    engine.install("effect", InvertThenExplode(good=RATE // 2 // block * block), {"name": "Flip"})
    for s in range(0, x.shape[0], block):
        engine.process(x[s:s + block], y[s:s + block])
        plain.process(x[s:s + block], dry[s:s + block])               # no effect: the dry through the output stage
    assert [f["reason"] for f in engine.status()["faults"]] == ["runaway"]
    own = float(np.max(np.abs(np.diff(dry))))
    assert float(np.max(np.abs(np.diff(y)))) < 1.5 * own              # was 0.83 (29 times the sine's own)
    assert FAULT_FADE_S <= 0.01
    assert np.allclose(y[-RATE // 10:], dry[-RATE // 10:], atol=1e-3)  # then the dry, as before

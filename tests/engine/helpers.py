"""Shared helpers for the engine tests: run an engine over a signal block by block."""
from __future__ import annotations

import numpy as np

from device.audio.engine import Engine

RATE = 48000


def tone(seconds: float, freq: float = 220.0, amp: float = 0.3, rate: int = RATE) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (amp * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def run_blocks(engine: Engine, x: np.ndarray, block: int | None = None) -> np.ndarray:
    """Process ``x`` [N] through ``engine`` in blocks; returns the output [N]."""
    block = block or engine.cfg.block
    y = np.zeros_like(x)
    for s in range(0, x.shape[0], block):
        engine.process(x[s:s + block], y[s:s + block])
    return y


def max_step(y: np.ndarray) -> float:
    """Largest sample-to-sample jump |y[n] - y[n-1]|."""
    return float(np.max(np.abs(np.diff(y)))) if y.shape[0] > 1 else 0.0

"""A guitar-like test signal (numpy): decaying two-partial plucks over a faint noise floor.

Shared by the capture signal the box plays through the musician's gear (device/audio/capture_signal.py) and the
trainer's synthetic gear recordings (trainer/effect/synthdata.py re-exports it).  Audio is mono float32 [N].
"""
from __future__ import annotations

import numpy as np

RATE = 48_000


def plucks(seconds: float, seed: int = 0, rate: int = RATE) -> np.ndarray:
    """Decaying two-partial plucks (80-500 Hz) over a faint noise floor, peak 0.5 -> [N] float32
    (N = int(seconds * rate)); the same ``seed`` gives the same samples."""
    rng = np.random.default_rng(seed)
    n = int(seconds * rate)
    x = 0.002 * rng.standard_normal(n)
    start = 0
    while start < n:
        f, length = rng.uniform(80, 500), int(rate * rng.uniform(0.15, 0.5))
        t = np.arange(min(length, n - start)) / rate
        env = np.exp(-t * rng.uniform(4, 12))
        x[start:start + t.size] += rng.uniform(0.1, 0.4) * env * (np.sin(2 * np.pi * f * t)
                                                                   + 0.4 * np.sin(4 * np.pi * f * t))
        start += int(rate * rng.uniform(0.08, 0.3))
    return (0.5 * x / np.max(np.abs(x))).astype(np.float32)

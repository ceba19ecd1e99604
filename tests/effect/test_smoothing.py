"""The knob smoother is the one-pole recursion, per sample, whatever the block size."""
from __future__ import annotations

import numpy as np

from device.audio.smoothing import KnobSmoother, one_pole, pole


def _naive(targets: np.ndarray, y0: np.ndarray, r: float) -> np.ndarray:
    out, y = [], y0.astype(np.float64).copy()
    for t in targets:
        y = r * y + (1 - r) * t
        out.append(y.copy())
    return np.array(out)


def test_matches_the_recursion() -> None:
    rng = np.random.default_rng(0)
    targets = np.repeat(rng.uniform(0, 1, (7, 2)), 50, axis=0)   # steps
    targets[100:200, 0] = np.linspace(0, 1, 100)                  # a ramp
    r = pole(48000, 0.002)
    got = one_pole(targets, np.zeros(2), r)
    np.testing.assert_allclose(got, _naive(targets, np.zeros(2), r), atol=1e-9)


def test_time_constant() -> None:
    s = KnobSmoother(np.zeros(1), rate=48000, time_s=0.02)
    s.set_target(np.ones(1))
    y = s.run(960)
    assert abs(y[-1, 0] - (1 - np.exp(-1))) < 1e-3     # 63% after one time constant


def test_block_size_invariance() -> None:
    rng = np.random.default_rng(1)
    targets = np.repeat(rng.uniform(0, 1, (9, 3)), 111, axis=0)
    outs = []
    for block in (1, 7, 64, 1000):
        s = KnobSmoother(np.zeros(3), rate=48000)
        outs.append(np.concatenate([s.run(len(targets[a:a + block]), targets[a:a + block])
                                    for a in range(0, len(targets), block)]))
    for o in outs[1:]:
        np.testing.assert_allclose(o, outs[0], atol=1e-6)


def test_jump_and_zero_time() -> None:
    s = KnobSmoother(np.array([0.2]), rate=48000, time_s=0.0)
    s.set_target(np.array([0.9]))
    assert np.all(s.run(5) == np.float32(0.9))

"""The output stage's ceiling is a hard guarantee: no sample of any block sequence exceeds it."""
from __future__ import annotations

import numpy as np
import pytest

from device.audio.protect import OutputStage, ProtectConfig

from tests.engine.helpers import RATE


def _feed(stage: OutputStage, x: np.ndarray, sizes: list[int]) -> np.ndarray:
    """Run ``x`` [N] float32 through ``stage`` in blocks of ``sizes`` (cycled); returns the output [N]."""
    y = x.astype(np.float32).copy()
    start, i = 0, 0
    while start < y.shape[0]:
        size = sizes[i % len(sizes)]
        stage.process(y[start:start + size])
        start, i = start + size, i + 1
    return y


def test_dc_mean_peaking_inside_a_block_does_not_pass_the_ceiling() -> None:
    """Half a block at +0.89, half at -0.89: the DC tracker's mean peaks mid-block (~0.015) while
    it is ~0 at both ends; the old short path bounded the output by the ends and let 0.9046 out."""
    stage = OutputStage(RATE)
    x = np.concatenate([np.full(64, 0.89), np.full(64, -0.89)]).astype(np.float32)
    stage.process(x)
    assert float(np.max(np.abs(x))) <= stage.ceiling
    assert stage.peak <= stage.ceiling
    assert float(np.max(np.abs(x))) > 0.85                 # limited, not muted


def test_metered_peak_is_the_output_peak() -> None:
    stage = OutputStage(RATE)
    x = (0.5 * np.sin(np.arange(128) * 0.3)).astype(np.float32)
    stage.process(x)
    assert stage.peak == pytest.approx(float(np.max(np.abs(x))), abs=1e-7)


def _signal(rng: np.random.Generator, kind: int, n: int) -> np.ndarray:
    """One of four hard cases for the DC blocker + limiter, [n] float32 around full scale."""
    t = np.arange(n) / RATE
    if kind == 0:       # a square wave with a DC step a third of the way in
        sq = rng.uniform(0.3, 0.9) * np.sign(np.sin(2 * np.pi * rng.uniform(20, 400) * t))
        x = sq + np.where(np.arange(n) > n // 3, rng.uniform(-0.5, 0.5), 0.0)
    elif kind == 1:     # an asymmetric (driven) square: +hi / -lo at a random duty
        hi, lo = rng.uniform(0.5, 0.9), rng.uniform(0.0, 0.9)
        x = np.where(np.sin(2 * np.pi * rng.uniform(20, 300) * t) > rng.uniform(-0.8, 0.8), hi, -lo)
    elif kind == 2:     # sudden gain changes every 1000 samples, with an offset
        g = np.repeat(rng.uniform(0.0, 1.5, n // 1000 + 1), 1000)[:n]
        x = g * np.sign(np.sin(2 * np.pi * rng.uniform(30, 200) * t)) + rng.uniform(-0.3, 0.3)
    else:               # noise with a random offset switching on and off
        x = rng.uniform(-1.0, 1.0, n) * rng.uniform(0.2, 1.0) + rng.uniform(-0.6, 0.6) * (rng.random(n) < 0.5)
        x = np.clip(x, -0.9, 0.9)
    return x.astype(np.float32)


@pytest.mark.parametrize("seed", range(6))
def test_ceiling_holds_for_random_signals_and_block_sizes(seed: int) -> None:
    rng = np.random.default_rng(seed)
    for trial in range(8):
        stage = OutputStage(RATE)
        fixed = [int(rng.choice([1, 2, 7, 32, 64, 100, 128, 256, 300, 512]))]
        sizes = fixed if trial % 2 else [int(s) for s in rng.integers(1, 513, 16)]
        y = _feed(stage, _signal(rng, trial % 4, RATE // 4), sizes)
        assert np.all(np.isfinite(y))
        assert float(np.max(np.abs(y))) <= stage.ceiling, (seed, trial, sizes[:3])


@pytest.mark.parametrize("ceiling_db", [-1.0, -0.1, -3.0, -6.02])
def test_ceiling_holds_for_other_ceilings(ceiling_db: float) -> None:
    """The float32 clip level never rounds above the configured ceiling."""
    stage = OutputStage(RATE, ProtectConfig(ceiling_db=ceiling_db))
    x = np.sign(np.sin(np.arange(RATE // 8) * 0.01)).astype(np.float32) * 4.0
    y = _feed(stage, x, [128])
    assert float(np.max(np.abs(y))) <= stage.ceiling


def test_nonfinite_samples_late_in_a_long_block_become_silence() -> None:
    """NaN/inf past the first 256 samples (the low-pass's chunk) are still caught."""
    x = (0.3 * np.sin(np.arange(600) * 0.05)).astype(np.float32)
    x[400], x[450], x[451] = np.nan, np.inf, -np.inf
    stage = OutputStage(RATE)
    stage.process(x)
    assert np.all(np.isfinite(x)) and abs(x[400]) < 1e-2 and abs(x[451]) < 1e-2      # 0 minus the DC mean
    assert np.isfinite(stage.dc) and float(np.max(np.abs(x))) <= stage.ceiling

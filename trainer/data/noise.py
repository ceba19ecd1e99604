"""Recorded-style noise for denoiser data: hiss (pinkish) + mains hum with harmonics, and
noise-only passages (the clean take muted) so a noise floor can be measured."""
from __future__ import annotations

import numpy as np
from scipy import signal

RATE = 48_000


def hiss(frames: int, level_db: float, rng: np.random.Generator) -> np.ndarray:
    """Pinkish noise (white through a one-pole 1/f-ish tilt) at RMS ``level_db`` dBFS: float32 [N]."""
    white = rng.standard_normal(frames)
    tilted = signal.lfilter([1.0], [1.0, -0.9], white) + 0.3 * white
    return _at_level(tilted, level_db)


def hum(frames: int, level_db: float, mains_hz: float, rng: np.random.Generator) -> np.ndarray:
    """Mains hum: ``mains_hz`` plus 8 harmonics (odd ones stronger, slow amplitude drift): float32 [N]."""
    t = np.arange(frames) / RATE
    drift = 1.0 + 0.1 * np.sin(2 * np.pi * rng.uniform(0.05, 0.3) * t + rng.uniform(0, 2 * np.pi))
    tone = np.zeros(frames)
    for k in range(1, 10):
        weight = (1.0 if k % 2 else 0.4) / k
        tone += weight * np.sin(2 * np.pi * mains_hz * k * t + rng.uniform(0, 2 * np.pi))
    return _at_level(tone * drift, level_db)


def gate_passages(clean: np.ndarray, every_s: float, gap_s: float, fade_s: float = 0.01) -> np.ndarray:
    """``clean`` [N] muted for ``gap_s`` every ``every_s`` seconds (raised-cosine fades): float32 [N].

    Inside each gap (minus the fades) the result is exactly 0, which metrics.silent_mask finds.
    """
    gain = np.ones(clean.shape[0])
    period, gap = int(every_s * RATE), int(gap_s * RATE)
    for start in range(period, clean.shape[0], period):
        gain[start:start + gap] = 0.0
    window = np.hanning(max(int(fade_s * RATE), 3))
    smooth = np.convolve(gain, window / window.sum(), mode="same")
    smooth[gain == 0.0] = np.where(smooth[gain == 0.0] < 1e-9, 0.0, smooth[gain == 0.0])
    return (clean * smooth).astype(np.float32)


def _at_level(x: np.ndarray, level_db: float) -> np.ndarray:
    rms = float(np.sqrt(np.mean(x**2))) or 1.0
    return (x * (10 ** (level_db / 20) / rms)).astype(np.float32)

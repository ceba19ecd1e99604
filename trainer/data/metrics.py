"""Audio quality figures used by the effect benchmarks (numpy, 1-D float arrays)."""
from __future__ import annotations

import numpy as np

_EPS = 1e-12


def esr(pred: np.ndarray, target: np.ndarray) -> float:
    """Error-to-signal ratio sum((target-pred)^2) / sum(target^2); 0 is perfect, 1 is silence."""
    pred, target = _pair(pred, target)
    return float(np.sum((target - pred) ** 2) / max(np.sum(target**2), _EPS))


def si_sdr(pred: np.ndarray, reference: np.ndarray) -> float:
    """Scale-invariant signal-to-distortion ratio in dB (higher is better)."""
    pred, reference = _pair(pred, reference)
    scale = np.dot(pred, reference) / max(np.dot(reference, reference), _EPS)
    target = scale * reference
    noise = pred - target
    return float(10 * np.log10(max(np.sum(target**2), _EPS) / max(np.sum(noise**2), _EPS)))


def rms_db(x: np.ndarray) -> float:
    """RMS level in dBFS (a full-scale sine is -3 dBFS)."""
    x = np.asarray(x, dtype=np.float64)
    return float(10 * np.log10(max(np.mean(x**2), _EPS)))


def silent_mask(reference: np.ndarray, rate: int, min_seconds: float = 0.25) -> np.ndarray:
    """Boolean [N]: True inside runs where ``reference`` is exactly silent for >= min_seconds."""
    quiet = np.abs(np.asarray(reference)) < 1e-7
    mask = np.zeros_like(quiet)
    edges = np.flatnonzero(np.diff(np.r_[0, quiet.astype(np.int8), 0]))
    for start, stop in zip(edges[::2], edges[1::2]):
        if stop - start >= min_seconds * rate:
            mask[start:stop] = True
    return mask


def _pair(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    a = np.asarray(a, dtype=np.float64).reshape(-1)
    b = np.asarray(b, dtype=np.float64).reshape(-1)
    if a.shape != b.shape:
        raise ValueError(f"length mismatch: {a.shape[0]} vs {b.shape[0]} samples")
    return a, b

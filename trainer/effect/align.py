"""Latency alignment of (input, output) recordings by whitened cross-correlation.

The gear's output is a delayed, processed copy of its input.  We estimate the linear part of
the input->output impulse response by regularised deconvolution (cross-spectrum divided by
the input's power spectrum, i.e. whitened cross-correlation), take its strongest tap, and
walk back to the first tap above ``ONSET`` of the peak.  Shifting by that *onset* (rather
than the peak) never asks a causal model to look ahead; any remaining delay is learnable.
"""
from __future__ import annotations

import numpy as np

from hatbox.errors import DataError

ONSET = 0.3          # fraction of the peak magnitude that marks the response's onset
MAX_ANALYSIS = 1 << 20   # samples of each file used for the estimate


def impulse_response(x: np.ndarray, y: np.ndarray, max_lag: int) -> np.ndarray:
    """Regularised x->y impulse response at lags -max_lag..max_lag -> [2*max_lag + 1]."""
    n = min(x.shape[0], y.shape[0], MAX_ANALYSIS)
    size = 1 << int(np.ceil(np.log2(n + max_lag + 1)))
    fx = np.fft.rfft(x[:n].astype(np.float64), size)
    fy = np.fft.rfft(y[:n].astype(np.float64), size)
    power = np.abs(fx) ** 2
    h = np.fft.irfft(fy * np.conj(fx) / (power + 1e-3 * power.mean() + 1e-20), size)
    return np.concatenate([h[size - max_lag:], h[:max_lag + 1]])


def find_latency(x: np.ndarray, y: np.ndarray, rate: int, max_ms: float = 100.0) -> int:
    """Latency in samples of ``y`` [N] behind ``x`` [N] (>= 0).

    Raises :class:`DataError` when the output leads the input (files swapped or cut).
    """
    max_lag = max(1, int(rate * max_ms / 1000))
    h = np.abs(impulse_response(x, y, max_lag))
    peak = int(np.argmax(h))
    onset = peak
    while onset > 0 and h[onset - 1] >= ONSET * h[peak]:
        onset -= 1
    lag = onset - max_lag
    if lag < -2:
        raise DataError(f"the output leads the input by {-lag} samples",
                        hint="check that the input and output files are not swapped or trimmed")
    return max(0, lag)


def shift(x: np.ndarray, y: np.ndarray, latency: int) -> tuple[np.ndarray, np.ndarray]:
    """Drop ``latency`` samples so that y[n] lines up with x[n]; both come back equal length."""
    n = min(x.shape[0], y.shape[0] - latency)
    return x[:n], y[latency:latency + n]

"""Latency alignment of (input, output) recordings by whitened cross-correlation.

The gear's output is a delayed, processed copy of its input.  We estimate the linear part of
the input->output impulse response by regularised deconvolution (cross-spectrum divided by
the input's power spectrum, i.e. whitened cross-correlation); its strongest tap is the
latency.  Alignment then shifts by ``MARGIN`` sample(s) less than that: a minimum-phase
filter's peak sits a sample or so after its onset, and a causal model can learn a one-sample
delay but never a one-sample lookahead.
"""
from __future__ import annotations

import numpy as np

from hatbox.errors import DataError

MARGIN = 1           # samples of the latency left in place when aligning
LEAD_LIMIT_S = 0.001 # an output leading its input by more than this is an error
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
    lag = int(np.argmax(h)) - max_lag
    if lag < -max(8, LEAD_LIMIT_S * rate):
        raise DataError(f"the output leads the input by {-lag} samples",
                        hint="check that the input and output files are not swapped or trimmed")
    return max(0, lag)


def shift(x: np.ndarray, y: np.ndarray, latency: int) -> tuple[np.ndarray, np.ndarray]:
    """Drop ``latency - MARGIN`` leading samples of ``y``; both come back equal length."""
    d = max(0, latency - MARGIN)
    n = min(x.shape[0], y.shape[0] - d)
    return x[:n], y[d:d + n]

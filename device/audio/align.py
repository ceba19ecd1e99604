"""Latency of a recording of gear against what was played into it (numpy; one implementation, used by the trainer's
alignment, trainer/effect/align.py, and by the box's capture, device/audio/capture_result.py).

The gear's output is a delayed, processed copy of its input.  We estimate the linear part of the input->output
impulse response by regularised deconvolution (cross-spectrum divided by the input's power spectrum, i.e. whitened
cross-correlation).  The latency is its **onset**: the earliest causal tap (at a lag of no less than minus
:data:`LEAD_LIMIT_S`) that stands clearly out (at least :data:`ONSET_SHARE` of the strongest tap, and
:data:`PEAK_RATIO` times the median tap), taken at the top of its own peak.  For most gear that is the strongest tap;
for a delay whose first echo is louder than the direct sound it is the direct sound (the strongest tap is the echo,
``time`` later), and for a reverb the direct sound before its tail.  A strongest tap further ahead than the lead
limit is an output that leads its input (an error).  Taps at negative lags are left out of the onset: heavy
distortion of a signal that repeats itself at several levels (the capture signal's three sweeps) gives spurious taps
up to half the strongest, one repeat either side.
Alignment (:func:`shift`, the one way of lining a recording up: the trainer's, and the box's capture with a 1 ms
margin) then shifts by :data:`MARGIN` sample(s) less than that: a minimum-phase filter's peak sits a sample or so
after its onset, and a causal model can learn a one-sample delay but never a one-sample lookahead.
"""
from __future__ import annotations

import numpy as np

from hatbox.errors import DataError

MARGIN = 1           # samples of the latency left in place when aligning
LEAD_LIMIT_S = 0.001 # an output leading its input by more than this is an error
MAX_ANALYSIS = 1 << 20   # samples of each file used for the estimate
MAX_DELAY_MS = 1000.0    # delays searched: up to this much either way (at most half the recording)
# The strongest tap must stand this many times above the median tap.  Unrelated or out-of-range audio gives
# 5-8 (the largest of ~10^5 noise taps); real gear measured 11-1200 (pedalboard drive/LPF on 0.3-3 s of plucks).
PEAK_RATIO = 9.0
ONSET_SHARE = 0.35       # an earlier tap this share of the strongest (and PEAK_RATIO x the median) is the onset
EDGE_SAMPLES = 8         # a peak this close to the end of the searched range may lie beyond it


class OutputLeads(DataError):
    """:func:`find_delay`'s refusal of an output that leads its input; ``lead``: by how many samples."""

    def __init__(self, message: str, lead: int, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.lead = lead


def impulse_response(x: np.ndarray, y: np.ndarray, max_lag: int) -> np.ndarray:
    """Regularised x->y impulse response at lags -max_lag..max_lag -> [2*max_lag + 1]."""
    n = min(x.shape[0], y.shape[0], MAX_ANALYSIS)
    size = 1 << int(np.ceil(np.log2(n + max_lag + 1)))
    fx = np.fft.rfft(x[:n].astype(np.float64), size)
    fy = np.fft.rfft(y[:n].astype(np.float64), size)
    power = np.abs(fx) ** 2
    h = np.fft.irfft(fy * np.conj(fx) / (power + 1e-3 * power.mean() + 1e-20), size)
    return np.concatenate([h[size - max_lag:], h[:max_lag + 1]])


def onset(h: np.ndarray, first: int = 0) -> tuple[int, int]:
    """(index of the onset tap of ``|h|`` [L], index of its strongest tap): the earliest tap from index ``first`` up to
    the strongest that stands clearly out (:data:`ONSET_SHARE` of the strongest, :data:`PEAK_RATIO` times the median
    tap), at the top of its own peak; the strongest itself when it lies before ``first``."""
    peak = int(np.argmax(h))
    if peak < first:
        return peak, peak
    floor = max(ONSET_SHARE * float(h[peak]), PEAK_RATIO * float(np.median(h)))
    over = np.flatnonzero(h[first:peak + 1] >= floor)
    at = first + int(over[0]) if over.size else peak       # (none: a weak peak, refused by its strength)
    while at < peak and h[at + 1] > h[at]:               # the top of the onset's own peak
        at += 1
    return at, peak


def find_latency(x: np.ndarray, y: np.ndarray, rate: int, max_ms: float = MAX_DELAY_MS, where: str = "") -> int:
    """Latency in samples of ``y`` [N] behind ``x`` [N] (>= 0): :func:`find_delay`'s, without the polarity."""
    return find_delay(x, y, rate, max_ms, where)[0]


def polarity(h: np.ndarray) -> float:
    """The sign of an impulse response ``h`` [L]: (P - M) / (P + M), P its largest tap, M its most negative
    one's size; +1 a plain copy, -1 one in reverse polarity, near 0 no clear sign (both as strong)."""
    pos, neg = max(float(h.max()), 0.0), max(-float(h.min()), 0.0)
    return (pos - neg) / max(pos + neg, 1e-30)


def find_delay(x: np.ndarray, y: np.ndarray, rate: int, max_ms: float = MAX_DELAY_MS, where: str = ""
               ) -> tuple[int, float]:
    """(latency in samples of ``y`` [N] behind ``x`` [N] (>= 0), :func:`polarity` of the impulse response),
    the latency searched up to ``max_ms`` either way (and at most half the shorter recording).

    Raises :class:`DataError` (prefixed with ``where``, e.g. the row and files) when no clear delay is
    found in that range (the strongest tap is weak, or at the edge of the range: the output is not a
    recording of this input, or is delayed further), or when the output leads the input (files swapped
    or cut): :class:`OutputLeads`.
    """
    prefix = f"{where}: " if where else ""
    n = min(x.shape[0], y.shape[0], MAX_ANALYSIS)
    max_lag = max(1, min(int(rate * max_ms / 1000), n // 2))
    signed = impulse_response(x, y, max_lag)
    h = np.abs(signed)
    lead = int(max(8, LEAD_LIMIT_S * rate))
    at, peak = onset(h, max(0, max_lag - lead))      # only a causal tap (or a near one) can be the direct sound
    lag, strength = at - max_lag, float(h[peak]) / max(float(np.median(h)), 1e-30)
    searched = f"+-{1000 * max_lag / rate:.0f} ms"
    hint = (f"check that the output is a recording of this input (same take), delayed by less than {searched[2:]}; "
            "trim leading silence from the output file if the delay is longer")
    if abs(lag) > max_lag - EDGE_SAMPLES:
        raise DataError(f"{prefix}no delay between input and output found within {searched} (the best match is "
                        f"at the edge of the searched range, {lag} samples)", hint=hint)
    if not np.isfinite(strength) or strength < PEAK_RATIO:
        raise DataError(f"{prefix}no clear delay between input and output found within {searched} (the best "
                        f"match, at {lag} samples, stands only {strength:.1f}x above the rest; "
                        f"{PEAK_RATIO:g}x needed)", hint=hint)
    if lag < -lead:
        raise OutputLeads(f"{prefix}the output leads the input by {-lag} samples ({1000 * -lag / rate:.1f} ms)",
                          -lag, hint="check that the input and output files are not swapped or trimmed")
    return max(0, lag), polarity(signed)


def moved_by(latency: int, margin: int = MARGIN) -> int:
    """How many leading samples of a recording ``latency`` samples late are dropped to line it up with what was
    played: ``latency - margin``, never fewer than none (a recording is left ``margin`` samples late, never early)."""
    return max(0, int(latency) - int(margin))


def shift(x: np.ndarray, y: np.ndarray, latency: int, margin: int = MARGIN) -> tuple[np.ndarray, np.ndarray]:
    """``x`` [N] and ``y`` [M], ``y`` a recording ``latency`` samples behind ``x``, lined up: ``y`` less its
    :func:`moved_by` leading samples (``margin`` samples of the latency left in place: the trainer's :data:`MARGIN`,
    the box's capture 1 ms), both cut to the same length (none when ``y`` is no longer than the cut)."""
    d = moved_by(latency, margin)
    n = max(0, min(x.shape[0], y.shape[0] - d))
    return x[:n], y[d:d + n]

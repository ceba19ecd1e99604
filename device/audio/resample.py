"""Sample-rate conversion: a rational polyphase windowed-sinc resampler in numpy (no scipy on the box).

``resample(x, src, dst)`` converts ``[..., N]`` float audio from ``src`` Hz to ``dst`` Hz
(``ceil(N * dst / src)`` samples out), zero phase, with an anti-aliasing low-pass at 0.9x the
lower Nyquist frequency (Kaiser window, beta 8.6: about -80 dB stop band).
"""
from __future__ import annotations

from functools import lru_cache
from math import gcd

import numpy as np

ZERO_CROSSINGS = 16      # half-width of the sinc, in periods of the lower rate
KAISER_BETA = 8.6
ROLLOFF = 0.9


def ratio(src: int, dst: int) -> tuple[int, int]:
    """(up L, down M) in lowest terms."""
    g = gcd(int(src), int(dst))
    return int(dst) // g, int(src) // g


@lru_cache(maxsize=16)
def polyphase_bank(up: int, down: int) -> np.ndarray:
    """Filter bank [up, K] float32: row p holds taps h[p + k*up] of the prototype low-pass."""
    fc = ROLLOFF / max(up, down)                       # cutoff as a fraction of the upsampled Nyquist
    half = ZERO_CROSSINGS * max(up, down)
    n = np.arange(-half, half + 1, dtype=np.float64)
    h = up * fc * np.sinc(fc * n) * np.kaiser(n.size, KAISER_BETA)
    k = -(-h.size // up)
    padded = np.zeros(k * up)
    padded[:h.size] = h
    return padded.reshape(k, up).T.astype(np.float32).copy()


def _resample_1d(x: np.ndarray, up: int, down: int) -> np.ndarray:
    """Outputs m = r, r + up, r + 2*up ... share one filter phase and step ``down`` input samples,
    so each residue r is one strided window view of the input times one reversed filter row."""
    bank = polyphase_bank(up, down)
    k = bank.shape[1]
    delay = ZERO_CROSSINGS * max(up, down)            # centre of the prototype, upsampled samples
    n_out = -(-x.shape[0] * up // down)
    xp = np.concatenate([np.zeros(k, np.float32), x.astype(np.float32), np.zeros(k, np.float32)])
    windows = np.lib.stride_tricks.sliding_window_view(xp, k)     # windows[t] = xp[t : t + k]
    out = np.empty(n_out, np.float32)
    for r in range(min(up, n_out)):
        j = r * down + delay
        count = -(-(n_out - r) // up)
        start = j // up + 1                           # window holding x[base - k + 1 .. base]
        out[r::up] = windows[start:start + count * down:down] @ bank[j % up, ::-1]
    return out


def resample(x: np.ndarray, src: int, dst: int) -> np.ndarray:
    """[..., N] at ``src`` Hz -> [..., ceil(N*dst/src)] float32 at ``dst`` Hz."""
    x = np.asarray(x, np.float32)
    if int(src) == int(dst):
        return x
    up, down = ratio(src, dst)
    flat = x.reshape(-1, x.shape[-1])
    out = np.stack([_resample_1d(row, up, down) for row in flat])
    return out.reshape(*x.shape[:-1], out.shape[-1])


def resample_cycle(x: np.ndarray, src: int, dst: int, longest: int) -> np.ndarray:
    """One cycle of a loop: ``x`` [N] at ``src`` Hz, which wraps from its end to its start -> [M] float32 at ``dst``
    Hz, resampled around the wrap (the loop's own start and end are each other's neighbours: :func:`resample`
    pads a file's edges with silence, which clicks at every wrap of a loop).  A cycle's length at ``dst`` is
    ``N * dst / src`` samples, rarely whole: ``x`` is repeated the fewest times ``k`` that make it whole, so the
    loop keeps its pitch exactly (a 1000-sample cycle at 44.1 kHz: 147 repeats, 160,000 samples at 48 kHz), unless
    ``k * N`` would pass ``longest`` samples; then M is rounded (a long loop: a fraction of a sample per cycle)."""
    x = np.asarray(x, np.float32)
    if int(src) == int(dst) or not x.size:
        return x
    up, down = ratio(src, dst)
    repeats = down // gcd(x.shape[0], down)
    cycle = np.tile(x, repeats) if repeats * x.shape[0] <= longest else x
    reach = -(-ZERO_CROSSINGS * max(up, down) // up) + 1           # the filter's half width, input samples
    pad = -(-reach // down) * down                                   # a whole number of output samples
    around = cycle[np.arange(-pad, cycle.shape[0] + pad) % cycle.shape[0]]
    out = _resample_1d(around, up, down)
    start = pad * up // down
    return out[start:start + int(round(cycle.shape[0] * up / down))].copy()

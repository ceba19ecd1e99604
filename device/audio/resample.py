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
CHUNK = 8192             # output samples per vectorised step (bounds memory on long files)


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
    bank = polyphase_bank(up, down)
    k = bank.shape[1]
    delay = ZERO_CROSSINGS * max(up, down)            # centre of the prototype, upsampled samples
    n_out = -(-x.shape[0] * up // down)
    xp = np.concatenate([np.zeros(k, np.float32), x.astype(np.float32), np.zeros(k, np.float32)])
    out = np.empty(n_out, np.float32)
    taps = np.arange(k)
    for s in range(0, n_out, CHUNK):
        j = np.arange(s, min(n_out, s + CHUNK), dtype=np.int64) * down + delay
        base, phase = j // up, j % up
        idx = base[:, None] - taps[None, :] + k
        out[s:s + j.size] = np.einsum("nk,nk->n", bank[phase], xp[idx])
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

"""The peak limiter: the one implementation every bus uses (pure numpy, allocation-free per block).

Users: the output stage (device/audio/protect.py ``OutputStage``: -1 dBFS, 80 ms release) and the sources'
own buses (:class:`SourceLimiter`: +6 dBFS, 200 ms release; the sampler's and the synth's), which level loud
polyphony before the engine's slot guard (+12 dBFS) would take it for a runaway model.

Instant attack, exponential release: the envelope env[n] = max(|x[n]|, env[n-1] * r) with
r = exp(-1 / (release_s * rate)), and the gain min(1, ceiling / env[n]), which keeps every sample at
or under the ceiling (up to float32 rounding: a caller that needs a hard bound clips after it) and is
continuous wherever the signal is, so it adds no click of its own.  The envelope is computed in
closed form per chunk, env[n] = r^n * max(env[-1] * r, max_{k<=n} |x[k]| r^-k) (float64), the
chunks short enough that r^-k stays under e^30.

Units: levels are linear full-scale amplitudes; times in seconds; rates in Hz.
"""
from __future__ import annotations

import math

import numpy as np

MAX_BLOCK = 8192             # samples a limiter works on at once (longer blocks are taken in pieces)
SOURCE_CEILING = 2.0         # a source's bus peak (+6 dBFS, linear; 6 dB under the slot guard's +12 dBFS)
SOURCE_RELEASE_S = 0.2       # its release time constant, s (longer than a 25 Hz period: no ripple)
_SPAN = 30.0                 # a chunk's r^-k stays under e^_SPAN


def chunk_length(rel: float, most: int) -> int:
    """Samples of one closed-form chunk for release pole ``rel`` (0 < rel < 1): at most ``most``."""
    return max(1, int(min(most, _SPAN / max(-math.log(rel), 1e-9))))


def _envelope_into(e: np.ndarray, start: float, rel: float, up: np.ndarray, down: np.ndarray) -> float:
    """The peak envelope in place: ``e`` [n] float64 holds |x| and then env, from env[-1] = ``start``;
    ``up``/``down`` [>= n]: rel^k and rel^-k.  Returns env[n - 1]."""
    n = e.shape[0]
    e *= down[:n]
    np.maximum.accumulate(e, out=e)
    np.maximum(e, start * rel, out=e)
    e *= up[:n]
    return float(e[n - 1])


def envelope(mag: np.ndarray, start: float, rel: float) -> np.ndarray:
    """Peak envelope env[n] = max(mag[n], env[n-1] * rel), env[-1] = ``start``; ``mag`` [N] -> [N]
    float64 (a new array: for offline use and tests; :class:`PeakLimiter` works in place)."""
    out = np.array(mag, np.float64).reshape(-1)
    c = chunk_length(rel, max(1, out.shape[0]))
    k = np.arange(c, dtype=np.float64)
    up, down = rel ** k, rel ** -k
    for s in range(0, out.shape[0], c):
        start = _envelope_into(out[s:s + c], start, rel, up, down)
    return out


class PeakLimiter:
    """Peak limiter on a mono float32 bus at ``rate`` Hz: |out| <= ``ceiling`` (linear, > 0), instant
    attack, exponential release over ``release_s`` seconds.  ``process`` limits a block in place
    without allocating (its buffers hold ``max_block`` samples; longer blocks go in pieces).

    ``env``: the envelope at the end of the last block (only a level above the ceiling matters);
    ``gain_min``: the lowest gain applied since :meth:`reset` (the caller may reset it)."""

    def __init__(self, rate: int, ceiling: float, release_s: float, max_block: int = MAX_BLOCK) -> None:
        self.rate, self.ceiling = int(rate), float(ceiling)
        self.rel = math.exp(-1.0 / (max(float(release_s), 1e-4) * self.rate))
        self.chunk = chunk_length(self.rel, max(1, int(max_block)))
        k = np.arange(self.chunk, dtype=np.float64)
        self._up = self.rel ** k                    # r^k
        self._down = self.rel ** -k                 # r^-k (at most e^30)
        self._env = np.zeros(self.chunk, np.float64)
        self._gain = np.zeros(self.chunk, np.float32)
        self.reset()

    def reset(self) -> None:
        self.env, self.gain_min = 0.0, 1.0

    def process(self, x: np.ndarray, peak: float | None = None) -> bool:
        """Limit ``x`` [N] float32 in place; ``peak``: max |x| when the caller knows it.  Returns whether
        a gain was applied (False: the block passed untouched, all of it under the ceiling)."""
        n = x.shape[0]
        if n == 0:
            return False
        if peak is None:
            peak = max(float(x.max()), -float(x.min()))
        if not self.will_limit(peak):
            self.env *= self.rel ** n               # (only a level above the ceiling ever matters)
            return False
        if n <= self.chunk:
            self._limit(x)
        else:
            for s in range(0, n, self.chunk):
                self._limit(x[s:s + self.chunk])
        return True

    def will_limit(self, peak: float) -> bool:
        """Whether :meth:`process` applies a gain to a block whose max |x| is ``peak`` (linear): the block or the
        envelope it carries is above the ceiling (the one rule; device/audio/protect.py asks it before the block)."""
        return peak > self.ceiling or self.env > self.ceiling

    def _limit(self, x: np.ndarray) -> None:
        """Limit ``x`` [n <= chunk] float32 in place (every buffer preallocated, no mixed-type ufunc)."""
        n = x.shape[0]
        e, g = self._env[:n], self._gain[:n]
        np.copyto(e, x)
        np.abs(e, out=e)
        self.env = _envelope_into(e, self.env, self.rel, self._up, self._down)
        np.maximum(e, self.ceiling, out=e)
        np.divide(self.ceiling, e, out=e)           # the gain, <= 1
        self.gain_min = min(self.gain_min, float(e.min()))
        np.copyto(g, e, casting="same_kind")
        x *= g


class SourceLimiter(PeakLimiter):
    """A sound source's bus limiter (the sampler's, the synth's): :class:`PeakLimiter` at :data:`SOURCE_CEILING`
    with a :data:`SOURCE_RELEASE_S` release.  A chord of sixteen full-velocity voices, or five kicks at once, is
    levelled here instead of tripping the engine's slot guard (device/audio/protect.py: +12 dBFS), which would
    silence the source as a runaway model.  :meth:`level` leaves a block holding NaN/inf untouched, for the
    slot guard to see (and keeps the envelope finite)."""

    def __init__(self, rate: int, ceiling: float = SOURCE_CEILING, release_s: float = SOURCE_RELEASE_S,
                 max_block: int = MAX_BLOCK) -> None:
        super().__init__(rate, ceiling, release_s, max_block=max_block)

    def level(self, x: np.ndarray) -> None:
        """Limit ``x`` [N] float32 in place, unless it holds NaN/inf (then it passes as it is)."""
        if x.shape[0] == 0:
            return
        peak = max(float(x.max()), -float(x.min()))     # NaN and inf propagate into the peak
        if math.isfinite(peak):
            self.process(x, peak)

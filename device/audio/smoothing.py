"""Knob smoothing: a per-sample one-pole low-pass on normalised knob values (numpy only).

The device processor runs every knob through this before it reaches the model, so a knob
turned on the box glides over ~20 ms instead of stepping (no zipper noise), and the result
depends only on the per-sample knob *targets*, never on how the audio is cut into blocks.

Recursion (per knob, per sample ``n``; ``r = exp(-1 / (time_s * rate))``)::

    y[n] = r * y[n-1] + (1 - r) * target[n]

Computed in float64, in short chunks with a closed form (no Python loop per sample).
"""
from __future__ import annotations

import math

import numpy as np

DEFAULT_TIME_S = 0.02
_CHUNK = 64          # closed-form chunk length: r**-CHUNK stays far from overflow
_MIN_POLE = 1e-3     # below this the smoother is effectively off
SNAP = 1e-7          # a glide this close to its target has arrived (normalised knob units)


def pole(rate: int, time_s: float) -> float:
    """One-pole coefficient ``r`` for time constant ``time_s`` seconds at ``rate`` Hz (0 = off)."""
    if time_s <= 0.0:
        return 0.0
    r = math.exp(-1.0 / (time_s * rate))
    return r if r >= _MIN_POLE else 0.0


def one_pole(targets: np.ndarray, state: np.ndarray, r: float) -> np.ndarray:
    """Smooth ``targets`` [N, K] starting from ``state`` [K]; returns y [N, K] float64.

    ``state`` (float64) is updated in place to the last output sample.
    """
    t = np.asarray(targets, dtype=np.float64)
    out = np.empty_like(t)
    if r == 0.0:
        out[:] = t
    else:
        for start in range(0, t.shape[0], _CHUNK):
            seg = t[start:start + _CHUNK]
            out[start:start + len(seg)] = _chunk(seg, state, r)
            state[:] = out[start + len(seg) - 1]
    if t.shape[0] and r == 0.0:
        state[:] = out[-1]
    return out


def _chunk(seg: np.ndarray, state: np.ndarray, r: float) -> np.ndarray:
    """Closed form over one chunk: y[n] = r^(n+1) (s + (1-r) sum_k t[k] r^-(k+1))."""
    p = r ** np.arange(1, seg.shape[0] + 1, dtype=np.float64)[:, None]
    if np.all(seg == seg[0]):
        return seg[0] + (state - seg[0]) * p
    return p * (state + (1.0 - r) * np.cumsum(seg / p, axis=0))


class KnobSmoother:
    """Holds the current knob targets [K] and the smoother's state; emits per-sample values."""

    def __init__(self, initial: np.ndarray, rate: int, time_s: float = DEFAULT_TIME_S) -> None:
        self.r = pole(rate, time_s)
        self.target = np.array(initial, dtype=np.float64).reshape(-1)
        self.state = self.target.copy()
        self._held = np.zeros((0, self.size), np.float32)

    def _settled(self, n: int, target: np.ndarray) -> np.ndarray:
        """The held ``target`` [K] as [n, K] float32, reused between calls (no work once settled)."""
        held = target.astype(np.float32)
        if self._held.shape[0] != n or not np.array_equal(self._held[0], held):
            self._held = np.tile(held, (n, 1))
        return self._held

    @property
    def size(self) -> int:
        return int(self.target.shape[0])

    def set_target(self, values: np.ndarray) -> None:
        """New targets [K] (normalised); the output glides towards them from the next sample.  A new array is
        put in place in one step (never written into the one :meth:`run` may be reading on the audio thread)."""
        values = np.asarray(values, dtype=np.float64).reshape(-1)
        self.target = np.broadcast_to(values, self.target.shape).copy()

    def jump(self, values: np.ndarray | None = None) -> None:
        """Set targets and output at once (no glide): used at reset and before a render."""
        if values is not None:
            self.set_target(values)
        self.state[:] = self.target

    def run(self, n: int, targets: np.ndarray | None = None) -> np.ndarray:
        """Smoothed knobs for the next ``n`` samples -> [n, K] float32.

        ``targets`` [n, K] gives a per-sample target (automation); None holds the current
        target (read once: a knob turned from another thread meanwhile counts from the next block).
        After the call the current target is the last one given.
        """
        target = self.target
        if targets is None:
            if np.array_equal(self.state, target):
                return self._settled(n, target)
            targets = np.broadcast_to(target, (n, self.size))
        elif targets.shape != (n, self.size):
            raise ValueError(f"knob targets must be [{n}, {self.size}], got {list(targets.shape)}")
        elif n:
            target = np.array(targets[-1], dtype=np.float64)
            self.target = target
        out = one_pole(targets, self.state, self.r).astype(np.float32)
        if np.max(np.abs(self.state - target), initial=0.0) < SNAP:
            self.state[:] = target           # arrived: later blocks take the settled fast path
        return out


class GainGlide:
    """A gain [linear] that moves to a new value in a straight line over ``time_s`` per change, carried across blocks,
    with no allocation on the audio thread.  :attr:`target` may be set from any thread (one float assignment); each
    block reads it once."""

    def __init__(self, rate: int, time_s: float, initial: float = 1.0, max_block: int = 8192) -> None:
        self.samples = max(1, int(round(rate * time_s)))
        self.target = float(initial)
        self.now = float(initial)
        self._goal = float(initial)
        self._step = 0.0
        self._steps = np.arange(1, max_block + 1, dtype=np.float32)
        self._gain = np.zeros(max_block, np.float32)

    def start_from(self, value: float) -> None:
        """Jump to ``value`` now (e.g. 0 before the first block) and glide from there to :attr:`target`."""
        self.now, self._goal = float(value), float("nan")        # nan: the next block starts a glide

    def apply(self, bus: np.ndarray) -> None:
        """Multiply ``bus`` [N] float32 in place by the gain, gliding where a change is under way."""
        goal = self.target                            # one read: a control thread may set it meanwhile
        if goal != self._goal:                        # a new value: the whole glide from where the gain is now
            self._goal, self._step = goal, (goal - self.now) / self.samples
        if self.now == goal:
            if goal != 1.0:
                bus *= np.float32(goal)
            return
        n = bus.shape[0]
        left = int(np.ceil(abs(goal - self.now) / abs(self._step) - 1e-9))
        k = min(n, max(1, left))
        g = self._gain[:n]
        np.multiply(self._steps[:k], np.float32(self._step), out=g[:k])
        g[:k] += np.float32(self.now)
        g[k:] = np.float32(goal)
        self.now = goal if k >= left else self.now + k * self._step
        if k >= left:
            g[k - 1] = np.float32(goal)
        bus *= g


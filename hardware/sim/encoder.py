"""Edges of a simulated detented encoder: quadrature timing of a hand's turn, with contact bounce.

Electrical model (EC11-style, contacts to ground, pulled up, rest at A=B=1):

* one detent = one full quadrature cycle of 4 transitions (A, B, A, B for clockwise; B, A, B, A
  for counter-clockwise).  The cycle happens in the middle of the travel between two detent
  positions: transitions at fractions ``phases`` of the detent period, each jittered by
  ``phase_jitter`` (contact placement and hand unevenness);
* each transition bounces: ``0..max_bounces`` extra pairs of toggles at uniform random times
  within the chatter window after the first contact, always ending on the new level.  The
  window is ``min(bounce_s, bounce_frac * period)``: chatter lasts while the wiper crosses the
  edge of a contact pad, so it shortens as the turn gets faster.  With ``bounce_frac`` below
  the smallest A-to-B spacing, the two contacts never chatter at the same time (when they do,
  the signal itself is ambiguous; bench/ui_encoder.py sweeps a fixed window to show that).

Times in seconds; edges are ``(t, channel, level)`` tuples, sorted by time.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

Edge = tuple[float, int, int]


@dataclass(frozen=True)
class BounceModel:
    max_bounces: int = 4            # extra toggle pairs per transition (uniform 0..max)
    bounce_s: float = 0.0015        # chatter lasts at most this long after the first touch
    bounce_frac: float | None = 0.06  # ...and at most this fraction of the detent period (None: no cap)
    phases: tuple[float, float, float, float] = (0.2, 0.4, 0.6, 0.8)
    phase_jitter: float = 0.06      # +/- fraction of the detent period


def chatter_window(model: BounceModel, period: float) -> float:
    """Seconds a transition chatters at this detent period."""
    return model.bounce_s if model.bounce_frac is None else min(model.bounce_s, model.bounce_frac * period)


def _transition(t: float, channel: int, level: int, window: float, rng: np.random.Generator,
                m: BounceModel) -> list[Edge]:
    k = int(rng.integers(0, m.max_bounces + 1))
    toggles = np.sort(t + rng.uniform(0.0, window, size=2 * k))
    edges = [(t, channel, level)]
    for i, tt in enumerate(toggles):
        edges.append((float(tt), channel, level if i % 2 else 1 - level))
    return edges


def detent_edges(t0: float, period: float, direction: int, a: int, b: int,
                 rng: np.random.Generator, model: BounceModel = BounceModel()) -> list[Edge]:
    """The edges of one detent starting at ``t0`` lasting ``period`` s; ``direction`` +1 cw / -1 ccw."""
    first, second = (a, b) if direction > 0 else (b, a)
    order = [(first, 0), (second, 0), (first, 1), (second, 1)]
    jitter = rng.uniform(-model.phase_jitter, model.phase_jitter, size=4)
    fracs = np.clip(np.sort(np.asarray(model.phases) + jitter), 0.02, 0.98)
    edges: list[Edge] = []
    for (channel, level), frac in zip(order, fracs):
        edges += _transition(t0 + float(frac) * period, channel, level, chatter_window(model, period), rng, model)
    return edges


def turn_edges(periods: np.ndarray, directions: np.ndarray, a: int, b: int, rng: np.random.Generator,
               model: BounceModel = BounceModel(), t0: float = 0.0) -> tuple[list[Edge], float]:
    """Edges of successive detents (``periods`` [N] s, ``directions`` [N] +/-1); returns (edges, end time)."""
    edges: list[Edge] = []
    t = t0
    for period, direction in zip(periods, directions):
        edges += detent_edges(t, float(period), int(direction), a, b, rng, model)
        t += float(period)
    edges.sort(key=lambda e: e[0])
    return edges, t


def hand_turns(n: int, rate_range: tuple[float, float], rng: np.random.Generator,
               mean_run: float = 6.0) -> tuple[np.ndarray, np.ndarray]:
    """A recorded-style gesture of ``n`` detents: runs in one direction (geometric lengths,
    mean ``mean_run``), each run at its own rate drawn log-uniformly in ``rate_range``
    detents/s with +/-15 % per-detent unevenness, and a pause (0.05-0.4 s) between runs.
    Returns (periods [n] s, directions [n])."""
    periods, directions = [], []
    direction = 1
    while len(periods) < n:
        run = min(n - len(periods), int(rng.geometric(1.0 / mean_run)))
        rate = float(np.exp(rng.uniform(np.log(rate_range[0]), np.log(rate_range[1]))))
        p = (1.0 / rate) * rng.uniform(0.85, 1.15, size=run)
        p[0] += rng.uniform(0.05, 0.4)
        periods += list(p)
        directions += [direction] * run
        direction = -direction if rng.random() < 0.5 else direction
    return np.asarray(periods), np.asarray(directions)


def spin(n: int, rate: float, direction: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """A fast spin: ``n`` detents at ``rate`` detents/s (+/-15 % unevenness) in one direction."""
    return (1.0 / rate) * rng.uniform(0.85, 1.15, size=n), np.full(n, direction)

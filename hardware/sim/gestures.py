"""Gestures as timed reports of a simulated touch controller (controller pixels, seconds).

Each returns ``[(t, [(id, x, y), ...]), ...]``: the fingers down at time ``t``; an empty list
is the lift.  ``play`` feeds them to a chip on a virtual-clock :class:`SimGPIO`.
"""
from __future__ import annotations

from typing import Any

Frame = tuple[float, list[tuple[int, int, int]]]


def tap(x: int, y: int, t0: float = 0.0, hold_s: float = 0.08) -> list[Frame]:
    return [(t0, [(0, x, y)]), (t0 + hold_s, [])]


def drag(x0: int, y0: int, x1: int, y1: int, t0: float = 0.0, seconds: float = 0.3,
         rate_hz: float = 100.0) -> list[Frame]:
    """One finger from (x0, y0) to (x1, y1), reported at the controller's scan rate."""
    n = max(2, int(seconds * rate_hz))
    frames = [(t0 + seconds * i / (n - 1), [(0, round(x0 + (x1 - x0) * i / (n - 1)),
                                             round(y0 + (y1 - y0) * i / (n - 1)))]) for i in range(n)]
    return frames + [(t0 + seconds + 1.0 / rate_hz, [])]


def two_fingers(p: tuple[int, int], q: tuple[int, int], t0: float = 0.0, hold_s: float = 0.1) -> list[Frame]:
    """Finger 0 lands, finger 1 joins 20 ms later, both lift together."""
    return [(t0, [(0, *p)]), (t0 + 0.02, [(0, *p), (1, *q)]), (t0 + 0.02 + hold_s, [])]


def play(chip: Any, gpio: Any, frames: list[Frame], poll: Any = None) -> None:
    """Report each frame at its time on a virtual clock; ``poll()`` after each (polling drivers)."""
    for t, points in frames:
        gpio.run_until(t)
        chip.report(points)
        gpio.run_until(t + 0.001)
        if poll is not None:
            poll()

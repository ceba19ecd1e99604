"""argparse types for numbers with a range: a clear one-line error at parsing instead of a failure (or a
silent no-op) once the work has started."""
from __future__ import annotations

import argparse
import math
from typing import Callable


MAX_MINUTES = 7 * 24 * 60        # a training budget over a week is a typo (1e9 minutes read as 1,900 years)
MAX_SEED = 2 ** 63 - 1           # torch and numpy take seeds from 0 up to here


def minutes() -> Callable[[str], float]:
    """A training budget in minutes: above 0, at most :data:`MAX_MINUTES` (a week)."""
    inner = number(0, MAX_MINUTES, "minutes", open_low=True)

    def parse(text: str) -> float:
        try:
            return inner(text)
        except argparse.ArgumentTypeError as exc:
            raise argparse.ArgumentTypeError(f"{exc} (a week)") from None
    return parse


def seed() -> Callable[[str], int]:
    """A random seed: a whole number from 0 to :data:`MAX_SEED` (a negative one stopped numpy after the data had
    loaded, as an internal error)."""
    inner = whole(0, MAX_SEED)

    def parse(text: str) -> int:
        try:
            return inner(text)
        except argparse.ArgumentTypeError as exc:
            raise argparse.ArgumentTypeError(str(exc).replace(f"0..{MAX_SEED}", "a whole number from 0 up")) from None
    return parse


def whole(low: int, high: int | None = None) -> Callable[[str], int]:
    """A whole number >= ``low`` (and <= ``high`` when given)."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < low or (high is not None and value > high):
            want = f"{low} or more" if high is None else f"{low}..{high}"
            raise argparse.ArgumentTypeError(f"{value} is out of range: give {want}")
        return value
    return parse


def number(low: float, high: float | None, unit: str, *, open_low: bool = False,
           open_high: bool = False) -> Callable[[str], float]:
    """A finite number of ``unit`` within low..high (``open_low`` / ``open_high``: the bound itself is
    excluded; ``high`` None: no upper bound)."""
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number of {unit}") from None
        above = value > low if open_low else value >= low
        below = high is None or (value < high if open_high else value <= high)
        if not (math.isfinite(value) and above and below):
            if high is None:
                want = f"above {low:g}" if open_low else f"at least {low:g}"
            else:
                start = f"above {low:g} and" if open_low else f"{low:g}"
                want = (f"{start} up to (not including) {high:g}" if open_high else
                        f"above {low:g} and up to {high:g}" if open_low else f"{low:g}..{high:g}")
            raise argparse.ArgumentTypeError(f"{text} {unit}: give a number {want}")
        return value
    return parse

"""argparse types for numbers with a range: a clear one-line error at parsing instead of a failure (or a
silent no-op) once the work has started."""
from __future__ import annotations

import argparse
import math
import os
from typing import Any, Callable


MAX_MINUTES = 7 * 24 * 60        # a training budget over a week is a typo (1e9 minutes read as 1,900 years)
MAX_SEED = 2 ** 63 - 1           # torch and numpy take seeds from 0 up to here


def minutes() -> Callable[[str], float]:
    """A training budget in minutes: above 0, at most :data:`MAX_MINUTES` (a week)."""
    return number(0, MAX_MINUTES, "minutes", open_low=True, want=f"above 0 and up to {MAX_MINUTES} (a week)")


def seed() -> Callable[[str], int]:
    """A random seed: a whole number from 0 to :data:`MAX_SEED` (a negative one stopped numpy after the data had
    loaded, as an internal error)."""
    return whole(0, MAX_SEED, want="a whole number from 0 up")


def whole(low: int, high: int | None = None, want: str | None = None) -> Callable[[str], int]:
    """A whole number >= ``low`` (and <= ``high`` when given); ``want``: how the refusal says the range, in place of
    "LOW or more" / "LOW..HIGH"."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < low or (high is not None and value > high):
            said = want or (f"{low} or more" if high is None else f"{low}..{high}")
            raise argparse.ArgumentTypeError(f"{value} is out of range: give {said}")
        return value
    return parse


def number(low: float, high: float | None, unit: str, *, open_low: bool = False,
           open_high: bool = False, want: str | None = None) -> Callable[[str], float]:
    """A finite number of ``unit`` within low..high (``open_low`` / ``open_high``: the bound itself is
    excluded; ``high`` None: no upper bound); ``want``: how the refusal says the range, in place of its own words."""
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number of {unit}") from None
        above = value > low if open_low else value >= low
        below = high is None or (value < high if open_high else value <= high)
        if not (math.isfinite(value) and above and below):
            raise argparse.ArgumentTypeError(f"{text} {unit}: give a number {want or _range_words()}")
        return value

    def _range_words() -> str:
        if high is None:
            return f"above {low:g}" if open_low else f"at least {low:g}"
        upto = f"up to (not including) {high:g}" if open_high else f"up to {high:g}"
        if open_low:
            return f"above {low:g} and {upto}"
        return f"{low:g} {upto}" if open_high else f"{low:g}..{high:g}"
    return parse


def local_path(inner: Callable[[str], Any] | None = None) -> Callable[[str], Any]:
    """A path on this computer as a command reads it: :func:`home_expanded`, then ``inner`` (the argument's own type,
    e.g. ``Path``; none: the text itself).  Every path argument of the laptop's commands has it (hatbox.path_args
    gives it to them), so ``hatbox tag "~/Music/Samples"`` reads what ``train tagger "~/My Words"`` read (p50 QA)."""
    def parse(text: str) -> Any:
        path = home_expanded(text)
        return path if inner is None else inner(path)
    parse.__name__ = getattr(inner, "__name__", "path")      # argparse names it in "invalid NAME value"
    setattr(parse, "local_path", True)
    return parse


def home_expanded(text: str) -> str:
    """``text`` with a leading ``~`` (``~/x``, ``~user/x``) expanded to the home folder when the path does not exist
    as written: a shell leaves ~ as it is inside quotes (``"~/My Words"``) and after ``=`` (``--out=~/x``).  A path
    that does exist (a folder really named ``~``) and one that does not start with ~ are kept as they are."""
    if not text.startswith("~") or os.path.lexists(text):
        return text
    return os.path.expanduser(text)

"""Dropouts (xruns) in the box's log: one line for each minute that had any, and the run's total at its stop.

p56 QA_A: after a night `hatbox status` said "xruns (dropouts) 196 in 31 min" while box.log had no word of them,
and a restart set the count back to 0: a musician who heard a click at 2 a.m. could not find it with
`hatbox box-logs`.  The engine counts them on its audio thread (device/audio/engine.py ``note_xrun``) and reports
the count in its status; nothing is written there.  The main process reads that status anyway (the status watch of
`hatbox device run`, hatbox/status_watch.py: its own read every second, or the panel's and the API's reads it sees),
and :class:`DropoutLog` turns the count it brings into words:

- at most one line a minute, only for a minute that had dropouts: "3 dropouts (xruns) in the last minute, 196 since
  the box started (the slowest block took 2.6x the time it had)" (the slowest block: the status's ``load_max``, the
  compute time of the engine's slowest block over its load window, about the last minute, as a share of a block's
  time; over 1x the packs took too long, under it the system held the audio up);
- at the stop, the minute cut short by it, then the run's total: "this run had 196 dropouts (xruns) in 31 min"
  (the time as `hatbox status` counts it: blocks played x block / rate).

Each line carries the count since the start, so no two are the same words (device/logs.py collapses a line said
again within a minute).  The count only grows within a run (one engine process per run): a smaller one is a status
another reader took earlier and handed over late, and is passed over (p56 review R4: it counted dropouts twice).
Pure bookkeeping: the caller logs the lines; ``clock`` is injectable for tests.
"""
from __future__ import annotations

import threading
import time
from typing import Any, Callable

MINUTE_S = 60.0            # one line at most this often, for the dropouts since the last
LONG_SPAN_S = 90.0         # a window longer than this (no status read for a while) says its own length


def _count(value: Any) -> int | None:
    """The status's ``xruns`` as a count; None when it is not one (another engine's status)."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _load(value: Any) -> float:
    """The status's ``load_max`` (compute time / block time) as a float; 0.0 when it is not a finite number."""
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and value == value and value < float("inf")
    return float(value) if ok else 0.0


def _blocks(status: dict[str, Any]) -> int:
    """The status's ``blocks`` (blocks played), -1 when it has none: which of two statuses is the later."""
    blocks = status.get("blocks")
    return blocks if isinstance(blocks, int) and not isinstance(blocks, bool) else -1


def dropouts_words(n: int) -> str:
    """"1 dropout (xrun)", "3 dropouts (xruns)"."""
    return f"{n} dropout (xrun)" if n == 1 else f"{n:,} dropouts (xruns)"


def slowest_words(load_max: float) -> str:
    """"the slowest block took 2.6x the time it had" (its compute time over a block's time; "85 %" under 1x)."""
    if load_max >= 1.0:
        return f"the slowest block took {load_max:.1f}x the time it had"
    return f"the slowest block took {load_max:.0%} of the time it had"


def span_words(span_s: float) -> str:
    """"in the last minute", "in the last 25 s", "in the last second" (under one: never "0 s"), or for a longer
    window "in the last 4 min" (hatbox.status_line.duration_words)."""
    if span_s < 1.0:
        return "in the last second"
    if span_s <= LONG_SPAN_S:
        return "in the last minute" if span_s >= MINUTE_S / 2 else f"in the last {int(span_s)} s"
    from hatbox.status_line import duration_words
    return f"in the last {duration_words(span_s)}"


class DropoutLog:
    """The dropouts of one run of the box, from the engine statuses it is shown (:meth:`seen`, any thread)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, every_s: float = MINUTE_S) -> None:
        self.clock, self.every_s = clock, every_s
        self.total = 0                 # the engine's count at the last status seen
        self.told = 0                  # the count when the current window began (the lines said those before)
        self.since = clock()           # when the current window began (clock's seconds)
        self.slowest = 0.0             # the largest load_max seen in the current window
        self.last: dict[str, Any] = {}   # the last status that had a count (its blocks, block and rate time it)
        self._lock = threading.Lock()

    def seen(self, status: dict[str, Any]) -> str | None:
        """Take one engine status; returns the line to log when it closes a window of at least ``every_s`` that
        had dropouts, else None."""
        xruns = _count(status.get("xruns")) if isinstance(status, dict) else None
        if xruns is None:
            return None
        with self._lock:
            if xruns < self.total:     # a late status (another reader's): the engine's count never goes back in a run
                return None
            self.total = xruns
            if _blocks(status) >= _blocks(self.last):      # the time the stop line says only moves forward
                self.last = status
            self.slowest = max(self.slowest, _load(status.get("load_max")))
            now = self.clock()
            return self._close(now) if now - self.since >= self.every_s else None

    def _close(self, now: float) -> str | None:
        """End the current window at ``now``: its line (None without dropouts); the next window starts."""
        new, span, slowest = self.total - self.told, now - self.since, self.slowest
        self.told, self.since, self.slowest = self.total, now, 0.0
        if new <= 0:
            return None
        return (f"{dropouts_words(new)} {span_words(span)}, {self.total:,} since the box started "
                f"({slowest_words(slowest)})")

    def final(self, box_log: bool = True) -> tuple[str | None, str | None]:
        """At the stop: (the line of the window it cut short, None without dropouts in it; the run's total, None
        for a run without any).  ``box_log``: whether box.log is written, so the total may send the user there
        (the box logs to stderr only when it cannot be: `hatbox box-logs` has none of the lines then)."""
        with self._lock:
            cut = self._close(self.clock())
            if not self.total:
                return cut, None
            from hatbox.status_line import since_words
            where = ": box.log says when (hatbox box-logs)" if box_log else ""
            return cut, f"this run had {dropouts_words(self.total)}{since_words(self.last)}{where}"

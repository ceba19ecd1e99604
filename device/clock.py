"""Is the box's wall clock set?  A board with no battery clock boots at 1970-01-01 and keeps that until the network
sets it (NTP): at a gig with no network it never does.  Times the box shows (a pack "installed 56 years ago") are
then wrong; nothing on the box orders by them (device/store.py keeps an install sequence for that).

:class:`ClockCheck` takes the earliest time the clock can truly read: the day this hatbox was made
(:data:`MADE`), or the newest modification time of the store's own records at the box's start (written while the
clock was right, e.g. at home), whichever is later.  A clock that reads earlier is not set; the note says so once in
the box's log and in every ``GET /status`` (``clock``), which `hatbox status` prints.
"""
from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path

MADE = 1796428800.0            # 2026-12-05 00:00 UTC: this hatbox cannot run on a box whose clock is truly earlier
TRUSTED_SPAN_S = 20 * 365 * 86400.0   # a file time beyond MADE + this is from a clock set far ahead: not trusted
SLACK_S = 3600.0               # a clock a little behind a file time (set by the network a moment later) is not "unset"
log = logging.getLogger("hatbox.clock")


def clock_note(now: float, floor: float) -> str:
    """What a person is told of a clock reading ``now`` (Unix time) when it cannot be earlier than ``floor``: ""
    when it is not earlier (beyond :data:`SLACK_S`), else "the box's clock is not set (it reads 1970-01-01): ...".
    """
    if now >= floor - SLACK_S:
        return ""
    reads = time.strftime("%Y-%m-%d", time.gmtime(max(0.0, now)))
    return f"the box's clock is not set (it reads {reads}): times it shows are wrong until it is"


def newest_mtime(root: Path) -> float:
    """The newest modification time of the store's records: its own files, each pack's folder, each library's
    (one stat each: no file is read), those beyond :data:`MADE` + :data:`TRUSTED_SPAN_S` left out (a clock once set
    years ahead must not make the right time read as unset).  0.0 for a store with none."""
    times = [0.0]
    for where in (root, root / "packs", root / "libraries"):
        try:
            with os.scandir(where) as found:
                times += [e.stat(follow_symlinks=False).st_mtime for e in found]
        except OSError:
            continue
    return max(t for t in times if t <= MADE + TRUSTED_SPAN_S)


@dataclass
class ClockCheck:
    """The box's clock check (see the module doc): :meth:`note` now, logged the first time it is not set."""

    floor: float
    said: bool = False

    @classmethod
    def for_store(cls, root: Path) -> "ClockCheck":
        return cls(max(MADE, newest_mtime(Path(root))))

    def note(self, now: float | None = None) -> str:
        """:func:`clock_note` of the clock now (or ``now``); the first "not set" goes in the log as a warning."""
        words = clock_note(time.time() if now is None else now, self.floor)
        if words and not self.said:
            self.said = True
            log.warning("%s (it cannot be earlier than %s: set it, or give the box a network with NTP)", words,
                        time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(self.floor)))
        return words


# an earlier time is a clock that was never set, whatever wrote it (the laptop's: hatbox.status_report)
UNSET_BEFORE = 1577836800.0    # 2020-01-01 00:00 UTC


def clock_words(at: float, now: float | None = None, floor: float = MADE) -> str:
    """``at`` (seconds since the epoch) as the box's clock reads it: "14:05", or "2026-12-05 14:05" on another day;
    "" when the clock was not set when it was written (before ``floor``, by default :data:`MADE`: a box with no
    battery clock reads 1970 at a gig with no network, p45 review; a time reckoned on the laptop from the box's "so
    long ago" can be older than this code, so it passes :data:`UNSET_BEFORE`).  One formatter for the knob file's note
    (device.knob_store) and the laptop's status line of when a pack was made active (hatbox.status_report)."""
    if at < floor:
        return ""
    local, today = time.localtime(at), time.localtime(time.time() if now is None else now)
    return time.strftime("%H:%M" if local[:3] == today[:3] else "%Y-%m-%d %H:%M", local)

"""The stamps of changes.log's and switches.log's lines, and the two files read back as one (split from
device/logs.py at p56 MF2, which uses them: :class:`AheadStamps`, :class:`AheadFormatter`).

A stamp is the local wall clock's time (the written "2024-10-27 02:50:00,001"), held here as milliseconds of that
wall clock: what it reads, counted as if it were UTC (:func:`wall_ms`).  The end of summer time sets the wall clock
back an hour, and the written stamps with it; held in epoch ms (which never go back) the stamps went back an hour
in the files and a pairing said in that hour was merged before older switches (p56 final read FR2 1).

One rule (:func:`stamp_after`) says where a stamp goes after the last: never before it, unless the clock was set
back by more than :data:`STAMP_HOLD_MS` (a wrong time put right), which is followed.  :class:`AheadStamps` stamps
the lines by it."""
from __future__ import annotations

import calendar
import logging
import re
import threading
import time
from typing import Sequence

STAMP_STEP_MS = 1                 # a changes.log or switches.log line is stamped at least this after the last one
STAMP_HOLD_MS = 2 * 3600 * 1000   # a clock set back further than this is followed (a wrong time corrected)
STAMP = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} ")    # logs.FILE_FORMAT's asctime, as each line starts
_TEXT = "%Y-%m-%d %H:%M:%S"


def stamp_after(last_ms: int, now_ms: int, step: int = STAMP_STEP_MS) -> int:
    """The stamp (wall-clock ms) of a line said at ``now_ms`` after one stamped ``last_ms``: ``now_ms``, but at
    least ``step`` ms after ``last_ms`` (a clock set back by the end of summer time or fake-hwclock's saved time is
    held until it catches up); a clock set back by more than :data:`STAMP_HOLD_MS` is followed (``now_ms``)."""
    held = last_ms + step
    return now_ms if now_ms < held - STAMP_HOLD_MS else max(now_ms, held)


def wall_ms(created: float) -> int:
    """The local wall clock's time at ``created`` (epoch s) in ms, counted as if it were UTC (a stamp's text is its
    ``time.gmtime``): it goes back an hour when summer time ends, as the written stamps do."""
    return int(created * 1000) + time.localtime(created).tm_gmtoff * 1000


def stamp_text(ms: int) -> str:
    """``ms`` (wall-clock ms, :func:`wall_ms`) as a stamp is written: "2024-10-27 02:50:00,001"."""
    seconds, part = divmod(ms, 1000)
    return f"{time.strftime(_TEXT, time.gmtime(seconds))},{part:03d}"


def stamp_ms(line: str) -> int:
    """The wall-clock ms of ``line``'s stamp (:func:`stamp_text` read back); 0 for a line without one."""
    if not STAMP.match(line):
        return 0
    try:
        return calendar.timegm(time.strptime(line[:19], _TEXT)) * 1000 + int(line[20:23])
    except (ValueError, OverflowError):
        return 0


class AheadStamps:
    """The stamps changes.log and switches.log write, in wall-clock ms (:func:`wall_ms`): each by
    :func:`stamp_after` from the last either file wrote (``last_ms``: from the files, at start), so the two files,
    merged by their stamps (device.logs.tail), read in the order they were written."""

    def __init__(self, last_ms: int = 0) -> None:
        self.last_ms, self.lock = last_ms, threading.Lock()

    def next(self, created: float) -> int:
        """The stamp (wall-clock ms) of a line said at ``created`` (epoch s)."""
        with self.lock:
            self.last_ms = stamp_after(self.last_ms, wall_ms(created))
            return self.last_ms

    @classmethod
    def after(cls, tails: Sequence[list[str]]) -> "AheadStamps":
        """Stamps that follow the highest stamp of ``tails`` (the files' last lines); 0 for none."""
        return cls(max((stamp_ms(line) for tail in tails for line in tail), default=0))


class AheadFormatter(logging.Formatter):
    """``fmt``, its time from ``stamps`` (:class:`AheadStamps`): one stamp per record (a rotating file formats a
    record twice: to see whether it rolls over, then to write it)."""

    def __init__(self, fmt: str, stamps: AheadStamps) -> None:
        super().__init__(fmt)
        self.stamps = stamps
        self.last: tuple[logging.LogRecord | None, str] = (None, "")     # the record stamped last, and its stamp

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        if self.last[0] is not record:
            self.last = (record, stamp_text(self.stamps.next(record.created)))
        return self.last[1]

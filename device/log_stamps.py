"""The stamps of changes.log's and switches.log's lines, and the two files read back as one (split from
device/logs.py at p56 MF2, which uses them: :class:`AheadStamps`, :class:`AheadFormatter`, :func:`merged`).

A stamp is the local wall clock's time (the written "2024-10-27 02:50:00,001"), held here as milliseconds of that
wall clock: what it reads, counted as if it were UTC (:func:`wall_ms`).  The end of summer time sets the wall clock
back an hour, and the written stamps with it; held in epoch ms (which never go back) the stamps went back an hour
in the files and a pairing said in that hour was merged before older switches (p56 final read FR2 1).

One rule (:func:`stamp_after`) says where a stamp goes after the last: never before it, unless the clock was set
back by more than :data:`STAMP_HOLD_MS` (a wrong time put right), which is followed.  :class:`AheadStamps` stamps
the lines by it; :func:`merged` reads the files back by it, so the lines said after a followed set-back are the
newest shown (FR2 2)."""
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


def fits(before_ms: int, after_ms: int) -> bool:
    """Whether a line stamped ``after_ms`` can have been written right after one stamped ``before_ms`` by
    :func:`stamp_after` (step 0: a cut write's line shares the stamp of the line before it)."""
    return stamp_after(before_ms, after_ms, 0) == after_ms


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


def _stamped(lines: list[str]) -> list[tuple[int, str]]:
    """``lines`` with their stamps (ms); a line without one (a cut write's) takes the stamp of the line before."""
    out, stamp = [], 0
    for line in lines:
        stamp = stamp_ms(line) if STAMP.match(line) else stamp
        out.append((stamp, line))
    return out


def merged_stamped(tails: Sequence[list[str]], lines: int) -> list[tuple[int, str]]:
    """The last ``lines`` lines of ``tails`` (each a file's lines, oldest first; their stamps by
    :func:`stamp_after`) as one, oldest first, with their stamps, in the order they were written: read back from
    the newest, each step takes, of the files' latest lines not yet taken, one that :func:`fits` before the line
    taken last, the latest stamped (on a tie the later file's); none fits (a file written before its stamps were
    held): the latest stamped.  Each file's lines stay in its own order."""
    stamped = [_stamped(tail) for tail in tails]
    left = [len(tail) for tail in stamped]
    out: list[tuple[int, str]] = []
    while len(out) < lines and any(left):
        heads = {n: stamped[n][count - 1][0] for n, count in enumerate(left) if count}
        pick = _written_before(heads, out[-1][0] if out else None)
        left[pick] -= 1
        out.append(stamped[pick][left[pick]])
    return out[::-1]


def _written_before(heads: dict[int, int], after: int | None) -> int:
    """Of the files' latest lines not yet taken (file -> its stamp, ms), the file whose line was written just before
    the line stamped ``after`` (None: the newest of all), by :func:`merged_stamped`'s rule."""
    return max(heads, key=lambda n: (after is None or fits(heads[n], after), heads[n], n))


def merged(tails: Sequence[list[str]], lines: int) -> list[str]:
    """:func:`merged_stamped`'s lines alone."""
    return [line for _stamp, line in merged_stamped(tails, lines)]


class AheadStamps:
    """The stamps changes.log and switches.log write, in wall-clock ms (:func:`wall_ms`): each by
    :func:`stamp_after` from the last either file wrote (``last_ms``: from the files, at start), so the two files,
    merged by their stamps (:func:`merged`), read in the order they were written."""

    def __init__(self, last_ms: int = 0) -> None:
        self.last_ms, self.lock = last_ms, threading.Lock()

    def next(self, created: float) -> int:
        """The stamp (wall-clock ms) of a line said at ``created`` (epoch s)."""
        with self.lock:
            self.last_ms = stamp_after(self.last_ms, wall_ms(created))
            return self.last_ms

    @classmethod
    def after(cls, tails: Sequence[list[str]]) -> "AheadStamps":
        """Stamps that follow the line written last of ``tails`` (the files' last lines, :func:`merged`; not their
        highest stamp: that may be a wrong time since put right); 0 for none."""
        last = merged_stamped(tails, 1)
        return cls(last[0][0] if last else 0)


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

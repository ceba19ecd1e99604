"""Figures read from files, kept while the files stay as they were (the Library page's reader: p46 QA "big").

The Library page re-read every library's tag counts, records and refusals every 2 s and on each open: json of every
library.json (one with 4,000 files is 700 kB) and a GROUP BY over every tags.db, 0.1 s on a quiet box with 21,000
files and several times that while a push kept it busy, and a tag step waited behind it on the page's one reader.
:class:`Stamped` keeps each such figure with the stat of the files it was read from (inode, size, mtime) and reads it
again only when one of them changed.  A file written in the same clock tick as the read would keep its mtime, so a
figure read less than :data:`SETTLE_S` after its files last changed is not trusted (git's "racily clean" rule): a
library being tagged is read every time, as before, and one that stands still costs a few ``stat`` calls.
"""
from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any, Callable, Iterable, Optional, TypeVar

from hatbox.errors import file_state

T = TypeVar("T")
SETTLE_S = 2.0          # s a file must have stood unchanged before a figure read from it is kept

Stamp = Optional[tuple[int, int, int]]         # hatbox.errors.file_state: (inode, size, mtime in ns); None: no file


class Stamped:
    """Key -> a figure and the stamps of the files it was read from; ``clock``: wall-clock seconds (the files'
    mtimes are on it)."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self._kept: dict[Any, tuple[tuple[Stamp, ...], T]] = {}     # type: ignore[valid-type]
        self._lock = threading.Lock()
        self.reads = 0                          # figures read (not kept): how often ``read`` ran

    def get(self, key: Any, files: Iterable[Path], read: Callable[[], T]) -> T:
        """The figure kept for ``key`` while ``files`` are as they were when it was read, else ``read()`` (kept when
        the files had stood still :data:`SETTLE_S` before it)."""
        stamps = tuple(file_state(f) for f in files)
        with self._lock:
            kept = self._kept.get(key)
        if kept is not None and kept[0] == stamps:
            return kept[1]
        began = self.clock()
        value = read()
        self.reads += 1
        # a file dated ahead of the clock (a board with no battery clock boots at 1970: p46 review) is as settled
        settled = all(s is None or abs(began - s[2] / 1e9) > SETTLE_S for s in stamps)
        with self._lock:
            if settled:
                self._kept[key] = (stamps, value)
            else:
                self._kept.pop(key, None)
        return value

    def keep_only(self, wanted: Callable[[Any], bool]) -> None:
        """Forget the figures of the keys not ``wanted`` (a library deleted: its figures go with it)."""
        with self._lock:
            self._kept = {k: v for k, v in self._kept.items() if wanted(k)}

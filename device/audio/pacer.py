"""The file backend's wall clock (:class:`Pacer`) and where the other threads are when a block is late
(:func:`other_threads`): what the block loop (device/audio/block_loop.run_loop) times each block with.

Units: seconds unless a name ends in ``_ms``; ``rate`` in Hz, ``period`` in samples.
"""
from __future__ import annotations

import threading
import time
from pathlib import Path


class Pacer:
    """Holds block ``k`` until its wall-clock due time; a block finished later than the
    playback headroom allows counts as an xrun (what a card's underrun would be)."""

    def __init__(self, rate: int, period: int, periods: int) -> None:
        self.period_s = period / rate
        self.slack_s = max(1, periods - 1) * self.period_s
        self.start = time.perf_counter()
        self.k = 0
        self.misses = 0
        self.missed: list[int] = []       # block indices of the first misses
        self.worst_late_s = 0.0

    def wait(self) -> None:
        """Sleep until block ``k``'s input would be complete."""
        due = self.start + (self.k + 1) * self.period_s
        delay = due - time.perf_counter()
        if delay > 0:
            time.sleep(delay)

    def done(self) -> None:
        """Block ``k`` has been written; check it met its deadline."""
        due = self.start + (self.k + 1) * self.period_s
        late = time.perf_counter() - due
        self.worst_late_s = max(self.worst_late_s, late)
        if late > self.slack_s:
            self.misses += 1
            if len(self.missed) < 32:
                self.missed.append(self.k)
            self.start += late          # a card would restart the stream after an xrun
        self.k += 1


def other_threads(depth: int = 3) -> dict[str, list[str]]:
    """Where every other thread of this process is right now (innermost ``depth`` frames, as
    'file:line function').  Taken when a block misses its deadline: a thread that held the
    interpreter while the audio thread waited is usually still at the line that held it."""
    import sys
    import traceback
    names = {t.ident: t.name for t in threading.enumerate()}
    me = threading.get_ident()
    out = {}
    for ident, frame in sys._current_frames().items():
        if ident == me:
            continue
        stack = traceback.extract_stack(frame)[-depth:]
        out[names.get(ident, str(ident))] = [f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in stack]
    return out

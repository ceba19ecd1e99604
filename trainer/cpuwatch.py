"""How busy was the machine while we trained?  Training runs for a wall-clock budget, so a
machine shared with other programs gives fewer optimiser steps and usually a worse model; the
trainers report it instead of leaving the user to guess.

Linux only (reads ``/proc/stat``); elsewhere :meth:`CpuWatch.others_cores` is ``None``.
"""
from __future__ import annotations

import os
import time
from pathlib import Path

BUSY_CORES = 0.5     # other programs using this many cores on average (or more) earns a warning

_STAT = Path("/proc/stat")


def _busy_seconds() -> float | None:
    """CPU seconds the whole machine spent busy (user, nice, system, irq, softirq) or stolen by the
    hypervisor, since boot; None where /proc/stat is not available."""
    try:
        fields = _STAT.read_text().split("\n", 1)[0].split()
    except OSError:
        return None
    if not fields or fields[0] != "cpu" or len(fields) < 9:
        return None
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(v) for v in fields[1:9])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


class CpuWatch:
    """Start it before the work, ask :meth:`others_cores` after it."""

    def __init__(self) -> None:
        self._wall0, self._mine0, self._busy0 = time.monotonic(), time.process_time(), _busy_seconds()

    def others_cores(self) -> float | None:
        """Average number of CPU cores that other programs (and the hypervisor) took since the
        start: (machine busy time - this process's CPU time) / wall time.  None if unknown."""
        busy, wall = _busy_seconds(), time.monotonic() - self._wall0
        if busy is None or self._busy0 is None or wall <= 0:
            return None
        return max(0.0, (busy - self._busy0 - (time.process_time() - self._mine0)) / wall)


def busy_warning(others: float | None, steps: int, step_limit: int | None = None) -> str | None:
    """A sentence for the user when other programs took ``BUSY_CORES`` or more, else None.  ``step_limit``: the
    run's --max-steps; a run that reached it got all its steps, so the others only made it take longer."""
    if others is None or others < BUSY_CORES:
        return None
    cores = os.cpu_count() or 1
    used = (f"other programs used {others:.1f} of this machine's {cores} CPU cores on average while this "
            f"trained ({steps} step{'' if steps == 1 else 's'})")
    if step_limit is not None and steps >= step_limit:
        return f"{used}; it ran all {step_limit} steps it was given, so they only made it take longer"
    return (f"{used}; training runs for a fixed time, so on an idle machine it gets more "
            f"steps and usually a better model - close them or give it more --minutes")

"""How busy was the machine while we trained?  Training runs for a wall-clock budget, so a
machine shared with other programs gives fewer optimiser steps and usually a worse model; the
trainers report it instead of leaving the user to guess.

Linux only (reads ``/proc/stat``); elsewhere :meth:`CpuWatch.others_cores` is ``None``.  Under torchrun the
training is several processes: their CPU time is the torchrun agent's and its children's (``/proc/PID/stat``), not
other programs' (p42 cloud QA 3: the ranks other than the first were counted as other programs).
"""
from __future__ import annotations

import os
import time
from pathlib import Path

BUSY_CORES = 0.5     # other programs using this many cores on average (or more) earns a warning

_STAT = Path("/proc/stat")
_PROC = Path("/proc")


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


def _proc_fields(pid: int | str) -> list[str] | None:
    """The fields of ``/proc/PID/stat`` after the command's name (state, ppid, ...: ``proc(5)``'s 3rd on), or None
    where the process is gone or the file cannot be read."""
    try:
        text = (_PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    return text[text.rfind(")") + 2:].split()


def _ticks(fields: list[str]) -> int:
    """CPU clock ticks of a process and of the children it has reaped: utime + stime + cutime + cstime."""
    return sum(int(v) for v in fields[11:15])


def group_seconds(agent: int) -> float | None:
    """CPU seconds that process ``agent`` (the torchrun agent) and its children (the ranks on this machine) have
    taken: the agent's own and its reaped children's, and each live child's own and its reaped children's.  A rank
    that exits moves from the second sum to the first when the agent reaps it, so the total only grows.  None
    where ``/proc`` cannot tell."""
    own = _proc_fields(agent)
    if own is None or len(own) < 15:
        return None
    ticks = _ticks(own)
    for entry in _PROC.iterdir():
        fields = _proc_fields(entry.name) if entry.name.isdigit() else None
        if fields and len(fields) >= 15 and fields[1] == str(agent):
            ticks += _ticks(fields)
    return ticks / os.sysconf("SC_CLK_TCK")


def _torchrun_agent() -> int | None:
    """The torchrun agent's process id when this process is one of several it started (torchrun sets
    TORCHELASTIC_RUN_ID and a WORLD_SIZE over 1 for them; it starts them as its own children), else None."""
    if "TORCHELASTIC_RUN_ID" not in os.environ or os.environ.get("WORLD_SIZE", "1") in ("", "0", "1"):
        return None
    agent = os.getppid()
    return agent if group_seconds(agent) is not None else None


class CpuWatch:
    """Start it before the work, ask :meth:`others_cores` after it."""

    def __init__(self) -> None:
        self._agent = _torchrun_agent()
        self._wall0, self._mine0, self._busy0 = time.monotonic(), self._mine(), _busy_seconds()

    def _mine(self) -> float | None:
        """CPU seconds of this training: this process's, or under torchrun every process's (:func:`group_seconds`;
        None should /proc stop answering)."""
        return time.process_time() if self._agent is None else group_seconds(self._agent)

    def others_cores(self) -> float | None:
        """Average number of CPU cores that other programs (and the hypervisor) took since the
        start: (machine busy time - this training's CPU time) / wall time.  None if unknown."""
        busy, wall, mine = _busy_seconds(), time.monotonic() - self._wall0, self._mine()
        if busy is None or self._busy0 is None or mine is None or self._mine0 is None or wall <= 0:
            return None
        return max(0.0, (busy - self._busy0 - (mine - self._mine0)) / wall)


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

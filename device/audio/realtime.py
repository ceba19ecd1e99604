"""The engine process's real-time footing: SCHED_FIFO for the audio thread and a low one for its helpers, memory
locked (``mlockall``), the cyclic garbage collector kept off the audio thread.  Each refusal (no rtprio, no memlock)
is a warning in words, never an error: the box then runs at normal priority."""
from __future__ import annotations

import ctypes
import gc
import os
from typing import Any

MCL_CURRENT, MCL_FUTURE, MCL_ONFAULT = 1, 2, 4
HELPER_PRIORITY = 10


def set_realtime(priority: int) -> list[str]:
    """SCHED_FIFO for the calling thread and mlockall; returns warnings for what was refused."""
    warnings = []
    try:
        top = os.sched_get_priority_max(os.SCHED_FIFO)
        os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(min(priority, top)))
    except (PermissionError, OSError, AttributeError) as exc:
        warnings.append(f"real-time scheduling (SCHED_FIFO) not permitted ({exc}); running at normal "
                        f"priority - {limit_hint('rtprio')}")
    refused = lock_memory()
    if refused:
        warnings.append(f"mlockall refused ({refused}); memory may be paged out - {limit_hint('memlock')}")
    return warnings


def limit_hint(limit: str) -> str:
    """How to grant ``limit`` ("rtprio" or "memlock"): in the unit for a box started by systemd (which sets
    INVOCATION_ID for its services; limits.d is read by logins, never by services), else in limits.d."""
    if os.environ.get("INVOCATION_ID"):
        return (f"the box runs as a systemd service: raise Limit{limit.upper()}= in its unit (hatbox device service "
                "writes it)")
    return f"give the user {limit} in /etc/security/limits.d for a real box (or run it with hatbox device service)"


def c_library() -> Any:
    """This process's C library, errno kept (the symbols the process already has: no ``ldconfig`` run to find it,
    as ``ctypes.util.find_library`` does; OSError where it cannot be opened)."""
    return ctypes.CDLL(None, use_errno=True)


def lock_memory(on_fault: bool = True, libc: Any = None) -> str:
    """Lock the process's memory (mlockall): what is mapped now, populated at once, and what is mapped later as its
    pages are first touched (``MCL_ONFAULT``, Linux 4.4+; without it, or ``on_fault`` False, ``MCL_FUTURE`` alone).
    ``MCL_FUTURE`` alone populates every new mapping inside the call that makes it, and numpy makes its big arrays
    holding the GIL: the sampler decoding a long file stalled the audio thread for as long (48 MB of arrays: 20 ms;
    with ``MCL_ONFAULT`` a thread waiting on the GIL waited at most 1 ms, the pages filled by numpy and libsndfile
    outside it; `bench/engine_mlock_decode.py`).  Returns "" when locked, else why not.  ``libc``: the C library
    (default: this process's)."""
    libc = libc or c_library()
    if libc.mlockall(MCL_CURRENT) != 0:
        return os.strerror(ctypes.get_errno())
    if on_fault and libc.mlockall(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT) == 0:
        return ""
    if libc.mlockall(MCL_CURRENT | MCL_FUTURE) != 0:
        return os.strerror(ctypes.get_errno())
    return ""


def helper_priority(priority: int = HELPER_PRIORITY) -> bool:
    """A low SCHED_FIFO priority for the engine's helper threads (loader, control readers).

    They share the GIL with the audio thread: a helper holding the GIL must not be preempted
    by ordinary processes (priority inversion would stall the audio thread for a whole
    time slice), yet the audio thread (higher priority) still preempts it.
    """
    try:
        os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(priority))
        return True
    except (PermissionError, OSError, AttributeError):
        return False


def quiet_gc() -> None:
    """No cyclic garbage collection on the audio thread: everything built so far is frozen
    out of the collector and automatic collection is off (the audio path frees its blocks by
    reference counting; the loader collects the young generation after each load)."""
    gc.collect()
    gc.freeze()
    gc.disable()


def scheduler_name() -> str:
    policy = os.sched_getscheduler(0)
    return {os.SCHED_FIFO: "SCHED_FIFO", os.SCHED_OTHER: "SCHED_OTHER"}.get(policy, str(policy))

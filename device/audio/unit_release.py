"""Letting go of a unit the engine is done with: its big model's memory goes back outside the GIL, a step at a time.

Why (p58 F1, bench/engine_big_pack.py): an effect unit keeps its pack (device/audio/effect.py), so the pack's model
bytes (35 MiB for the big pack of the bench) are freed when the unit is let go of, on the loader's thread
(device/audio/swap.py ``Swapper.collect``).  Freeing a bytes object that big is one ``munmap`` of its pages, in
the engine process locked ones (``mlockall``, device/audio/realtime.py), made while the freeing thread holds the GIL:
6-22 ms measured on the development machine (2 cores, loaded), while the audio thread waited for the GIL.  One
switch in 12 away from a 35 MiB pack still cost a dropout.

:func:`let_go` gives those pages back first, :data:`STEP` bytes at a time: each step unlocks them (``munlock``) and
drops them (``madvise(MADV_DONTNEED)``) in a C call made through ctypes, which releases the GIL for the call, so
the audio thread runs whenever it wants between and during the steps.  The bytes object is freed after, with its
pages gone: a ``munmap`` of an empty range.  What the process had locked is locked again once the memory is freed
(``mlock2(MLOCK_ONFAULT)``, as device/audio/realtime.py locks it: where the block lay in the C heap rather than in
a mapping of its own, that memory is locked again when it is next used).

Only memory nothing else can read is given back: the unit, its pack, the pack's members and each member must be
held by the caller's list alone (reference counts, no weak reference), else that unit is let go of as before.
A ``bytes`` object is never written to otherwise: its pages read as zeros once given back, so this is done only
for one that is being freed.  Not Linux, or a C library without these calls: let go of as before.
"""
from __future__ import annotations

import ctypes
import os
import sys
import weakref
from typing import Any, Callable

STEP = 2 << 20          # bytes given back per C call (the GIL released in each): 0.2-0.6 ms of kernel work here
BIG = 1 << 20           # pack members this big or bigger are given back by steps; smaller ones freed as they are
MADV_DONTNEED = 4
MLOCK_ONFAULT = 1
PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def let_go(units: list[Any]) -> int:
    """Let go of every unit in ``units`` (the list is emptied; the caller keeps no other reference to them): the big
    members of a unit's pack have their memory given back outside the GIL first (module docstring).  Returns the
    bytes given back that way (0: each unit freed as before)."""
    given = 0
    while units:
        given += _let_go_one(units.pop())
    return given


def _let_go_one(unit: Any) -> int:
    """Free ``unit`` (this call's reference the last one) after giving back its pack's big members; bytes given."""
    found = _big_members(unit)
    del unit                                       # the unit and its session go (cheap); the members stay in found
    given = 0
    while found:
        given += _free_given_back(found)
    return given


def _free_given_back(found: list[bytes]) -> int:
    """Give back the pages of the last bytes object of ``found`` and free it (the list's reference its last)."""
    span = pages_of(found[-1])
    given = give_back(found[-1])
    found.pop()                                    # freed here: its pages are gone, the munmap is quick
    if given and memory_locked():
        relock(span)
    return given


def _big_members(unit: Any) -> list[bytes]:
    """The pack members of ``unit`` at least :data:`BIG` bytes long, taken out of its pack, when nothing but ``unit``
    (held by :func:`_let_go_one` alone) can reach them; [] otherwise.  The counts: :func:`_alone`'s own two (its
    parameter, getrefcount's), then the unit's in _let_go_one and here, the pack's in the unit and here, the
    members' in the pack and here, a member's in the members alone."""
    pack = getattr(unit, "pack", None)
    members = getattr(pack, "members", None)
    if not isinstance(members, dict) or not _alone(unit, 2) or not _alone(pack, 2) or not _alone(members, 2):
        return []
    big = [name for name, data in members.items() if type(data) is bytes and len(data) >= BIG]
    if any(not _alone(members[name], 1) for name in big):
        return []
    return [members.pop(name) for name in big]     # the unit is being freed: nothing reads its pack again


def _alone(obj: Any, others: int) -> bool:
    """Whether ``obj`` has at most ``others`` references besides this call's two and no weak reference."""
    return sys.getrefcount(obj) <= others + 2 and (not _weakrefable(obj) or weakref.getweakrefcount(obj) == 0)


def _weakrefable(obj: Any) -> bool:
    return type(obj).__weakrefoffset__ != 0


def pages_of(data: bytes) -> tuple[int, int]:
    """The whole pages inside ``data``'s buffer: (first address, end address); equal when there is none."""
    addr = ctypes.cast(ctypes.c_char_p(data), ctypes.c_void_p).value or 0
    start = -(-addr // PAGE) * PAGE
    end = max(start, (addr + len(data)) // PAGE * PAGE)
    return start, end


def give_back(data: bytes, step: int | None = None, between: Callable[[], None] | None = None) -> int:
    """Drop the whole pages of ``data``'s buffer, ``step`` bytes per C call (default :data:`STEP`; the GIL released
    in each); returns the bytes dropped (0: none, no such calls here, or the first refused).  ``data`` reads as
    zeros there afterwards: only for a bytes object about to be freed that nothing else holds (:func:`let_go`).  ``between``: called after
    each step (tests)."""
    libc = _libc()
    start, end = pages_of(data)
    if libc is None or end <= start:
        return 0
    done, step = start, step or STEP
    while done < end:
        size = min(step, end - done)
        if libc.munlock(done, size) != 0 or libc.madvise(done, size, MADV_DONTNEED) != 0:
            break
        done += size
        if between is not None:
            between()
    return done - start


def memory_locked() -> bool:
    """Whether this process has memory locked (``VmLck`` in /proc/self/status above 0: the engine's mlockall)."""
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as fh:
            line = next((row for row in fh if row.startswith("VmLck:")), "VmLck: 0 kB")
    except OSError:
        return False
    return line.split()[1] != "0"


def relock(span: tuple[int, int]) -> None:
    """Lock ``span`` (addresses) again as the engine locks memory (on first touch); nothing where it is unmapped."""
    libc = _libc()
    if libc is not None and span[1] > span[0]:
        libc.mlock2(span[0], span[1] - span[0], MLOCK_ONFAULT)


_LIBC: list[Any] = []


def _libc() -> Any | None:
    """This process's C library with ``munlock``, ``madvise`` and ``mlock2`` typed (None: not there)."""
    if not _LIBC:
        _LIBC.append(_typed_libc())
    return _LIBC[0]


def _typed_libc() -> Any | None:
    try:
        libc = ctypes.CDLL(None, use_errno=True)          # a CDLL's calls release the GIL
        calls = (libc.munlock, libc.madvise, libc.mlock2)
    except (OSError, AttributeError):
        return None
    for call, args in zip(calls, ([ctypes.c_void_p, ctypes.c_size_t],
                                  [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int],
                                  [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_uint])):
        call.argtypes, call.restype = args, ctypes.c_int
    return libc

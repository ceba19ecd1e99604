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
held by the caller's list alone (reference counts, no weak reference), else that unit is let go of as before.  The
counts that mean "alone" are measured once on a throwaway chain (:func:`counts_work`), not assumed: they differ
between Python versions, and where the probe does not come out as expected nothing is given back.
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
    bytes given back that way (0: each unit freed as before, as always where :func:`counts_work` says no)."""
    if not counts_work():
        units.clear()
        return 0
    return _let_go_all(units, None)


def _let_go_all(units: list[Any], seen: dict[str, int] | None) -> int:
    """:func:`let_go`'s loop; ``seen``: the probe's (:func:`_measure`), which records the counts and frees plainly."""
    given = 0
    while units:
        given += _let_go_one(units.pop(), seen)
    return given


def _let_go_one(unit: Any, seen: dict[str, int] | None) -> int:
    """Free ``unit`` (this call's reference the last one) after giving back its pack's big members; bytes given."""
    found = _big_members(unit, seen)
    del unit                                       # the unit and its session go (cheap); the members stay in found
    given = 0
    while found:
        given += _free_given_back(found)
    return given


def _free_given_back(found: list[bytes]) -> int:
    """Give back the pages of the last bytes object of ``found`` and free it (the list's reference its last)."""
    span = pages_of(found[-1])
    given, unlocked = _give_back(found[-1], None, None)
    found.pop()                                    # freed here: its pages are gone, the munmap is quick
    if unlocked and memory_locked():               # a step's munlock done, even where its madvise failed
        relock(span)
    return given


def _big_members(unit: Any, seen: dict[str, int] | None) -> list[bytes]:
    """The pack members of ``unit`` at least :data:`BIG` bytes long, taken out of its pack, when nothing but ``unit``
    (held by :func:`_let_go_one` alone) can reach them; [] otherwise.  Each of the unit, its pack, the members and a
    member must show no more references than the same step showed on the probe chain nothing else held
    (:func:`counts_work`); ``seen`` given: the probe itself, whose counts are recorded there (nothing taken)."""
    pack = getattr(unit, "pack", None)
    members = getattr(pack, "members", None)
    if not isinstance(members, dict) or not _alone(unit, "unit", seen) or not _alone(pack, "pack", seen) \
            or not _alone(members, "members", seen):
        return []
    big = [name for name, data in members.items() if type(data) is bytes and len(data) >= BIG]
    if any(not _alone(members[name], "member", seen) for name in big) or seen is not None:
        return []
    return [members.pop(name) for name in big]     # the unit is being freed: nothing reads its pack again


def _alone(obj: Any, role: str, seen: dict[str, int] | None) -> bool:
    """Whether ``obj`` (the ``role`` step of a chain) has no more references than the probe showed at that step
    and no weak reference; ``seen`` given: record the count there instead (the probe)."""
    count = sys.getrefcount(obj)
    if seen is not None:
        seen[role] = count
        return True
    return count <= _BASE[0].get(role, -1) and (not _weakrefable(obj) or weakref.getweakrefcount(obj) == 0)


_ROLES = ("unit", "pack", "members", "member")
_BASE: list[dict[str, int]] = []     # the probe's counts, measured on first use; {} where counts cannot be trusted


def counts_work() -> bool:
    """Whether reference counts here tell a chain nothing else holds from one held once more, measured once on a
    throwaway unit -> pack -> members -> bytes chain run through :func:`_let_go_all` as a real unit is: alone, then
    held once more at every step.  The counts differ between interpreters (3.10 keeps the caller's reference
    during a call; 3.14 borrows some without counting them): the alone chain's become the baselines, and the
    release is used only where the held chain's are each exactly one more (else every unit is freed as before)."""
    if not _BASE:
        _BASE.append(_baselines())
    return bool(_BASE[0])


def _baselines() -> dict[str, int]:
    """The alone probe's counts by role when the held probe's are each one more; {} otherwise (module-level
    ``_BASE`` is filled with this once)."""
    alone: dict[str, int] = {}
    _let_go_all([_probe_unit()], alone)
    held: dict[str, int] = {}
    unit = _probe_unit()
    pack, members = unit.pack, unit.pack.members
    member = members["model"]
    _let_go_all([unit], held)
    del unit, pack, members, member
    if set(alone) != set(_ROLES) or any(held.get(role) != alone[role] + 1 for role in _ROLES):
        return {}
    return alone


class _ProbePack:
    def __init__(self) -> None:
        self.members = {"model": bytes(BIG)}


class _ProbeUnit:
    def __init__(self) -> None:
        self.pack = _ProbePack()


def _probe_unit() -> _ProbeUnit:
    """A throwaway unit whose pack holds one :data:`BIG` bytes member, nothing else holding any of them."""
    return _ProbeUnit()


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
    zeros there afterwards: only for a bytes object about to be freed that nothing else holds
    (:func:`let_go`).  ``between``: called after each step (tests)."""
    return _give_back(data, step, between)[0]


def _give_back(data: bytes, step: int | None, between: Callable[[], None] | None) -> tuple[int, bool]:
    """:func:`give_back`, and whether any ``munlock`` was done (then the span is to be locked again, even where
    the ``madvise`` after it failed and nothing was dropped)."""
    libc = _libc()
    start, end = pages_of(data)
    if libc is None or end <= start:
        return 0, False
    done, step, unlocked = start, step or STEP, False
    while done < end:
        size = min(step, end - done)
        if libc.munlock(done, size) != 0:
            break
        unlocked = True
        if libc.madvise(done, size, MADV_DONTNEED) != 0:
            break
        done += size
        if between is not None:
            between()
    return done - start, unlocked


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

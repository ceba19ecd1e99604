"""p58 M3 (R1 finding 8): where a step's munlock was done but its madvise failed, nothing is given back, yet the
span is locked again (it was left unlocked: 2 MiB of an mlockall'd engine that could be paged out)."""
from __future__ import annotations

import os

from device.audio import unit_release


class HalfLibc:
    """munlock works, madvise fails (EINVAL on some kernels), mlock2 recorded."""

    def __init__(self) -> None:
        self.relocked: list[int] = []

    def munlock(self, addr: int, size: int) -> int:
        return 0

    def madvise(self, addr: int, size: int, advice: int) -> int:
        return -1

    def mlock2(self, addr: int, size: int, flags: int) -> int:
        self.relocked.append(size)
        return 0


class Pack:
    def __init__(self) -> None:
        self.members = {"model.onnx": os.urandom(3 << 20)}


class Unit:
    def __init__(self) -> None:
        self.pack = Pack()


def test_an_unlocked_span_whose_madvise_failed_is_locked_again(monkeypatch):
    assert unit_release.counts_work()                  # measured with the real counts, before the fake C library
    libc = HalfLibc()
    monkeypatch.setattr(unit_release, "_LIBC", [libc])
    monkeypatch.setattr(unit_release, "memory_locked", lambda: True)
    assert unit_release.let_go([Unit()]) == 0          # nothing dropped
    assert len(libc.relocked) == 1 and libc.relocked[0] >= (3 << 20) - 2 * unit_release.PAGE


def test_nothing_unlocked_nothing_locked_again(monkeypatch):
    assert unit_release.counts_work()
    libc = HalfLibc()
    monkeypatch.setattr(libc, "munlock", lambda addr, size: -1)
    monkeypatch.setattr(unit_release, "_LIBC", [libc])
    monkeypatch.setattr(unit_release, "memory_locked", lambda: True)
    assert unit_release.let_go([Unit()]) == 0 and libc.relocked == []

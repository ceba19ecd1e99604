"""The engine locks its memory so that pages are locked as they are first touched (MCL_ONFAULT), not populated inside
the call that maps them: numpy makes its big arrays holding the GIL, so with MCL_FUTURE alone the sampler decoding a
long file held the audio thread up for as long (a probe: 48 MB of arrays, a 20 ms wait for the GIL; 1 ms with
MCL_ONFAULT; `bench/engine_mlock_decode.py`).  A kernel without MCL_ONFAULT (before Linux 4.4) gets MCL_FUTURE."""
from __future__ import annotations

import errno

from device.audio.realtime import MCL_CURRENT, MCL_FUTURE, MCL_ONFAULT, lock_memory


class FakeLibc:
    """mlockall that records its flags and refuses those in ``refuse`` with EINVAL."""

    def __init__(self, refuse: set[int] = frozenset()) -> None:
        self.calls: list[int] = []
        self.refuse = refuse

    def mlockall(self, flags: int) -> int:
        self.calls.append(flags)
        return -1 if flags in self.refuse else 0


def test_current_pages_at_once_and_later_ones_as_they_are_touched() -> None:
    libc = FakeLibc()
    assert lock_memory(libc=libc) == ""
    assert libc.calls == [MCL_CURRENT, MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT]


def test_a_kernel_without_on_fault_locks_the_future_as_before(monkeypatch) -> None:
    import ctypes
    monkeypatch.setattr(ctypes, "get_errno", lambda: errno.EINVAL)
    libc = FakeLibc(refuse={MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT})
    assert lock_memory(libc=libc) == ""
    assert libc.calls[-1] == MCL_CURRENT | MCL_FUTURE
    refused = FakeLibc(refuse={MCL_CURRENT})
    assert lock_memory(libc=refused) == "Invalid argument" and refused.calls == [MCL_CURRENT]

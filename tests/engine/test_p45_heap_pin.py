"""The engine process fixes glibc's mmap threshold before any pack loads (device/audio/heap.py): the forty-fifth
stop's soak saw its resident set grow 0.8-1 MiB with every new pack version and never come back, because glibc's
dynamic threshold rose after the first big block was freed and onnxruntime's buffers of every new session then came
from the heap (holes the memory lock keeps resident).  bench/engine_rss_versions.py measures the growth itself (too
slow for a test); these check the mechanism: the engine process's state sets the threshold (and not with
HATBOX_HEAP_PIN=0), and on this C library a big block freed then stays mapped on its own only once it is set."""
from __future__ import annotations

import subprocess
import sys
import textwrap
from typing import Any

import pytest

from device.audio import heap
from device.audio.alsa_io import AudioConfig
from device.audio.server import ServerConfig, _Child


class FakeLibc:
    """A C library that records its ``mallopt`` calls."""

    def __init__(self) -> None:
        self.calls: list[tuple[int, int]] = []

    def mallopt(self, param: int, value: int) -> int:
        self.calls.append((param, value))
        return 1

    def malloc_trim(self, pad: int) -> int:
        return 0


def child_with(monkeypatch: pytest.MonkeyPatch, libc: FakeLibc) -> Any:
    """The engine process's state (as server._engine_run makes it), its C library ``libc``; stopped again."""
    monkeypatch.setattr(heap, "glibc", lambda: libc)
    child = _Child(ServerConfig(audio=AudioConfig(rate=48000, period=128), backend="file", realtime=False))
    child.knobs.stop()
    child.swapper.stop()
    return child


def test_engine_state_pins_the_mmap_threshold(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(heap.PIN_ENV, raising=False)
    libc = FakeLibc()
    child = child_with(monkeypatch, libc)
    assert libc.calls == [(heap.M_MMAP_THRESHOLD, 128 << 10)]
    assert child.heap_pinned is True


def test_heap_pin_off_leaves_the_allocator(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(heap.PIN_ENV, "0")
    libc = FakeLibc()
    child = child_with(monkeypatch, libc)
    assert libc.calls == []
    assert child.heap_pinned is False


class RefusingLibc(FakeLibc):
    def mallopt(self, param: int, value: int) -> int:
        super().mallopt(param, value)
        return 0


def test_pin_says_whether_it_was_set() -> None:
    assert heap.pin_wanted({}) and heap.pin_wanted({heap.PIN_ENV: "1"}) and not heap.pin_wanted({heap.PIN_ENV: "0"})
    refusing = RefusingLibc()
    assert heap.pin_mmap_threshold(libc=refusing, environ={}) is False
    assert refusing.calls == [(heap.M_MMAP_THRESHOLD, heap.MMAP_THRESHOLD)]
    off = FakeLibc()
    assert heap.pin_mmap_threshold(libc=off, environ={heap.PIN_ENV: "0"}) is False and off.calls == []


MAPPED_AFTER_FREE = textwrap.dedent("""
    import ctypes, sys
    from device.audio import heap
    libc = ctypes.CDLL("libc.so.6")
    class Info(ctypes.Structure):
        _fields_ = [(n, ctypes.c_size_t) for n in ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks",
                                                    "fsmblks", "uordblks", "fordblks", "keepcost")]
    libc.mallinfo2.restype = Info
    libc.malloc.restype = ctypes.c_void_p
    libc.free.argtypes = [ctypes.c_void_p]
    if sys.argv[1] == "pin":
        assert heap.pin_mmap_threshold()
    libc.free(libc.malloc(4 << 20))          # a session's big buffer, freed: glibc's dynamic threshold rises
    before = libc.mallinfo2().hblkhd
    block = libc.malloc(1 << 20)             # the next session's 1 MiB buffer: mapped on its own, or on the heap?
    print(libc.mallinfo2().hblkhd - before)
    libc.free(block)
""")


def mapped_bytes(mode: str) -> int:
    """In a fresh process (``mode`` "pin" or not): how many bytes of a 1 MiB block are mapped on their own after a
    4 MiB block was freed."""
    out = subprocess.run([sys.executable, "-c", MAPPED_AFTER_FREE, mode], capture_output=True, text=True, timeout=60,
                         check=True)
    return int(out.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(heap.glibc() is None or not hasattr(heap.glibc(), "mallinfo2"), reason="needs glibc >= 2.33")
def test_pinned_threshold_maps_a_big_block_after_a_bigger_one_was_freed() -> None:
    assert mapped_bytes("pin") >= 1 << 20             # given back with munmap when freed, memory locked or not
    assert mapped_bytes("glibc") == 0                 # glibc's own: on the heap, a hole once freed

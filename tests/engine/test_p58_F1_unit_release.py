"""p58 F1: a unit let go of gives its big model's memory back outside the GIL, a step at a time
(device/audio/unit_release.py), and never memory anything else still reads."""
from __future__ import annotations

import hashlib
import sys
import threading
import time
from pathlib import Path

import pytest

from device.audio import unit_release
from device.audio.swap import build_unit
from export.pack import read_pack
from tests.api.packs import gain_pack

MIB = 1 << 20


def big_unit(tmp_path: Path, mib: int = 4) -> tuple[object, int]:
    """An effect unit whose pack's model is about ``mib`` MiB (random weights), and the model's length."""
    pack = read_pack(gain_pack(tmp_path / "big.hatpack", pad_bytes=mib * MIB))
    return build_unit(pack, "effect", 48000, 1), len(pack.model_bytes)


def ticks_during(work: object) -> int:
    """How many times another thread ran while ``work()`` ran, with a switch interval of 5 s: only where
    ``work`` itself lets go of the GIL (a blocking C call) can that thread run."""
    ticks: list[float] = []
    go, stop = threading.Event(), threading.Event()

    def other() -> None:
        go.wait()
        while not stop.is_set():
            ticks.append(time.perf_counter())
            time.sleep(0)

    thread = threading.Thread(target=other, daemon=True)
    before = sys.getswitchinterval()
    thread.start()
    sys.setswitchinterval(5.0)
    try:
        go.set()
        t0 = time.perf_counter()
        work()                                          # type: ignore[operator]
        t1 = time.perf_counter()
    finally:
        sys.setswitchinterval(before)
        stop.set()
        thread.join(10)
    return sum(t0 <= t <= t1 for t in ticks)


def test_a_unit_held_by_the_list_alone_has_its_model_given_back_in_steps(tmp_path, monkeypatch):
    unit, size = big_unit(tmp_path)
    monkeypatch.setattr(unit_release, "STEP", 256 << 10)
    units = [unit]
    del unit
    given = unit_release.let_go(units)
    assert units == []
    assert size - 2 * unit_release.PAGE <= given <= size      # every whole page of the model


def test_the_audio_thread_may_run_while_the_model_goes_back(tmp_path, monkeypatch):
    """The GIL is let go of during the release: a plain drop of the same bytes (what the loader did) holds it."""
    monkeypatch.setattr(unit_release, "STEP", 256 << 10)
    plain = [bytes(8 * MIB)]
    assert ticks_during(plain.clear) == 0                  # freeing a bytes object: the GIL held all along
    # whether the other thread wakes within one step's C call is up to the OS (a loaded CI machine may not
    # schedule it in time): a fresh unit each try, until one release lets it run; the plain free above never does
    for attempt in range(12):
        unit, _ = big_unit(tmp_path / str(attempt), 4)
        units = [unit]
        del unit
        if ticks_during(lambda: unit_release.let_go(units)) >= 1:
            break
    else:
        pytest.fail("no other thread ran during 12 releases: the GIL was held throughout")


def test_give_back_drops_the_pages_step_by_step():
    data = bytes(range(256)) * (6 * MIB // 256)
    steps: list[int] = []
    given = unit_release.give_back(data, 1 * MIB, between=lambda: steps.append(1))
    start, end = unit_release.pages_of(data)
    assert given == end - start >= 5 * MIB
    assert len(steps) == -(-given // MIB)                  # one C call per MiB, no more
    offset = start - _address(data)
    assert data[offset:offset + 4096] == bytes(4096)       # gone: the pages read as zeros


def _address(data: bytes) -> int:
    import ctypes
    return ctypes.cast(ctypes.c_char_p(data), ctypes.c_void_p).value


@pytest.mark.parametrize("also_held", ["pack", "unit", "model"])
def test_memory_something_else_holds_is_left_whole(tmp_path, also_held):
    unit, _ = big_unit(tmp_path)
    pack = unit.pack
    model = pack.model_bytes
    digest = hashlib.sha256(model).hexdigest()
    kept = {"pack": pack, "unit": unit, "model": model}[also_held]
    units = [unit]
    del unit, pack, model
    assert unit_release.let_go(units) == 0
    model = kept.pack.model_bytes if also_held == "unit" else kept.model_bytes if also_held == "pack" else kept
    assert hashlib.sha256(model).hexdigest() == digest


def test_a_unit_without_a_pack_is_let_go_of_as_before():
    units = [object(), None]
    assert unit_release.let_go(units) == 0 and units == []

"""p45 soak QA: the status's ``xrun_blocks`` kept the FIRST 32 xruns of a run, so after days it showed only the first
minutes.  It keeps the LAST 32 now, oldest first, bounded, and the audio thread's note of an xrun allocates
nothing once the ring has filled."""
from __future__ import annotations

import numpy as np

from device.audio.engine import MAX_XRUN_BLOCKS, Engine, EngineConfig
from tests.engine.helpers import peak_bytes

BLOCK = 32


def _engine_with_xruns(n: int) -> tuple[Engine, list[int]]:
    """An engine that ran 3 blocks per xrun, ``n`` xruns; returns it and the block of every xrun, oldest first."""
    eng = Engine(EngineConfig(rate=48000, block=BLOCK, xfade_s=0.0, live_input=False))
    inp, out = np.zeros(BLOCK, np.float32), np.zeros(BLOCK, np.float32)
    seen = []
    for _ in range(n):
        for _ in range(3):
            eng.process(inp, out)
        eng.note_xrun()
        seen.append(eng.blocks)
    return eng, seen


def test_the_status_keeps_the_last_32_xruns_oldest_first() -> None:
    eng, seen = _engine_with_xruns(MAX_XRUN_BLOCKS + 9)
    st = eng.status()
    assert st["xruns"] == MAX_XRUN_BLOCKS + 9 == len(seen)
    assert st["xrun_blocks"] == seen[-MAX_XRUN_BLOCKS:]          # the first code kept seen[:32]
    assert st["xrun_blocks"][-1] == st["blocks"] and st["xrun_blocks"] == sorted(st["xrun_blocks"])


def test_fewer_xruns_than_kept_are_all_there() -> None:
    eng, seen = _engine_with_xruns(5)
    assert eng.status()["xrun_blocks"] == seen and MAX_XRUN_BLOCKS == 32


def test_noting_an_xrun_on_a_full_ring_allocates_nothing() -> None:
    eng, _ = _engine_with_xruns(MAX_XRUN_BLOCKS + 1)
    eng.blocks = 10**9                               # an int object of its own, as a long run's block count is

    def many() -> None:
        for _ in range(2000):
            eng.note_xrun()

    def count_only() -> None:                        # the same loop and count, nothing kept
        for _ in range(2000):
            eng.xruns += 1

    assert peak_bytes(many) <= peak_bytes(count_only) + 32     # a deque block is 528 bytes, a grown list more
    assert len(eng.status()["xrun_blocks"]) == MAX_XRUN_BLOCKS

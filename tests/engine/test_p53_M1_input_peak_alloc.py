"""p53 review: the engine's input meter took ``np.max(np.abs(inp))`` every block, a temporary of the block's size
(32 kB at 8192 samples) made on the audio thread; now its peak is the larger of max and -min, with no array made."""
from __future__ import annotations

import tracemalloc

import numpy as np

from device.audio.engine import Engine, EngineConfig
from tests.engine.helpers import RATE, tone

BLOCK = 8192


def test_an_empty_engine_makes_no_block_sized_array_per_block_and_meters_the_input() -> None:
    engine = Engine(EngineConfig(rate=RATE, block=BLOCK))
    x, y = tone(BLOCK / RATE, 220.0, 0.5), np.zeros(BLOCK, np.float32)
    x[100] = -0.75                                             # the peak is a negative sample
    for _ in range(3):
        engine.process(x, y)                                   # warm
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        engine.process(x, y)
        peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
    assert peak < BLOCK * 4 // 2, f"{peak} bytes made in one block"
    assert engine.input_peaks.held() == np.float32(0.75)

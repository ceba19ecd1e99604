"""A file take's own end (the end of ``--input``, the end of ``--seconds``) glides over the last ~10 ms of the take,
ending on its last sample, whatever the block (p58 R1 finding 1: the glide began a whole block early and added the
stop's silent block, so at block 8192 the last 284 ms of a take were silent and a 2-block take was silent throughout).
"""
from __future__ import annotations

import numpy as np
import pytest

from device.audio.alsa_io import run_loop
from device.audio.engine import Engine, EngineConfig, VOLUME_GLIDE_S, glide_blocks

from tests.engine.helpers import RATE, max_step
from tests.engine.test_p58_F6_take_end_fade import Taken, _sine

GLIDE = int(VOLUME_GLIDE_S * RATE)                     # 480 samples


def _last_audible(y: np.ndarray) -> int:
    """Index just past the last sample above -60 dBFS (0 when none is)."""
    loud = np.flatnonzero(np.abs(y) > 1e-3)
    return int(loud[-1]) + 1 if loud.size else 0


@pytest.mark.parametrize("block", [1024, 4096, 8192])
def test_the_end_of_the_input_glides_over_its_last_10_ms_at_any_block(block: int) -> None:
    x = _sine(0.5, freq=220.0)                         # 24000 samples: not a whole number of these blocks
    io = Taken(x, block=block)
    run_loop(Engine(EngineConfig(rate=RATE, block=block)), io)
    y = io.take()
    assert y.shape[0] == -(-x.shape[0] // block) * block
    assert x.shape[0] - GLIDE - 48 <= _last_audible(y) <= x.shape[0]     # silent only in the glide's last samples
    assert np.max(np.abs(y[x.shape[0] - GLIDE - 20 * 48:x.shape[0] - GLIDE])) > 0.7   # full level until the glide
    assert np.all(y[x.shape[0]:] == 0.0) and max_step(y) <= max_step(x) * 1.05


@pytest.mark.parametrize("block,seconds", [(8192, 0.34), (4096, 0.17), (8192, 0.6)])
def test_the_end_of_seconds_keeps_the_take_until_its_last_10_ms(block: int, seconds: float) -> None:
    io = Taken(_sine(1.0, freq=220.0), block=block)
    res = run_loop(Engine(EngineConfig(rate=RATE, block=block)), io, seconds=seconds)
    y = io.take()
    n = res["blocks"] * block
    assert y.shape[0] == n and y[-1] == 0.0
    assert n - GLIDE - 48 <= _last_audible(y)
    assert np.max(np.abs(y[n - GLIDE - 20 * 48:n - GLIDE])) > 0.7
    assert res["fade_blocks"] == glide_blocks(RATE, block)


def test_a_take_shorter_than_the_glide_keeps_what_it_can() -> None:
    """384 samples (8 ms, three blocks of 128) glide over their whole length: audible, ending on 0."""
    x = _sine(0.008)
    io = Taken(x)
    run_loop(Engine(EngineConfig(rate=RATE, block=128)), io)
    y = io.take()
    assert y.shape[0] == 384 and y[-1] == 0.0
    assert np.max(np.abs(y[:192])) > 0.1 and max_step(y) <= max_step(x) * 1.05

"""A recorded take ends on one straight 10 ms fall to exactly 0 on its last sample, whichever end comes first: its own
end (the end of ``--input``) or its length limit (``output_limit_s``, the store's bounded --sim take); a stop near the
limit, ending the run on or before it, is not ramped by the limit too (a limit inside a stop's fall still multiplies
it: it ends on 0; p59 R1).  Before (p58 closing note), a take that ended by itself within 10 ms of its
limit was ramped twice: by the block loop's glide and by the file backend's own ramp (two formulas for one fall)."""
from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest

from device.audio.alsa_io import AudioConfig
from device.audio.audiofile import read
from device.audio.block_loop import run_loop
from device.audio.engine import Engine, EngineConfig, VOLUME_GLIDE_S
from device.audio.file_io import FileIO

from tests.engine.helpers import RATE
from tests.engine.test_p58_F6_take_end_fade import Taken, _sine

GLIDE = int(round(VOLUME_GLIDE_S * RATE))               # 480 samples
E = 14400                                               # the input's own end (0.3 s): not a whole number of blocks


def _raw(block: int) -> np.ndarray:
    """The engine's output for a long input, no end near sample E + 10000: what every take below holds before its
    end glides."""
    io = Taken(_sine(1.0, freq=220.0), block=block)
    run_loop(Engine(EngineConfig(rate=RATE, block=block)), io)
    return io.take()


def _recorded(tmp_path: Path, x: np.ndarray, block: int, limit: int | None, **loop: object) -> np.ndarray:
    """The WAV the file backend records of ``x`` at ``block`` with a length limit of ``limit`` samples (None: none)."""
    out = tmp_path / f"take-{block}-{limit}.wav"
    limit_s = None if limit is None else (limit + 0.5) / RATE      # int(limit_s * RATE) == limit
    io = FileIO(AudioConfig(rate=RATE, period=block, periods=3), x, out, out_limit_s=limit_s)
    run_loop(Engine(EngineConfig(rate=RATE, block=block)), io, **loop)
    io.close()
    return read(out, mono=True)[0].reshape(-1)


def _one_fall(raw: np.ndarray, end: int, n: int) -> np.ndarray:
    """The first ``n`` samples of ``raw`` times one straight fall from 1 to exactly 0 on sample ``end - 1`` over the
    glide's 480 samples (0 after it)."""
    i = np.arange(n, dtype=np.float64)
    return raw[:n] * np.clip((end - 1 - i) / GLIDE, 0.0, 1.0)


@pytest.mark.parametrize("block,offset", [(128, -200), (128, 0), (128, 100), (128, 479), (128, -2000), (128, 2000),
                                          (1024, -300), (1024, 64), (8192, -100)])
def test_the_take_falls_once_to_the_end_that_comes_first(tmp_path: Path, block: int, offset: int) -> None:
    """The input ends at E, the limit is at E + ``offset``: the recording is the engine's output up to the first of
    the two, times one straight fall ending there (within 10 ms of each other, it was the product of two falls).
    (128, 2000) is the input's own end alone: 64 samples into a block, it fell over 447 samples, not 480, before."""
    limit = E + offset
    y = _recorded(tmp_path, _sine(1.0, freq=220.0)[:E], block, limit)
    taken = -(-E // block) * block                         # the take's own length: whole blocks
    assert y.shape[0] == min(taken, limit)
    want = _one_fall(_raw(block), min(E, limit), y.shape[0])
    assert np.max(np.abs(want[:min(E, limit) - 30 * 48])) > 0.7                          # full level before
    np.testing.assert_allclose(y, want, rtol=0, atol=1e-6)


def test_a_stop_just_before_the_limit_is_not_ramped_by_the_limit_too(tmp_path: Path) -> None:
    """Stopped after block 100, the stop's glide and its silent block end the run on the limit's sample: the
    recording is the same as without a limit (the limit used to ramp the stop's glide once more)."""
    x = _sine(1.0, freq=220.0)
    stop = threading.Event()

    def stopped(k: int) -> None:
        if k >= 100:
            stop.set()
    free = _recorded(tmp_path, x, 128, None, stop=stop, on_block=stopped)
    stop.clear()
    limited = _recorded(tmp_path, x, 128, free.shape[0], stop=stop, on_block=stopped)
    assert free.shape[0] > 100 * 128 and free[-1] == 0.0
    np.testing.assert_array_equal(limited, free)


@pytest.mark.parametrize("sizes", [(1,), (100,), (77, 300, 1)])
def test_the_limit_falls_the_same_however_the_output_is_written(tmp_path: Path, sizes: tuple[int, ...]) -> None:
    """The file backend's own writes in pieces of any size (not only the loop's blocks) record the same fall."""
    x, limit = _sine(0.3, freq=220.0), 12000

    def recorded(name: str, pieces: tuple[int, ...]) -> np.ndarray:
        io = FileIO(AudioConfig(rate=RATE, period=128, periods=3), None, tmp_path / name,
                    out_limit_s=(limit + 0.5) / RATE)
        at, i = 0, 0
        while at < x.shape[0]:
            n = pieces[i % len(pieces)]
            io.write(x[at:at + n])
            at, i = at + n, i + 1
        io.close()
        return read(tmp_path / name, mono=True)[0].reshape(-1)
    y = recorded("pieces.wav", sizes)
    np.testing.assert_array_equal(y, recorded("blocks.wav", (128,)))
    np.testing.assert_allclose(y, _one_fall(x, limit, limit), rtol=0, atol=1e-6)

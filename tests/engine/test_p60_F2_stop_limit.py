"""p60 F2 (p59 closing note): a stop whose 10 ms fall and the recording's length limit's fall overlapped multiplied
them (it ended on 0, falling faster than one straight line).  Now the recording falls once: by the stop's fall when
that ends first (the limit's is called off), or, for a limit within the stop's fall, by the limit's own straight
line, the run playing on to the limit (at most 10 ms) before the stop's fall begins past the recording's end."""
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

from tests.engine.helpers import RATE, tone

BLOCK = 128
GLIDE = int(round(VOLUME_GLIDE_S * RATE))               # 480 samples
STOP_AT = 100                                           # the stop comes after this many blocks
S = STOP_AT * BLOCK                                     # the stop's first sample


def _recorded(tmp_path: Path, limit: int | None, stopped: bool) -> np.ndarray:
    """The WAV the file backend records of a 1 s sine at block 128 with a length limit of ``limit`` samples (None:
    none), stopped after block STOP_AT (``stopped``) or not (the run ends with its input)."""
    out = tmp_path / f"take-{limit}-{stopped}.wav"
    limit_s = None if limit is None else (limit + 0.5) / RATE      # int(limit_s * RATE) == limit
    io = FileIO(AudioConfig(rate=RATE, period=BLOCK, periods=3), tone(1.0, amp=0.8), out, out_limit_s=limit_s)
    stop = threading.Event()

    def on_block(k: int) -> None:
        if stopped and k >= STOP_AT:
            stop.set()
    run_loop(Engine(EngineConfig(rate=RATE, block=BLOCK)), io, stop=stop, on_block=on_block)
    io.close()
    return read(out, mono=True)[0].reshape(-1).astype(np.float64)


@pytest.mark.parametrize("after", [1, 200, 479])
def test_a_limit_within_the_stop_s_fall_falls_once_on_its_own_line(tmp_path: Path, after: int) -> None:
    """The limit ``after`` samples into the stop's fall (its own fall begun before the stop): the recording is the
    unstopped output times one straight fall to exactly 0 on the limit's last sample."""
    limit = S + after
    y = _recorded(tmp_path, limit, stopped=True)
    free = _recorded(tmp_path, None, stopped=False)
    i = np.arange(limit, dtype=np.float64)
    want = free[:limit] * np.clip((limit - 1 - i) / GLIDE, 0.0, 1.0)
    assert y.shape == (limit,) and y[-1] == 0.0 and np.max(np.abs(want[S - 2 * GLIDE:S - GLIDE])) > 0.7
    np.testing.assert_allclose(y, want, rtol=0, atol=1e-6)


@pytest.mark.parametrize("after", [GLIDE, 600])
def test_a_limit_whose_fall_begins_inside_the_stop_s_leaves_the_stop_s_alone(tmp_path: Path, after: int) -> None:
    """The limit's fall would begin inside the stop's (the stop's ends first): the recording is the stopped run's
    without a limit, up to the limit (silence after the stop's fall)."""
    stopped = _recorded(tmp_path, None, stopped=True)
    y = _recorded(tmp_path, S + after, stopped=True)
    assert stopped.shape[0] > S + after and y.shape == (S + after,)
    np.testing.assert_array_equal(y, stopped[:S + after])
    assert np.all(y[S + GLIDE - 1:] == 0.0) and np.max(np.abs(y[S - GLIDE:S])) > 0.7

"""A recording cut by its length limit (``output_limit_s``: the store's bounded --sim take) glides to 0 over its
last ~10 ms instead of ending on a full-level sample, a click when played (p58 R1 finding 5)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from device.audio.alsa_io import AudioConfig, FileIO, run_loop
from device.audio.audiofile import read
from device.audio.engine import Engine, EngineConfig

from tests.engine.helpers import RATE, max_step
from tests.engine.test_p58_F6_take_end_fade import _sine

MS = RATE // 1000


@pytest.mark.parametrize("limit_s,block", [(0.3, 128), (0.2501, 1024), (0.26, 8192)])
def test_the_take_cut_by_its_limit_ends_on_a_glide(tmp_path: Path, limit_s: float, block: int) -> None:
    x = _sine(1.0, freq=220.0)
    io = FileIO(AudioConfig(rate=RATE, period=block, periods=3), x, tmp_path / "take.wav", out_limit_s=limit_s)
    run_loop(Engine(EngineConfig(rate=RATE, block=block)), io)
    io.close()
    y, _ = read(tmp_path / "take.wav", mono=True)
    y = y.reshape(-1)
    assert y.shape[0] == int(limit_s * RATE) and io.recording()["note"]
    assert abs(float(y[-1])) < 1e-3 and np.max(np.abs(y[-MS:])) < 0.1       # 0 (to the WAV's precision)
    assert np.max(np.abs(y[-30 * MS:-20 * MS])) > 0.7                         # full level until the glide
    assert max_step(y[-40 * MS:]) <= max_step(x) * 1.05 + 1e-3

"""p59 R1: the take's own end comes before the length limit,
and the limit's fall would begin in the second piece of a block split by the file buffer's 0.25 s edge: the take must
still end on its own one fall to 0 (it ended at -0.86 at block 8192)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from device.audio.alsa_io import AudioConfig
from device.audio.audiofile import read
from device.audio.block_loop import run_loop
from device.audio.engine import Engine, EngineConfig
from device.audio.file_io import FileIO

RATE = 48000


@pytest.mark.parametrize("block,end,limit", [(8192, 17192, 20192), (128, 12512, 12607), (4096, 14589, 15241)])
def test_the_own_end_before_the_limit_falls_to_0_across_a_buffer_edge(tmp_path: Path, block: int, end: int, limit: int) -> None:
    x = (0.9 * np.sin(2 * np.pi * 220.0 * np.arange(end) / RATE)).astype(np.float32)
    ys = []
    for lim in (None, limit):
        io = FileIO(AudioConfig(rate=RATE, period=block, periods=3), x, tmp_path / f"{lim}.wav",
                    out_limit_s=None if lim is None else (lim + 0.5) / RATE)
        run_loop(Engine(EngineConfig(rate=RATE, block=block)), io)
        io.close()
        ys.append(read(tmp_path / f"{lim}.wav", mono=True)[0].reshape(-1))
    assert ys[1][end - 1] == 0.0
    np.testing.assert_array_equal(ys[1], ys[0][:ys[1].shape[0]])

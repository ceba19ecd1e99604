"""p59 R1 5: a cued input (FileIO.wait_for_cue) whose cue has come when the run starts ends on the same one 10 ms
fall to 0 as the same input uncued.  The take's end was asked before read() took the cue, which said nothing was
left: an input ending inside the cue's block stopped on 0.064, not 0, and a 500-sample one fell over 372 samples."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from device.audio.alsa_io import AudioConfig
from device.audio.block_loop import run_loop
from device.audio.engine import Engine, EngineConfig
from device.audio.file_io import FileIO


class _Taken(FileIO):
    """FileIO that keeps every block it is given to write (no file)."""

    def __init__(self, audio: np.ndarray) -> None:
        super().__init__(AudioConfig(rate=48000, period=128, periods=3), audio)
        self.got: list[np.ndarray] = []

    def write(self, buf: np.ndarray) -> bool:
        self.got.append(buf.copy())
        return super().write(buf)


def _played(x: np.ndarray, cued: bool) -> np.ndarray:
    io = _Taken(x)
    if cued:
        io.wait_for_cue(SimpleNamespace(value=True))
    run_loop(Engine(EngineConfig(rate=48000, block=128)), io)
    return np.concatenate(io.got)[:x.shape[0]]


@pytest.mark.parametrize("n", [100, 500, 700])
def test_a_cued_input_that_ends_in_its_cue_block_falls_as_the_uncued_one(n: int) -> None:
    x = (0.8 * np.sin(2 * np.pi * 1000 * np.arange(n) / 48000)).astype(np.float32)
    cued, plain = _played(x, True), _played(x, False)
    assert plain[-1] == 0.0 and np.max(np.abs(plain)) > 0.01          # it sounded, and ended on 0
    np.testing.assert_array_equal(cued, plain)

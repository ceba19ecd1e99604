"""p57 M3: the file backend's input may wait for its cue (ServerConfig.input_cued): silence in, however long, until
EngineProcess.start_input(), then the input file from its start.  `hatbox demo` sets its box up on that one engine
(its packs hot-swapped in, recorded) and cues the guitar phrase when the performance begins."""
from __future__ import annotations

import ctypes
import time
from pathlib import Path

import numpy as np
import pytest

from device.audio import audiofile
from device.audio.alsa_io import AudioConfig, FileIO
from device.audio.engine import EngineConfig
from device.audio.server import EngineProcess, ServerConfig
from hatbox.errors import HatboxError

RATE, BLOCK = 48000, 128


def test_a_cued_input_is_silence_until_its_cue_then_the_file_from_its_start() -> None:
    cfg = AudioConfig(rate=RATE, period=BLOCK)
    io = FileIO(cfg, np.arange(1, 2 * BLOCK + 1, dtype=np.float32))
    cue = ctypes.c_byte(0)
    io.wait_for_cue(cue)
    buf = np.ones(BLOCK, np.float32)
    for _ in range(5):                                   # far past the input's two blocks: it waits, never ends
        io.read(buf)
        io.write(buf)
        assert not buf.any() and not io.exhausted
    cue.value = 1
    io.read(buf)
    assert buf[0] == 1.0 and buf[-1] == BLOCK            # from its first sample
    assert io.info["input"] == {"cued": True, "started_s": 5 * BLOCK / RATE}
    io.read(buf)
    assert io.exhausted


def _config(tmp_path: Path, cued: bool) -> ServerConfig:
    audiofile.write(tmp_path / "in.wav", np.full(RATE // 4, 0.5, np.float32), RATE)
    return ServerConfig(engine=EngineConfig(rate=RATE, block=BLOCK), backend="file", pace=True, realtime=False,
                        input_wav=str(tmp_path / "in.wav"), output_wav=str(tmp_path / "out.wav"), input_cued=cued)


def test_an_engine_with_a_cued_input_outlasts_the_input_until_cued(tmp_path: Path) -> None:
    engine = EngineProcess(_config(tmp_path, cued=True)).start()
    try:
        time.sleep(0.6)                                   # past the 0.25 s input: still running, silence in
        assert engine.alive()
        assert engine.status()["device"]["input"]["started_s"] is None
        engine.start_input()
        assert engine.wait(10) == 0                       # the input played to its end: a clean stop
    finally:
        engine.stop()
    take, _ = audiofile.read(tmp_path / "out.wav")
    loud = np.flatnonzero(np.abs(take[0]) > 0.1)
    assert loud.size and take.shape[1] >= loud[0] + RATE // 4 - BLOCK    # the whole input (0.25 s) after the cue
    assert loud[0] >= 4 * BLOCK                           # silence recorded until the cue (how much: the machine's
    #                                                       start-up under load, never the input's first sample)


def test_start_input_of_an_engine_not_cued_says_so(tmp_path: Path) -> None:
    engine = EngineProcess(_config(tmp_path, cued=False))
    with pytest.raises(HatboxError, match="not started cued"):
        engine.start_input()

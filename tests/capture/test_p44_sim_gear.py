"""The simulated gear loop (device/audio/sim_gear.py) and the real engine process capturing through it
(`hatbox device run --sim --sim-gear drive`'s path: device/audio/io_open.py, the server's capture hooks)."""
from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from device.audio.alsa_io import AudioConfig
from device.audio.sim_gear import DriveGear, GearLoopIO, process_offline
from hatbox.cli import main
from tests.capture.helpers import Wire


@pytest.mark.parametrize("block,latency", [(128, 240), (100, 100), (256, 50)])
def test_the_loop_returns_the_output_latency_samples_later(block: int, latency: int) -> None:
    io = GearLoopIO(AudioConfig(period=block), Wire(), latency)
    assert io.latency == max(latency, block)                  # at least one block
    x = np.random.default_rng(0).standard_normal(block * 20).astype(np.float32)
    got = np.zeros_like(x)
    buf = np.zeros(block, np.float32)
    for k in range(20):
        io.read(buf)
        got[k * block:(k + 1) * block] = buf
        io.write(x[k * block:(k + 1) * block])
    np.testing.assert_array_equal(got[io.latency:], x[:-io.latency])
    assert not np.any(got[:io.latency])


def test_drive_gear_streams_like_offline_and_follows_its_knobs() -> None:
    x = (0.3 * np.random.default_rng(1).standard_normal(9000)).astype(np.float32)
    gear = DriveGear(48000)
    gear.set("drive", 24.0)
    blocks = np.concatenate([gear.process(x[i:i + 77]) for i in range(0, x.shape[0], 77)])
    np.testing.assert_allclose(blocks, process_offline(x, {"drive": 24.0}, 48000), atol=1e-6)
    assert not gear.set("level", 1.0) and gear.set("drive", 99.0) and gear.values["drive"] == 36.0
    soft, hard = process_offline(0.1 * x, {"drive": 0.0}, 48000), process_offline(0.1 * x, {"drive": 30.0}, 48000)
    assert np.std(hard) > 3 * np.std(soft)


def test_sim_gear_needs_sim(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["device", "run", "--sim-gear", "drive", "--store", str(tmp_path / "s"), "--no-panel",
                 "--no-midi", "--no-api", "--osc-port", "0", "--seconds", "0.1"]) != 0
    assert "--sim-gear needs --sim" in capsys.readouterr().err


def test_the_engine_process_captures_through_the_simulated_gear(tmp_path: Path) -> None:
    from device.audio.capture_result import read_record
    from device.audio.engine import EngineConfig
    from device.audio.server import EngineProcess, ServerConfig
    # pace=False: the file backend runs as fast as it can (device run --sim paces it to the clock; the blocks, the
    # gear loop and the capture are the same): its 5 s take in 1.3-1.9 s instead of 6.8-7.7 s, the same 336 samples
    cfg = ServerConfig(engine=EngineConfig(live_input=False), audio=AudioConfig(period=256), backend="file",
                       pace=False, realtime=False, sim_gear="drive", sim_gear_latency_ms=7.0, crash_dir=str(tmp_path))
    engine = EngineProcess(cfg).start()
    try:
        engine.send({"op": "capture", "name": "c1", "path": str(tmp_path / "c1"), "seconds": 5.0,
                     "knobs": {"drive": 20}})
        end = time.monotonic() + 30
        while (st := engine.status()["capture"])["state"] in ("playing", "writing"):
            assert time.monotonic() < end, st
            time.sleep(0.05)
    finally:
        engine.stop()
    assert st["state"] == "done", st
    assert st["latency_samples"] - 336 in range(0, 4)            # 7 ms at 48 kHz, and the gear's own sample or so
    rec = read_record(tmp_path / "c1")
    assert rec["knobs"] == {"drive": 20.0} and (tmp_path / "c1" / "take.wav").is_file()

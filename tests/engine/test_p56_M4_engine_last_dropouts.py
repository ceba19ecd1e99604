"""p56 review R4 finding 4 (the engine process's part): the engine's last words carry its dropout count and what times
it, which `hatbox device run` counts before its stop line (hatbox/cmd_device.py ``_say_dropouts``), as last_faults."""
from __future__ import annotations

from pathlib import Path

from device.audio.alsa_io import AudioConfig
from device.audio.server import EngineProcess, ServerConfig
from hatbox.dropout_log import DropoutLog

RATE, BLOCK = 48000, 128


def test_the_engine_process_hands_over_its_dropout_count_as_it_finishes(tmp_path: Path) -> None:
    cfg = ServerConfig(audio=AudioConfig(rate=RATE, period=BLOCK), backend="file", pace=False, realtime=False,
                       output_wav=str(tmp_path / "out.wav"), seconds=0.2)
    engine = EngineProcess(cfg).start()
    try:
        engine.wait(30)
    finally:
        engine.stop()
    last = engine.last_dropouts
    assert isinstance(last["xruns"], int) and last["blocks"] >= int(0.2 * RATE / BLOCK)
    assert (last["block"], last["rate"]) == (BLOCK, RATE) and isinstance(last["load_max"], float)
    log = DropoutLog()
    log.seen(last)
    assert log.total == last["xruns"] and log.last is last

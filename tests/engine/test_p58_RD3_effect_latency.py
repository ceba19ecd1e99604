"""p58 RD3: the status's latency is what lies between the box's input and its output: the effect slot's pack's declared
latency (0: an effect pack must declare 0 to stream), not the last loaded pack's (a synth's latency delays its notes,
not the input: one declaring 240 samples made the file backend's status say 5 ms)."""
from __future__ import annotations

import json
import time
import zipfile
from pathlib import Path

from device.audio.alsa_io import AudioConfig
from device.audio.server import EngineProcess
from device.audio.server_config import ServerConfig
from tests.engine.helpers import RATE

FACTORY = Path(__file__).resolve().parents[2] / "factory"


def with_latency(src: Path, dst: Path, samples: int) -> Path:
    """``src`` with ``latency_samples`` declared in its manifest."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "manifest.json":
                data = json.dumps({**json.loads(data), "latency_samples": samples}).encode()
            zout.writestr(info.filename, data)
    return dst


def test_a_synth_s_latency_is_not_said_as_the_input_s(tmp_path: Path) -> None:
    synth = with_latency(FACTORY / "synth-gm4.hatpack", tmp_path / "late.hatpack", 240)
    cfg = ServerConfig(audio=AudioConfig(rate=RATE, period=128, periods=3), backend="file", pace=True,
                       realtime=False)
    engine = EngineProcess(cfg).start()
    try:
        engine.send({"op": "load", "slot": "effect", "path": str(FACTORY / "effect-drive.hatpack")})
        engine.send({"op": "load", "slot": "synth", "path": str(synth)})
        with_synth = engine.status()["latency_ms"]
        engine.send({"op": "unload", "slot": "effect"})
        time.sleep(0.05)
        without = engine.status()["latency_ms"]
    finally:
        engine.stop()
    assert (with_synth, without) == (0.0, 0.0)

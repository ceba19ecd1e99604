"""p49 loops QA: `hatbox box-library ID --play long/break_16bars.wav` played all 42.7 s, and nothing on the laptop
stopped it.  `DELETE /audition` (device/api/audition.py) and `hatbox box-library --stop` stop it: the answer says what
stopped; 401 without a token; the sampler's audition goes silent while a kit one-shot plays on."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile as sf

from device.api.audition import stop_message
from device.audio.engine import Engine, EngineConfig
from device.audio.sampler import SamplerSource
from hatbox.cli import main
from tests.api.conftest import make_box, paired_server  # noqa: F401 - the fixture

RATE, BLOCK = 48000, 256


def _wav(seconds: float, freq: float = 220.0) -> bytes:
    t = np.arange(int(RATE * seconds), dtype=np.float32) / RATE
    buf = io.BytesIO()
    sf.write(buf, (0.4 * np.sin(2 * np.pi * freq * t)).astype(np.float32), RATE, format="WAV")
    return buf.getvalue()


def _library_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("long/break_16bars.wav", _wav(3.0))
        z.writestr("oneshots/hit.wav", _wav(0.2, 440.0))
    return buf.getvalue()


def test_delete_audition_stops_what_play_started_and_says_it(tmp_path: Path) -> None:
    box = make_box(tmp_path)
    lid = box.client.post("/libraries", content=_library_zip(), headers=box.auth).json()["id"]
    assert box.client.delete("/audition").status_code == 401           # no token: nothing sent
    assert box.control.sent == []
    r = box.client.post(f"/libraries/{lid}/play", json={"path": "long/break_16bars.wav"}, headers=box.auth)
    assert r.status_code == 204, r.text
    r = box.client.delete("/audition", headers=box.auth)
    assert r.status_code == 200, r.text
    stopped = r.json()["stopped"]
    assert stopped["library"] == lid and stopped["path"] == "long/break_16bars.wav"
    assert stopped["seconds"] == pytest.approx(3.0) and 0.0 <= stopped["played_s"] < 3.0
    assert box.control.sent[-1] == {"op": "stop_audition", "slot": "sampler"}
    again = box.client.delete("/audition", headers=box.auth)              # nothing of the API's sounds now
    assert again.status_code == 200 and again.json() == {"stopped": None}
    assert box.control.sent[-1] == {"op": "stop_audition", "slot": "sampler"}   # (the panel's, if any, stops)


def test_box_library_stop_says_what_stopped(paired_server: Any, tmp_path: Path,  # noqa: F811 - the fixture
                                            capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "Loops"
    (folder / "long").mkdir(parents=True)
    (folder / "long" / "break_16bars.wav").write_bytes(_wav(3.0))
    assert main(["push-library", str(folder), "--quiet"]) == 0
    lid = paired_server.app.state.box.libraries.list()[0]["id"]
    assert main(["box-library", lid, "--play", "long/break_16bars.wav"]) == 0
    capsys.readouterr()
    assert main(["box-library", "--stop"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"stopped long/break_16bars.wav (library {lid}) after ") and out.rstrip().endswith(
        "of 3.0 s"), out
    assert paired_server.control.sent[-1] == {"op": "stop_audition", "slot": "sampler"}
    assert main(["box-library", lid, "--stop"]) == 0          # an id is taken, and not needed
    assert "no audition started from a laptop was sounding" in capsys.readouterr().out


def _level(engine: Engine, blocks: int) -> float:
    """The peak of the engine's output over its next ``blocks`` blocks."""
    out, peak = np.zeros(BLOCK, np.float32), 0.0
    for _ in range(blocks):
        engine.process(None, out)
        peak = max(peak, float(np.max(np.abs(out))))
    return peak


def test_the_stop_message_silences_the_audition_and_leaves_a_kit_one_shot(tmp_path: Path) -> None:
    (tmp_path / "long.wav").write_bytes(_wav(3.0))
    (tmp_path / "hit.wav").write_bytes(_wav(0.5, 440.0))
    engine = Engine(EngineConfig(rate=RATE, block=BLOCK, live_input=False))
    engine.install("sampler", SamplerSource(RATE), {"name": "sampler"})
    engine.handle({"op": "sample", "path": str(tmp_path / "long.wav"), "velocity": 100})
    assert _level(engine, 4) > 0.1                                      # the audition sounds
    engine.handle(stop_message())
    _level(engine, 2)                                                   # its quick fade
    assert _level(engine, 8) < 1e-3                                     # then silence (-60 dB), 2.9 s early
    engine.handle({"op": "sample", "path": str(tmp_path / "hit.wav"), "velocity": 0, "note": 36})
    engine.handle({"op": "note_on", "note": 36, "velocity": 100})
    engine.handle({"op": "sample", "path": str(tmp_path / "long.wav"), "velocity": 100})
    _level(engine, 2)
    engine.handle(stop_message())
    _level(engine, 2)
    assert _level(engine, 4) > 0.1                                      # the kit's one-shot plays on

"""The laptop and the box's console say the slots' warnings (the engine status's ``active[slot]["warnings"]``:
a sample the sampler cut): `hatbox status` prints them, one "warning: ..." line each, and `hatbox device run`
prints each new one as it appears, from the thread that already watched the status for a recording cut
(which now goes on after the cut, and runs whatever the audio backend).  Nothing printed them before."""
from __future__ import annotations

import argparse
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile as sf

from device.api.app import ApiConfig, create_app
from device.api.server import start_in_thread
from device.api.sim import RecordingControl
from device.audio.engine import Engine, EngineConfig
from device.audio.sampler import SamplerSource
from device.control import validate
from hatbox.cli import main
from tests.api.conftest import FAST_ENGINE

RATE, BLOCK = 48000, 128
CUT = "takes/take-two.wav is 0:02 long: the sampler plays only its first 1 s"   # its folder and name
PROBLEM = ("recording cut short: cannot write the output /box/take.wav: No space left on device; "
           "/box/take.wav keeps the first 1.0 s of 2.0 s and is readable up to there")


def _long_file(folder: Path, name: str = "take-two.wav") -> str:
    """A 2 s file, past the 1 s the test's sampler decodes, in ``folder``/takes/ (warnings name a file by its
    folder and name)."""
    path = folder / "takes" / name
    path.parent.mkdir(exist_ok=True)
    sf.write(path, np.full(2 * RATE, 0.1, np.float32), RATE, subtype="PCM_16")
    return str(path)


def _engine() -> Engine:
    """A real Engine whose sampler decodes at most 1 s of a file, the sampler installed (one block run)."""
    engine = Engine(EngineConfig(rate=RATE, block=BLOCK, live_input=False))
    engine.install("sampler", SamplerSource(RATE, max_seconds=1.0), {"name": "sampler"})
    engine.process(None, np.zeros(BLOCK, np.float32))
    return engine


class EngineStatusControl(RecordingControl):
    """The API's recording control, answering a real engine's status."""

    def __init__(self, engine: Engine) -> None:
        super().__init__()
        self.engine = engine

    def status(self) -> dict[str, Any]:
        return self.engine.status()


def test_hatbox_status_prints_the_active_slots_warnings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("HATBOX_CONFIG", str(tmp_path / "cfg" / "remote.json"))
    for var in ("HATBOX_URL", "HATBOX_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    engine, codes = _engine(), []
    app = create_app(tmp_path / "box", EngineStatusControl(engine), ApiConfig(engine=FAST_ENGINE, on_code=codes.append))
    running = start_in_thread(app)
    try:
        assert main(["pair", running.url, "--code", codes[-1], "--name", "laptop"]) == 0
        assert main(["status"]) == 0
        out = capsys.readouterr().out
        assert "audio load" in out and "warning:" not in out              # nothing cut yet
        engine.handle({"op": "sample", "path": _long_file(tmp_path), "velocity": 100})
        odd = _long_file(tmp_path, "bad\x1b[2J.wav")                       # a name that would clear the screen
        engine.handle({"op": "sample", "path": odd, "velocity": 100})
        assert main(["status"]) == 0
        lines = capsys.readouterr().out.splitlines()
        engine_at = next(i for i, line in enumerate(lines) if line.startswith("  audio load"))
        warned = [line for line in lines if "warning:" in line]
        assert warned == [f"  warning: {CUT}",
                          "  warning: takes/bad\\x1b[2J.wav is 0:02 long: the sampler plays only its first 1 s"]
        assert lines.index(warned[0]) > engine_at
        assert main(["status", "--json"]) == 0                            # the JSON has them as the engine does
        assert '"warnings": [' in capsys.readouterr().out
    finally:
        running.stop()


class InProcessEngine:
    """Stands in for device.audio.server.EngineProcess: a real Engine in this process, answering its status
    with a recording cut short; counts the status reads made off the main thread (the watcher's)."""

    def __init__(self, cfg: Any) -> None:
        self.engine, self.lock = _engine(), threading.Lock()
        self.watched = 0
        self.error, self.error_hint = None, None

    def start(self) -> InProcessEngine:
        return self

    def send(self, message: dict[str, Any]) -> None:
        validate(message)
        with self.lock:
            self.engine.handle(message)

    def status(self) -> dict[str, Any]:
        with self.lock:
            if threading.current_thread() is not threading.main_thread():
                self.watched += 1
            return {**self.engine.status(), "warnings": [], "recording": {"problem": PROBLEM, "kept_s": 1.0,
                                                                          "files": ["/box/take.wav"]}}

    def alive(self) -> bool:
        return True

    def stop(self) -> int:
        return 0

    def check_recording(self) -> None:
        pass


def _until(test: Any, seconds: float = 6.0) -> None:
    end = time.monotonic() + seconds
    while not test() and time.monotonic() < end:
        time.sleep(0.02)


def test_device_run_prints_each_new_warning_once_as_it_appears(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    """On an ALSA box (no recording: the watcher used to run only on the file backend) a sample cut after
    the start is printed on stderr once, though every later status still lists it; the cut of the status's
    recording is printed once too, and the watcher goes on after it."""
    from device.audio import server
    from hatbox import cmd_device
    long = _long_file(tmp_path)
    monkeypatch.setattr(server, "EngineProcess", InProcessEngine)
    monkeypatch.setattr(cmd_device, "_front_ends", lambda args, control: [])
    watch = cmd_device._watch_status          # the status read every 0.1 s, not every 1 s: the same reads, sooner
    monkeypatch.setattr(cmd_device, "_watch_status", lambda control, **kw: watch(control, every_s=0.1, **kw))

    def wait(args: argparse.Namespace, control: Any, engine: InProcessEngine) -> None:
        _until(lambda: engine.watched >= 1)                  # the watcher has read a status: the cut said
        control.send({"op": "sample", "path": long, "velocity": 100})
        seen = engine.watched
        _until(lambda: engine.watched >= seen + 3)           # three reads listing the warning

    monkeypatch.setattr(cmd_device, "_wait", wait)
    args = argparse.Namespace(audio=None, rate=RATE, block=BLOCK, periods=3, effect=None, synth=None, seconds=None,
                              input=None, output=None, sim=False, store=tmp_path / "store", panel=False,
                              api=False)
    assert cmd_device.run(args) == 0
    err = capsys.readouterr().err
    warned = [line for line in err.splitlines() if line.startswith("warning:")]
    assert warned == [f"warning: {PROBLEM}; the box plays on, the rest of this run is not recorded",
                      f"warning: {CUT}"], err

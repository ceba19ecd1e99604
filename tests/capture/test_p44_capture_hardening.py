"""Capture mode hardened (p44 review): one latency method shared with the trainer (device/audio/align.py), time-based
gear (a delay whose first echo is louder than the direct sound, a reverb) found at its direct sound, a capture
session that mutes the live input between captures (gear in the loop with gain > 1 must not howl), and cancelled
captures swept from STORE/captures."""
from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from device.audio import capture as capture_mod
from device.audio.capture import CaptureDeck
from device.audio.capture_result import ALIGN_MARGIN_S, judge
from device.audio.capture_signal import capture_signal
from device.audio.engine import Engine, EngineConfig
from device.audio.sim_gear import DriveGear, make_gear
from tests.capture.helpers import LoopBox

RATE = 48000
MARGIN = int(round(ALIGN_MARGIN_S * RATE))


def test_no_twins_of_protect_or_the_trainer_s_alignment() -> None:
    import device.audio.capture_result as result
    import device.audio.capture_signal as signal
    import trainer.effect.align as trainer_align
    from device.audio import align
    assert not hasattr(result, "dbfs") and not hasattr(signal, "db")          # protect's lin_to_db / db_to_lin
    assert not hasattr(result, "find_latency")                                # one find_latency, in device/audio
    assert trainer_align.find_latency is align.find_latency and trainer_align.find_delay is align.find_delay


def _looped(gear: Any, dry: np.ndarray, latency: int, tail: int) -> np.ndarray:
    """What the box records while ``dry`` plays through ``gear`` with a ``latency``-sample loop -> [len(dry) + tail]."""
    x = np.zeros(dry.shape[0] + tail, np.float32)
    x[:dry.shape[0]] = dry
    y = np.concatenate([gear.process(x[i:i + 4096]) for i in range(0, x.shape[0], 4096)])
    return np.concatenate([np.zeros(latency, np.float32), y])[:x.shape[0]]


@pytest.mark.parametrize("name,knobs", [("delay", {}), ("delay", {"time": 100.0, "level": 2.0}),
                                        ("reverb", {}), ("drive", {"drive": 36.0})])
def test_time_based_gear_gives_the_round_trip_of_its_direct_sound(name: str, knobs: dict[str, float]) -> None:
    from trainer.effect.align import find_latency
    gear = make_gear(name, RATE)
    for knob, value in knobs.items():
        assert gear.set(knob, value)
    dry, latency, tail = capture_signal(5.0), 240, RATE // 2
    take, figures = judge(_looped(gear, dry, latency, tail), dry, RATE, tail)
    assert figures["problem"] is None and figures["latency_samples"] == latency, figures
    assert find_latency(dry, take, RATE) == MARGIN        # the trainer's alignment agrees: the take is 1 ms late


def test_the_delay_s_first_echo_is_louder_than_its_direct_sound() -> None:
    gear = make_gear("delay", RATE)
    x = np.zeros(RATE, np.float32)
    x[0] = 1.0
    y = np.abs(gear.process(x))
    echo = int(round(gear.values["time"] * RATE / 1000))
    assert y[echo] > 1.5 * y[0] and int(np.argmax(y)) == echo


def test_a_capture_through_the_engine_and_a_delay_finds_the_loop(tmp_path: Path) -> None:
    box = LoopBox(make_gear("delay", RATE), latency=333, speed=40.0)
    try:
        box.send({"op": "capture", "name": "d", "path": str(tmp_path / "d"), "seconds": 5.0})
        st = box.wait_capture()
    finally:
        box.close()
    assert st["state"] == "done" and st["latency_samples"] == 333, st


class _Loop:
    """An engine with its live input on and ``gear`` in a loop from its output back to its input (one block late),
    run block by block by the test itself (no thread)."""

    def __init__(self, gear: Any, block: int = 512) -> None:
        self.engine = Engine(EngineConfig(rate=RATE, block=block, live_input=True))
        self.deck = CaptureDeck(self.engine, RATE)
        self.gear, self.block = gear, block
        self.back = np.zeros(block, np.float32)
        self.out = np.zeros(block, np.float32)

    def run(self, seconds: float) -> float:
        """Run ``seconds``; returns the output's peak over the last 0.1 s of them."""
        blocks = int(np.ceil(seconds * RATE / self.block))
        peaks = []
        for _ in range(blocks):
            self.engine.process(self.back.copy(), self.out)
            self.back = self.gear.process(self.out)
            peaks.append(float(np.max(np.abs(self.out))))
        return max(peaks[-max(1, int(0.1 * RATE / self.block)):])

    def capture(self, folder: Path) -> dict[str, Any]:
        self.deck.start("c", folder, 5.0, {})
        while self.deck.busy():
            self.run(0.05)
            time.sleep(0.001)
        self.deck.join()
        return self.deck.status() or {}


def test_a_howling_loop_stays_silent_between_captures_until_the_session_ends(tmp_path: Path) -> None:
    def hot() -> DriveGear:
        gear = DriveGear(RATE)
        gear.set("drive", 24.0)                      # small-signal gain 8: the loop howls when the input is live
        return gear

    assert _Loop(hot()).run(0.5) > 0.3               # no capture session: the box plays its input, and it howls
    loop = _Loop(hot())
    try:
        assert loop.capture(tmp_path / "one")["state"] == "done"
        session = loop.deck.status()["session"]
        assert session["muted"] and session["words"] == "capture session: live input muted"
        assert 290 < session["ends_in_s"] <= 300
        quiet = [loop.run(0.5) for _ in range(3)]    # between captures: nothing grows
        assert max(quiet) < 1e-3, quiet
        assert loop.capture(tmp_path / "two")["state"] == "done"
        assert loop.run(0.5) < 1e-3
        loop.deck.handle({"op": "capture_end"})      # the laptop's run ended: the live input is back (and howls)
        assert not loop.deck.status()["session"]["muted"]
        assert loop.run(0.5) > 0.3
    finally:
        loop.deck.close()


def test_the_session_ends_by_itself_after_its_timeout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(capture_mod, "SESSION_S", 0.3)
    loop = _Loop(DriveGear(RATE))
    try:
        loop.capture(tmp_path / "c")
        assert loop.deck.status()["session"]["muted"]
        loop.run(0.4)
        assert not loop.deck.status()["session"]["muted"]
    finally:
        loop.deck.close()


def test_the_mute_fades_over_10_ms() -> None:
    from device.audio.capture import InputMute
    mute = InputMute(RATE)
    mute.hold()
    bus = np.ones(1024, np.float32)
    mute.apply(bus)
    assert bus[0] > 0.99 and bus[479] < 1e-6 and np.all(np.diff(bus[:480]) <= 0)
    mute.end()
    bus[:] = 1.0
    mute.apply(bus)
    assert bus[0] < 0.01 and bus[480] == 1.0


def test_box_capture_ends_the_session_and_status_says_it_while_it_lasts(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    from device.api.app import ApiConfig, create_app
    from device.api.server import start_in_thread
    from hatbox import cmd_capture
    from hatbox.cli import main
    from tests.api.conftest import FAST_ENGINE
    monkeypatch.setenv("HATBOX_CONFIG", str(tmp_path / "cfg" / "remote.json"))
    monkeypatch.setattr(cmd_capture, "POLL_S", 0.02)                 # box-capture polls its take often
    for var in ("HATBOX_URL", "HATBOX_TOKEN", "CI"):
        monkeypatch.delenv(var, raising=False)
    box, codes = LoopBox(DriveGear(RATE), latency=240, block=512, speed=40.0), []
    running = start_in_thread(create_app(tmp_path / "box", box, ApiConfig(engine=FAST_ENGINE, on_code=codes.append)))
    said: list[str] = []

    def stop_in_between(setting: Any, index: int, count: int, yes: bool) -> None:
        if index == 2:                                   # a capture done, the session on: status says so
            assert main(["status"]) == 0
            said.append(capsys.readouterr().out)
            raise KeyboardInterrupt                      # then Ctrl-C: the run ends, and so does the session

    try:
        assert main(["pair", running.url, "--code", codes[-1], "--name", "laptop"]) == 0
        monkeypatch.setattr(cmd_capture, "_ready", stop_in_between)
        args = ["box-capture", str(tmp_path / "set"), "--knob", "drive=3", "--knob", "drive=9", "--seconds", "5"]
        assert main(args + ["--yes"]) == 130
        assert "capture session: yours (since " in said[0] and "1 take): live input muted" in said[0]   # p45: whose
        assert [m["op"] for m in box.sent][-1] == "capture_end"
        assert not box.deck.status()["session"]["muted"]
        capsys.readouterr()
        assert main(["status"]) == 0
        assert "capture session" not in capsys.readouterr().out
    finally:
        running.stop()
        box.close()


def _left(root: Path, cid: str, state: str | None, age_s: float) -> Path:
    folder = root / cid
    folder.mkdir(parents=True)
    (folder / "request.json").write_text(json.dumps({"id": cid, "name": cid, "knobs": {}, "seconds": 5.0,
                                                     "state": "playing", "created_at": time.time() - age_s}))
    if state is not None:
        (folder / "capture.json").write_text(json.dumps({"id": cid, "state": state, "problem": None}))
    for p in folder.iterdir():
        os.utime(p, (time.time() - age_s, time.time() - age_s))
    return folder


def test_cancelled_captures_go_at_the_next_start_or_after_a_day(tmp_path: Path) -> None:
    from device.api.capture_routes import sweep
    root = tmp_path / "captures"
    old_cancel, new_cancel = _left(root, "a-1", "cancelled", 90000), _left(root, "b-2", "cancelled", 60)
    done, lost = _left(root, "c-3", "done", 3600), _left(root, "d-4", None, 90000)   # done: kept a day
    playing = _left(root, "e-5", None, 0)
    assert sorted(sweep(root, "e-5")) == ["a-1", "d-4"]          # a listing: those a day old
    assert new_cancel.is_dir() and done.is_dir() and playing.is_dir() and not old_cancel.exists() and not lost.exists()
    assert sweep(root, None, 0.0) == ["b-2", "e-5"]             # a start (none plays): every left-over
    assert done.is_dir() and [p.name for p in root.iterdir()] == ["c-3"]


def test_a_capture_start_over_the_api_sweeps_a_cancelled_one(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from device.api.app import ApiConfig, create_app
    from tests.api.conftest import FAST_ENGINE
    box, codes = LoopBox(DriveGear(RATE), latency=240, block=512, speed=40.0), []
    try:
        client = TestClient(create_app(tmp_path / "box", box, ApiConfig(engine=FAST_ENGINE, on_code=codes.append)))
        token = client.post("/pair", json={"code": codes[-1], "name": "t"}).json()["token"]
        auth = {"Authorization": f"Bearer {token}"}
        r = client.post("/captures", json={"name": "one", "seconds": 5}, headers=auth)
        first = r.json()["id"]
        assert client.post(f"/captures/{first}/cancel", headers=auth).status_code == 200
        box.wait_capture()
        assert client.get(f"/captures/{first}", headers=auth).json()["state"] == "cancelled"
        assert client.post("/captures/session/end", headers=auth).json() == {"ended": True}
        second = client.post("/captures", json={"name": "two", "seconds": 5}, headers=auth).json()["id"]
        assert [c["id"] for c in client.get("/captures", headers=auth).json()] == [second]
        client.post(f"/captures/{second}/cancel", headers=auth)
        box.wait_capture()
    finally:
        box.close()


def test_the_panel_s_tab_bar_says_the_session_while_it_lasts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    from device.control import capture_session_words
    from device.ui.data import MemoryData
    from device.ui.panel import Panel
    from device.ui.shots import RecordingControl
    loop = _Loop(DriveGear(RATE))
    try:
        loop.capture(tmp_path / "c")
        status = {**loop.engine.status(), "capture": loop.deck.status()}
        panel = Panel(RecordingControl(), MemoryData(), (800, 480))
        panel.set_status(status)
        assert capture_session_words(status) == "capture session: live input muted"
        assert panel.message()[0] == "capture session: live input muted"
        loop.deck.handle({"op": "capture_end"})
        panel.set_status({**loop.engine.status(), "capture": loop.deck.status()})
        assert panel.message()[0] == ""
    finally:
        loop.deck.close()

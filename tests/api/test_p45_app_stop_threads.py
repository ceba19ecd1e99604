"""Forty-fifth stop: an API app that stops ends its threads.  Before, the worker thread that checks pushes
(``hatbox-validate``, device/api/box.py ``Box.validator``) and the MIDI relay into the box's control
(``hatbox-midi-relay``, device/midi_ports.py ``Relay``) stayed alive, idle, after the app stopped: a test's
TestClient left, ``hatbox device run``'s API stopped.  Now the app's lifespan ends them (``Box.stop``)."""
from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from device.api.app import ApiConfig, create_app
from device.api.sim import RecordingControl
from device.midi_ports import Relay
from hatbox.box_control import BoxControl
from tests.api.conftest import FAST_ENGINE
from tests.api.packs import gain_pack


def _app(store: Path, control: object) -> tuple[object, list[str]]:
    codes: list[str] = []
    return create_app(store, control, ApiConfig(engine=FAST_ENGINE, on_code=codes.append)), codes


def _new_threads(before: set[threading.Thread], prefix: str) -> list[threading.Thread]:
    """The threads named ``prefix``... started since ``before`` (other tests' leftovers on this worker are not ours)."""
    return [t for t in threading.enumerate() if t not in before and t.name.startswith(prefix)]


def _push(client: TestClient, codes: list[str], pack: Path) -> None:
    token = client.post("/pair", json={"code": codes[-1], "name": "test"}).json()["token"]
    answer = client.post("/packs", params={"activate": True}, content=pack.read_bytes(),
                         headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 201, answer.text


def test_leaving_the_client_ends_the_worker_that_checked_a_push(tmp_path: Path) -> None:
    before = set(threading.enumerate())
    app, codes = _app(tmp_path / "box", RecordingControl())
    with TestClient(app) as client:
        _push(client, codes, gain_pack(tmp_path / "good.hatpack", "good", "1.0.0"))
        workers = _new_threads(before, "hatbox-validate")
        assert workers                                     # the push was checked on the box's worker thread
    assert [t.name for t in workers if t.is_alive()] == []


def test_leaving_the_client_ends_the_midi_relay_into_its_control(tmp_path: Path) -> None:
    engine = RecordingControl()
    control = BoxControl(engine)
    relay = Relay(control.send, control.send_many)         # as hatbox device run's MIDI start makes it
    other = Relay(RecordingControl().send)                 # a relay into another box's control: not this app's
    try:
        app, _ = _app(tmp_path / "box", control)
        with TestClient(app):
            relay.send({"op": "note_on", "note": 60, "velocity": 90})
            relay.wait()
            assert [m["op"] for m in engine.sent] == ["note_on"] and relay._thread.is_alive()
        assert not relay._thread.is_alive()
        started = time.monotonic()
        relay.send({"op": "note_off", "note": 60})         # MIDI after the stop: dropped at once, never waits
        assert time.monotonic() - started < 1.0 and [m["op"] for m in engine.sent] == ["note_on"]
        assert other._thread.is_alive()
    finally:
        other.close()
        relay.close()                                      # closing again (the MIDI stop's own close) does nothing
    assert not other._thread.is_alive()


def test_the_box_s_own_stop_ends_them(tmp_path: Path) -> None:
    """``hatbox device run`` stops its API with RunningServer.stop (device/api/server.py): uvicorn's lifespan ends."""
    from device.api.server import start_in_thread
    before = set(threading.enumerate())
    control = BoxControl(RecordingControl())
    relay = Relay(control.send, control.send_many)
    app, _ = _app(tmp_path / "box", control)
    running = start_in_thread(app)
    try:
        assert app.state.box.validator.submit(lambda: "checked").result(10) == "checked"
        assert _new_threads(before, "hatbox-validate") and relay._thread.is_alive()
    finally:
        running.stop()
    left = _new_threads(before, "hatbox-validate") + _new_threads(before, "hatbox-midi-relay")
    assert [t.name for t in left if t.is_alive()] == []
    relay.close()


def test_a_check_still_running_holds_the_stop_only_briefly(tmp_path: Path, caplog) -> None:
    """A push's checks still running when the API stops (uvicorn has cut its request off by then) get a short wait,
    then the stop goes on; what waited behind them is dropped; the worker ends once the check does."""
    app, _ = _app(tmp_path / "box", RecordingControl())
    box = app.state.box
    go = threading.Event()
    running = box.validator.submit(go.wait, 10)
    queued = box.validator.submit(lambda: "ran")
    worker = next(t for t in box.validator._threads)
    started = time.monotonic()
    try:
        with caplog.at_level(logging.WARNING, logger="hatbox.api"):
            assert box.stop(wait_s=0.2) is False
        assert time.monotonic() - started < 1.5
        assert queued.cancelled() and worker.is_alive()
        assert "still running as the API stopped" in caplog.text
    finally:
        go.set()
    assert running.result(5) is True
    worker.join(5)
    assert not worker.is_alive()
    from device.api.errors import ApiError
    with pytest.raises(ApiError):                       # p46: a stopped box makes no new worker (503 "box stopping")
        box.validator
    assert box.stop() is True

"""p56 review R4 findings 1 and 7: who set the volume travels in the volume message itself (one message, as a bypass's
who does).  Before, OSC and PUT /volume sent the volume, then a second message of the same value that said who,
straight to the engine: a panel turn that landed between the two was undone (the engine went back to the network's
volume and credited the network).  Driven through the real front ends: OscServer's message handling and PUT /volume
over a BoxControl, as `hatbox device run` wires them.  p57 F1: the message says ``by`` and ``source``, as a bypass
does; the engine stamps when it came.  p57 R4 5: driven on the engine process's child (the fixture of
tests/engine/test_p43_knobs_kept.py), as who set the volume is the engine's alone."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Iterator

import pytest
from fastapi.testclient import TestClient

from device.api.app import ApiConfig, create_app
from device.api.sim import RecordingControl
from device.audio.server import _Child
from device.kept_play import API, OSC
from device.osc import OscMap, OscServer
from hatbox.box_control import BoxControl
from tests.api.conftest import FAST_ENGINE
from tests.engine.test_p43_knobs_kept import Box, box, fxd, store  # noqa: F401  (fixtures)
from tests.engine.test_p56_F4_volume_who_kept import _Engine

STRANGER = "192.0.2.7"


class WhoEngine(_Engine):
    """The engine process's child behind the box's control, with the messages sent to it kept."""

    def __init__(self, child: _Child) -> None:
        super().__init__(child)
        self.sent: list[dict[str, Any]] = []
        self.volume_said = lambda: child.engine.volume_said      # (dB, who) as the engine holds it

    def send(self, message: dict[str, Any]) -> None:
        self.sent.append(message)
        super().send(message)

    def volumes(self) -> list[dict[str, Any]]:
        return [m for m in self.sent if m["op"] == "volume"]


@pytest.fixture
def engine(box: Box, fxd: str) -> WhoEngine:  # noqa: F811
    return WhoEngine(box.start({"effect": fxd}))


def _osc(control: BoxControl) -> OscServer:
    """The OSC server as hatbox/cmd_device.py ``_start_osc`` makes it (not started: messages are handed to it)."""
    return OscServer(OscMap(knobs=control.knobs), control.send, host="127.0.0.1", port=0)


def test_osc_sends_the_volume_once_with_who_set_it(engine: WhoEngine) -> None:
    control = BoxControl(engine)
    server = _osc(control)
    before = time.time()
    try:
        server._on_message("/hatbox/volume", -3.0, sender=STRANGER)
    finally:
        server.stop()
    [sent] = engine.volumes()
    assert sent == {"op": "volume", "db": -3.0, "by": OSC, "source": STRANGER}
    said = control.status()["volume_set"]
    assert (said["by"], said["source"]) == (OSC, STRANGER)
    assert before <= said["at"] <= time.time()                  # one time, the engine's


def test_a_panel_turn_while_osc_is_handled_is_not_undone(engine: WhoEngine) -> None:
    control = BoxControl(engine)
    server = _osc(control)
    heard = server.changes.heard

    def panel_turns_in_between(message: dict[str, Any], sender: str) -> None:
        control.send({"op": "volume", "db": -10.0})          # the panel's thread, before OSC's thread goes on
        heard(message, sender)
    server.changes.heard = panel_turns_in_between            # type: ignore[method-assign]
    try:
        server._on_message("/hatbox/volume", -3.0, sender=STRANGER)
    finally:
        server.stop()
    assert [m["db"] for m in engine.volumes()] == [-3.0, -10.0]
    assert engine.volume_said() == (-10.0, {})
    assert "volume_set" not in control.status()


@pytest.fixture
def api(tmp_path: Path, engine: WhoEngine) -> Iterator[tuple[TestClient, BoxControl, WhoEngine, dict[str, str]]]:
    """The API over a BoxControl, as `hatbox device run` serves it: client, control, engine, the paired header."""
    codes: list[str] = []
    control = BoxControl(engine)
    app = create_app(tmp_path / "box", control, ApiConfig(engine=FAST_ENGINE, on_code=codes.append))
    with TestClient(app) as client:
        token = client.post("/pair", json={"code": codes[-1], "name": "studio-mac"}).json()["token"]
        yield client, control, engine, {"Authorization": f"Bearer {token}"}


def test_put_volume_sends_the_volume_once_with_who_set_it(
        api: tuple[TestClient, BoxControl, WhoEngine, dict[str, str]]) -> None:
    client, control, engine, auth = api
    before = time.time()
    r = client.put("/volume", json={"db": -12}, headers=auth)
    assert r.status_code == 200, r.text
    assert (r.json()["set_by"], r.json()["set_from"]) == (API, "studio-mac")
    [sent] = engine.volumes()
    assert sent == {"op": "volume", "db": -12.0, "by": API, "source": "studio-mac"}
    assert before <= engine.status()["volume_set"]["at"] <= time.time()       # stamped by the engine


def test_a_panel_turn_while_put_volume_is_handled_is_not_undone(
        api: tuple[TestClient, BoxControl, WhoEngine, dict[str, str]], monkeypatch: pytest.MonkeyPatch) -> None:
    client, control, engine, auth = api
    real = control.send

    def panel_turns_after(message: dict[str, Any]) -> None:
        real(message)
        if message["op"] == "volume" and message.get("by") == API:
            real({"op": "volume", "db": -20.0})              # the panel's turn, just after the API's
    monkeypatch.setattr(control, "send", panel_turns_after)
    r = client.put("/volume", json={"db": -12}, headers=auth)
    assert r.status_code == 200, r.text
    assert [m["db"] for m in engine.volumes()] == [-12.0, -20.0]
    assert engine.volume_said() == (-20.0, {})
    assert "set_by" not in client.get("/volume", headers=auth).json()


def test_the_simulated_control_alone_says_who_set_the_volume(tmp_path: Path) -> None:
    """The API's simulated control (no BoxControl in front) keeps who from the route's one message."""
    codes: list[str] = []
    control = RecordingControl()
    app = create_app(tmp_path / "box", control, ApiConfig(engine=FAST_ENGINE, on_code=codes.append))
    with TestClient(app) as client:
        token = client.post("/pair", json={"code": codes[-1], "name": "vm"}).json()["token"]
        r = client.put("/volume", json={"db": -6}, headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200 and r.json()["set_from"] == "vm"
    [sent] = [m for m in control.sent if m["op"] == "volume"]
    assert (sent["by"], sent["source"]) == (API, "vm") and control.status()["volume_set"]["source"] == "vm"

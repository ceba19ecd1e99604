"""p57 R4 findings 1 and 2: who bypassed a slot is kept once, by the engine (as F1 did for the volume).  The main
process kept a second note of a network bypass (VolumeSource), written after the send and laid OVER the engine's
``bypass_set``: a panel toggle between PUT /bypass's send and its note (or OSC's) left GET /status and GET /bypass
giving the panel's bypass to the laptop, and a paired device's odd name was said raw there while GET /volume and a
restart said it cleaned.  Driven through the real front ends (PUT /bypass, OSC as `hatbox device run` starts it) over
the engine process's child (the fixture of tests/engine/test_p43_knobs_kept.py), its audio thread taking each
message at once."""
from __future__ import annotations

import argparse
import socket
from pathlib import Path
from typing import Any, Iterator

import numpy as np
import pytest
from fastapi.testclient import TestClient

from device.api.app import ApiConfig, create_app
from device.audio.server import _Child
from hatbox.cmd_device import BoxControl
from tests.api.conftest import FAST_ENGINE
from tests.engine.test_p43_knobs_kept import Box, box, fxd, store  # noqa: F401  (fixtures)

ODD = "studio\u00a0mac\u200b"        # /pair takes it (no C0 control); the engine keeps printable characters only


class _Playing:
    """The engine process's child behind the box's control, its audio thread taking each message at once (two
    blocks after each)."""

    def __init__(self, child: _Child) -> None:
        self.child = child

    def send(self, message: dict[str, Any]) -> None:
        self.child.request(message)
        quiet = np.zeros(128, np.float32)
        for _ in range(2):
            self.child.engine.process(quiet, np.zeros(128, np.float32))

    def status(self) -> dict[str, Any]:
        return self.child.status()


class _PanelInBetween(BoxControl):
    """The box's control, with the panel's bypass button pressed twice (off, on) right after each network bypass:
    the panel's thread, while the route or OSC's thread goes on."""

    def send(self, message: dict[str, Any]) -> None:
        super().send(message)
        if message.get("op") == "bypass" and message.get("by"):
            super().send({"op": "bypass", "slot": message["slot"], "on": False})
            super().send({"op": "bypass", "slot": message["slot"], "on": True})


def _api(control: BoxControl, where: Path, name: str) -> Iterator[tuple[TestClient, dict[str, str]]]:
    codes: list[str] = []
    app = create_app(where, control, ApiConfig(engine=FAST_ENGINE, on_code=codes.append))
    with TestClient(app) as client:
        token = client.post("/pair", json={"code": codes[-1], "name": name}).json()["token"]
        yield client, {"Authorization": f"Bearer {token}"}


def _effect(client: TestClient, auth: dict[str, str]) -> dict[str, Any]:
    return next(b for b in client.get("/bypass", headers=auth).json() if b["slot"] == "effect")


def test_a_panel_toggle_while_put_bypass_is_handled_is_the_panels(box: Box, fxd: str,  # noqa: F811
                                                                    tmp_path: Path) -> None:
    child = box.start({"effect": fxd})
    for client, auth in _api(_PanelInBetween(_Playing(child)), tmp_path / "api", "laptop"):
        r = client.put("/bypass/effect", json={"on": True}, headers=auth)
        assert r.status_code == 200 and r.json()["bypassed"] is True, r.text
        assert "set_by" not in _effect(client, auth)                      # the panel's now: nobody's
        engine = client.get("/status", headers=auth).json()["engine"]
        assert engine["bypassed"]["effect"] is True and "bypass_set" not in engine, engine
    assert "bypass_set" not in child.status()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_panel_toggle_while_osc_is_handled_is_the_panels(box: Box, fxd: str, tmp_path: Path,  # noqa: F811
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    import device.osc
    from hatbox import cmd_device
    made: list[Any] = []

    class _Server(device.osc.OscServer):              # the server `hatbox device run` starts, kept at hand
        def __init__(self, *args: Any, **kw: Any) -> None:
            super().__init__(*args, **kw)
            made.append(self)
    monkeypatch.setattr(device.osc, "OscServer", _Server)
    child = box.start({"effect": fxd})
    control = _PanelInBetween(_Playing(child))
    args = argparse.Namespace(osc_port=_free_port(), osc_host="127.0.0.1")
    stop = cmd_device._start_osc(args, control)
    try:
        made[0]._on_message("/hatbox/bypass", "effect", 1, sender="192.0.2.7")
    finally:
        stop()
    for client, auth in _api(control, tmp_path / "api", "reader"):
        assert _effect(client, auth)["bypassed"] is True and "set_by" not in _effect(client, auth)
        assert "bypass_set" not in client.get("/status", headers=auth).json()["engine"]


def test_a_paired_device_is_named_one_way(box: Box, store: Path, fxd: str, tmp_path: Path) -> None:  # noqa: F811
    child = box.start({"effect": fxd})
    for client, auth in _api(BoxControl(_Playing(child)), tmp_path / "api", ODD):
        put = client.put("/bypass/effect", json={"on": True}, headers=auth).json()
        assert client.put("/volume", json={"db": -3.0}, headers=auth).status_code == 200
        named = {put["set_from"], _effect(client, auth)["set_from"], client.get("/volume", headers=auth).json()[
            "set_from"], client.get("/status", headers=auth).json()["engine"]["bypass_set"]["effect"]["source"]}
    assert named == {"studiomac"}, named
    box.stop(child)
    again = box.start({"effect": fxd})
    assert again.status()["bypass_set"]["effect"]["source"] == "studiomac"

"""p56 QA_A finding 4: who set the volume ("set by 'vm' at 14:11") was forgotten at a restart: the volume came back
(knobs.json's volume_db), who set it did not, so `hatbox status` and `hatbox box-knob` no longer said why the box was
quieter.  Now a network note hands the engine who set it, the knob file keeps it beside the volume, the engine puts it
back at the start, and GET /volume and GET /status read it from the engine's status (p56 MR2: no copy).  Driven
through the engine process's own start and stop (the fixture of tests/engine/test_p43_knobs_kept.py), the volume
set through the real front ends: PUT /volume and OSC's message handling (p56 review R4 7: the test copied what
they do)."""
from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from device.api.app import ApiConfig, create_app
from device.audio.server import _Child
from device.clock import clock_words
from device.osc import OscMap, OscServer
from device.store import KNOB_FILE
from device.kept_play import OSC
from hatbox.cmd_device import BoxControl
from hatbox.status_report import volume_words
from tests.api.conftest import FAST_ENGINE
from tests.engine.test_p43_knobs_kept import Box, _kept, box, fxd, store  # noqa: F401  (fixtures)


class _Engine:
    """The engine process's child behind the box's control, as EngineProcess puts it (send, status)."""

    def __init__(self, child: _Child) -> None:
        self.child = child

    def send(self, message: dict[str, Any]) -> None:
        self.child.request(message)

    def status(self) -> dict[str, Any]:
        return self.child.status()


def _set_over_api(control: BoxControl, db: float, name: str, where: Path) -> None:
    """PUT /volume from a laptop paired as ``name``, through the API over the box's control."""
    codes: list[str] = []
    app = create_app(where, control, ApiConfig(engine=FAST_ENGINE, on_code=codes.append))
    with TestClient(app) as client:
        token = client.post("/pair", json={"code": codes[-1], "name": name}).json()["token"]
        r = client.put("/volume", json={"db": db}, headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 200, r.text


def _volume_over_api(control: BoxControl, where: Path) -> dict[str, Any]:
    """GET /volume (what `hatbox box-knob` reads) from a laptop paired with the box over the box's control."""
    codes: list[str] = []
    app = create_app(where, control, ApiConfig(engine=FAST_ENGINE, on_code=codes.append))
    with TestClient(app) as client:
        token = client.post("/pair", json={"code": codes[-1], "name": "reader"}).json()["token"]
        r = client.get("/volume", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 200, r.text
        return r.json()


def _set_over_osc(control: BoxControl, db: float, sender: str) -> None:
    """/hatbox/volume from ``sender``, handled by the OSC server as `hatbox device run` wires it."""
    server = OscServer(OscMap(knobs=control.knobs), control.send, host="127.0.0.1", port=0)
    try:
        server._on_message("/hatbox/volume", db, sender=sender)
    finally:
        server.stop()


def test_who_set_the_volume_comes_back_after_a_restart(box: Box, store: Path, fxd: str,  # noqa: F811
                                                         tmp_path: Path) -> None:
    first = box.start({"effect": fxd})
    control = BoxControl(_Engine(first))
    _set_over_api(control, -3.0, "vm", tmp_path / "api")
    at = first.status()["volume_set"]["at"]           # stamped by the engine as the message came
    before = volume_words(control.status())
    box.stop(first)
    assert _kept(store)["volume_db"] == -3.0
    assert _kept(store)["volume_set"] == {"by": "api", "source": "vm", "set_at": at}
    second = box.start({"effect": fxd})
    again = BoxControl(_Engine(second))               # hatbox device run, once the engine has started
    status = again.status()
    assert status["volume_set"]["by"] == "api" and status["volume_set"]["source"] == "vm"
    assert status["volume_set"]["at"] == at
    said = volume_words(status)
    assert f"(set by 'vm' at {clock_words(at)}; hatbox box-knob output.volume 0 puts it back)" in said
    assert said == before                              # what `hatbox status` said before the restart
    read = _volume_over_api(again, tmp_path / "api2")   # GET /volume (hatbox box-knob) reads the engine's note
    assert (read["db"], read["set_by"], read["set_from"]) == (-3.0, "api", "vm") and read["set_ago_s"] >= 0.0


def test_the_panels_turn_clears_who_for_good(box: Box, store: Path, fxd: str) -> None:  # noqa: F811
    first = box.start({"effect": fxd})
    control = BoxControl(_Engine(first))
    _set_over_osc(control, -12.0, "192.0.2.7")
    assert first.status()["volume_set"]["source"] == "192.0.2.7" and first.status()["volume_set"]["by"] == OSC
    control.send({"op": "volume", "db": -12.0})        # the panel's turn (to the same value): nobody over the network
    assert "volume_set" not in first.status()
    assert "volume_set" not in control.status()
    box.stop(first)
    assert _kept(store)["volume_db"] == -12.0 and "volume_set" not in _kept(store)
    second = box.start({"effect": fxd})
    assert "volume_set" not in second.status()


def test_a_volume_set_on_another_day_says_its_date(box: Box, store: Path, fxd: str) -> None:  # noqa: F811
    at = time.time() - 3 * 86400
    (store / KNOB_FILE).write_text(json.dumps({"version": 1, "slots": {}, "kept_at": at, "volume_db": -6.0,
                                               "volume_set": {"by": "osc", "source": "10.0.0.7", "set_at": at}}))
    child = box.start({"effect": fxd})
    said = volume_words(child.status())
    day = time.strftime("%Y-%m-%d", time.localtime(at))
    assert said.startswith(f"volume -6 dB (set over OSC from 10.0.0.7 at {day} ")


def test_a_who_that_is_none_brings_the_volume_back_without_it(box: Box, store: Path, fxd: str) -> None:  # noqa: F811
    (store / KNOB_FILE).write_text(json.dumps({"version": 1, "slots": {}, "volume_db": -6.0,
                                               "volume_set": {"by": "osc", "source": 7}}))    # edited by hand
    child = box.start({"effect": fxd})
    assert child.status()["volume_db"] == -6.0 and "volume_set" not in child.status()

"""p48 QA: a stranger's ``/hatbox/bypass sampler 1`` over OSC silenced the drums; `hatbox status` had no sampler line
at all, `hatbox box-kit` listed the notes as playable, and nothing on the laptop turned the sampler back on
(`box-knob sampler.bypass 0`: "the slot is effect or synth").  Now ``GET /bypass`` / ``PUT /bypass/{slot}``
(authenticated), ``GET /status``'s engine ``bypass_set`` says who bypassed a slot over the network, the status has a
line per bypassed slot with how to undo it, box-knob turns any slot back on, and box-kit warns."""
from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from device.api.app import ApiConfig, create_app
from device.api.sim import RecordingControl
from device.osc import OscMap, OscServer
from hatbox.box_control import BoxControl
from hatbox.cli import main
from hatbox.status_report import bypass_lines
from tests.api.conftest import FAST_ENGINE, PairedServer

STRANGER = "192.0.2.7"


def _osc(control: Any, slot: str, on: float) -> None:
    """OSC from STRANGER bypasses ``slot`` through ``control``, as `hatbox device run` wires it."""
    server = OscServer(OscMap(), control.send, host="127.0.0.1", port=0)
    try:
        server._on_message("/hatbox/bypass", slot, on, sender=STRANGER)
    finally:
        server.stop()


@pytest.fixture
def api(tmp_path: Path) -> Iterator[tuple[TestClient, BoxControl, dict[str, str]]]:
    """The API over a BoxControl (the panel's and OSC's control, the simulated engine behind it)."""
    codes: list[str] = []
    control = BoxControl(RecordingControl())
    app = create_app(tmp_path / "box", control, ApiConfig(engine=FAST_ENGINE, on_code=codes.append))
    with TestClient(app) as client:
        token = client.post("/pair", json={"code": codes[-1], "name": "studio-mac"}).json()["token"]
        yield client, control, {"Authorization": f"Bearer {token}"}


def _asked(message: dict[str, Any]) -> dict[str, Any]:
    """A bypass message sent, but the paired device's name (its ``source``, which the engine keeps: p55)."""
    return {k: v for k, v in message.items() if k != "source"}


def _slot(client: TestClient, auth: dict[str, str], slot: str) -> dict[str, Any]:
    r = client.get("/bypass", headers=auth)
    assert r.status_code == 200, r.text
    return next(b for b in r.json() if b["slot"] == slot)


def test_a_strangers_osc_bypass_is_in_the_status_and_get_bypass_with_his_address(
        api: tuple[TestClient, BoxControl, dict[str, str]]) -> None:
    client, control, auth = api
    _osc(control, "sampler", 1.0)
    said = _slot(client, auth, "sampler")
    assert said["bypassed"] is True and said["set_by"] == "osc" and said["set_from"] == STRANGER
    engine = client.get("/status", headers=auth).json()["engine"]
    assert engine["bypassed"]["sampler"] is True
    assert engine["bypass_set"]["sampler"]["source"] == STRANGER and engine["bypass_set"]["sampler"]["by"] == "osc"


def test_the_laptop_turns_the_sampler_back_on_and_the_note_goes(
        api: tuple[TestClient, BoxControl, dict[str, str]]) -> None:
    client, control, auth = api
    _osc(control, "sampler", 1.0)
    r = client.put("/bypass/sampler", json={"on": False}, headers=auth)
    assert r.status_code == 200, r.text
    assert r.json() == {"slot": "sampler", "bypassed": False, "fault": False}
    assert control.engine.sent[-1] == {"op": "bypass", "slot": "sampler", "on": False, "by": "api",
                                       "source": "studio-mac"}        # who sent it, kept by the engine (p55)
    assert "bypass_set" not in client.get("/status", headers=auth).json()["engine"]


@pytest.mark.parametrize("slot", ["effect", "synth", "sampler"])
def test_every_slot_is_bypassed_from_the_laptop_by_its_name(
        api: tuple[TestClient, BoxControl, dict[str, str]], slot: str) -> None:
    client, _control, auth = api
    r = client.put(f"/bypass/{slot}", json={"on": True}, headers=auth)
    assert r.status_code == 200, r.text
    assert r.json()["bypassed"] is True and r.json()["set_by"] == "api" and r.json()["set_from"] == "studio-mac"


def test_a_panel_bypass_after_the_stranger_is_not_claimed_as_his(
        api: tuple[TestClient, BoxControl, dict[str, str]]) -> None:
    client, control, auth = api
    _osc(control, "effect", 1.0)
    control.send({"op": "bypass", "slot": "effect", "on": False})        # the panel's button, off and on again
    control.send({"op": "bypass", "slot": "effect", "on": True})
    said = _slot(client, auth, "effect")
    assert said["bypassed"] is True and "set_by" not in said and "set_from" not in said


def test_the_bypass_routes_need_the_token_and_a_slot(api: tuple[TestClient, BoxControl, dict[str, str]]) -> None:
    client, control, auth = api
    assert client.get("/bypass").status_code == 401
    assert client.put("/bypass/sampler", json={"on": False}).status_code == 401
    assert client.put("/bypass/drums", json={"on": False}, headers=auth).status_code in (400, 404, 422)
    assert client.put("/bypass/sampler", json={"on": "maybe"}, headers=auth).status_code in (400, 422)
    assert [m for m in control.engine.sent if m["op"] == "bypass"] == []


def test_the_status_lines_name_every_bypassed_slot_and_how_to_undo_it() -> None:
    eng = {"bypassed": {"effect": True, "synth": False, "sampler": True},
           "active": {"effect": {"name": "drive"}, "synth": None, "sampler": None},
           "bypass_set": {"sampler": {"by": "osc", "source": STRANGER, "ago_s": 5.0}}}
    lines = bypass_lines(eng)
    assert lines[0] == ("effect bypassed: it plays its input dry (hatbox box-knob effect.bypass 0 turns it back on)")
    assert re.fullmatch(rf"sampler bypassed: its notes play nothing \(bypassed over OSC from {re.escape(STRANGER)} "
                        r"at \d\d:\d\d; hatbox box-knob sampler.bypass 0 turns it back on\)", lines[1]), lines[1]
    assert len(lines) == 2


def _osc_paired(paired: PairedServer, slot: str) -> None:
    _osc(paired.control, slot, 1.0)


def test_laptop_status_box_kit_and_box_knob_see_and_undo_a_strangers_sampler_bypass(
        paired_server: PairedServer, capsys: pytest.CaptureFixture[str]) -> None:
    _osc_paired(paired_server, "sampler")
    capsys.readouterr()
    assert main(["status"]) == 0
    out = capsys.readouterr().out
    assert re.search(rf"\n  sampler bypassed: its notes play nothing \(bypassed over OSC from {re.escape(STRANGER)} "
                     r"at \d\d:\d\d; hatbox box-knob sampler.bypass 0 turns it back on\)\n", out), out
    assert main(["box-kit"]) == 0
    assert "warning: sampler bypassed: its notes play nothing (bypassed over OSC from" in capsys.readouterr().out
    assert main(["box-knob"]) == 0
    assert "sampler.bypass       1  (sampler bypassed" in capsys.readouterr().out
    assert main(["box-knob", "sampler.bypass", "0"]) == 0
    assert capsys.readouterr().out.startswith("sampler.bypass       0  (plays")
    assert _asked(paired_server.control.sent[-1]) == {"op": "bypass", "slot": "sampler", "on": False, "by": "api"}
    assert main(["status"]) == 0
    assert "bypassed" not in capsys.readouterr().out
    assert main(["box-kit"]) == 0
    assert "bypassed" not in capsys.readouterr().out


@pytest.mark.parametrize("words, on", [(["1"], True), (["on"], True), (["OFF"], False), (["0"], False)])
def test_box_knob_bypasses_any_slot_in_any_case(paired_server: PairedServer, capsys: pytest.CaptureFixture[str],
                                               words: list[str], on: bool) -> None:
    assert main(["box-knob", "Synth.Bypass", *words]) == 0
    assert _asked(paired_server.control.sent[-1]) == {"op": "bypass", "slot": "synth", "on": on, "by": "api"}


def test_box_knob_refuses_a_bypass_value_it_cannot_read(paired_server: PairedServer,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["box-knob", "sampler.bypass", "maybe"]) != 0
    err = capsys.readouterr().err
    assert "sampler.bypass is 1 (bypassed) or 0 (plays), not 'maybe'" in err
    assert [m for m in paired_server.control.sent if m["op"] == "bypass"] == []

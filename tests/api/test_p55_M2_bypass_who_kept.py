"""p55 review R2 #5 (the front end's half; the engine's is tests/engine/test_p55_M2_kept_who.py): OSC and the API now
send who bypassed a slot with the bypass message, so the engine keeps it in knobs.json; after a restart the box's
front end has no note of its own, and GET /bypass and GET /status (what `hatbox status` reads) say the engine's."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from device.api.app import ApiConfig, create_app
from device.api.sim import RecordingControl
from hatbox.box_control import BoxControl
from hatbox.status_report import bypass_lines
from tests.api.conftest import FAST_ENGINE
from tests.api.test_p48_qa_bypass_route import STRANGER, _osc, _slot


def _restarted() -> RecordingControl:
    """The simulated engine, started again with the sampler bypassed by STRANGER (what the engine's knob keeper puts
    back: who, in its status's ``bypass_set``)."""
    engine = RecordingControl()
    engine.send({"op": "bypass", "slot": "sampler", "on": True, "by": "osc", "source": STRANGER, "set_at": 1.0e9})
    return engine


@pytest.fixture
def restarted(tmp_path: Path) -> Iterator[tuple[TestClient, BoxControl, dict[str, str]]]:
    codes: list[str] = []
    engine = _restarted()
    control = BoxControl(engine)
    app = create_app(tmp_path / "box", control, ApiConfig(engine=FAST_ENGINE, on_code=codes.append))
    with TestClient(app) as client:
        token = client.post("/pair", json={"code": codes[-1], "name": "studio-mac"}).json()["token"]
        yield client, control, {"Authorization": f"Bearer {token}"}


def test_osc_and_the_api_send_who_bypassed_with_the_bypass(tmp_path: Path) -> None:
    codes: list[str] = []
    control = BoxControl(RecordingControl())
    app = create_app(tmp_path / "box", control, ApiConfig(engine=FAST_ENGINE, on_code=codes.append))
    with TestClient(app) as client:
        auth = {"Authorization": "Bearer " + client.post("/pair", json={"code": codes[-1], "name": "studio-mac"})
                .json()["token"]}
        _osc(control, "sampler", 1.0)
        assert control.engine.sent[-1] == {"op": "bypass", "slot": "sampler", "on": True, "by": "osc",
                                           "source": STRANGER}
        assert client.put("/bypass/effect", json={"on": True}, headers=auth).status_code in (200, 409)
        assert control.engine.sent[-1] == {"op": "bypass", "slot": "effect", "on": True, "by": "api",
                                           "source": "studio-mac"}


def test_after_a_restart_get_bypass_and_the_status_say_who_from_the_engine(
        restarted: tuple[TestClient, BoxControl, dict[str, str]]) -> None:
    client, _control, auth = restarted
    said = _slot(client, auth, "sampler")
    assert said["bypassed"] is True and said["set_by"] == "osc" and said["set_from"] == STRANGER
    engine = client.get("/status", headers=auth).json()["engine"]
    assert engine["bypass_set"]["sampler"]["source"] == STRANGER
    assert "bypassed over OSC from 192.0.2.7" in bypass_lines(engine)[0]


def test_a_bypass_of_this_run_and_the_engine_s_kept_one_are_both_said(
        restarted: tuple[TestClient, BoxControl, dict[str, str]]) -> None:
    client, _control, auth = restarted
    assert client.put("/bypass/effect", json={"on": True}, headers=auth).status_code in (200, 409)
    engine = client.get("/status", headers=auth).json()["engine"]
    if engine["bypassed"]["effect"]:
        assert engine["bypass_set"]["effect"]["source"] == "studio-mac"
    assert engine["bypass_set"]["sampler"]["source"] == STRANGER        # not lost to this run's bypass

"""p57 R4 findings 1 and 2: who bypassed a slot is the engine's record alone (its status's ``bypass_set``), so the
API's simulated engine keeps it as the engine does (device/kept_play.py ``who_of``: set by a bypass that says who,
dropped when the slot's bypass goes off, by a bypass that says nobody, and when the slot's pack loads or unloads).
PUT /bypass's ``asked`` answer (an engine slower than the wait) says who asked, as the engine will once it takes it."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from device.api.app import ApiConfig, create_app
from device.api.sim import RecordingControl
from device.kept_play import API, OSC
from tests.api.conftest import FAST_ENGINE
from tests.api.test_p52_K_bypass_answer import LateEngine

STRANGER = "192.0.2.7"


def _bypass(on: bool, slot: str = "effect", **who: Any) -> dict[str, Any]:
    return {"op": "bypass", "slot": slot, "on": on, **who}


def _said(engine: RecordingControl) -> dict[str, Any]:
    return engine.status().get("bypass_set", {})


def test_the_simulated_engine_says_who_bypassed_a_slot_while_it_is_so() -> None:
    engine = RecordingControl()
    engine.send(_bypass(True, by=OSC, source=STRANGER, set_at=1000.0))
    said = _said(engine)["effect"]
    assert {k: said[k] for k in ("by", "source", "at")} == {"by": OSC, "source": STRANGER, "at": 1000.0}
    assert said["ago_s"] > 0.0
    engine.send(_bypass(False))                                  # back in: who is dropped
    assert _said(engine) == {}
    engine.send(_bypass(True))                                   # the panel's: nobody, not the stranger
    assert _said(engine) == {}


@pytest.mark.parametrize("change", [{"op": "load", "slot": "effect", "path": "fx.hatpack"},
                                    {"op": "unload", "slot": "effect"}])
def test_a_pack_loaded_or_unloaded_drops_who_bypassed_its_slot(change: dict[str, Any]) -> None:
    engine = RecordingControl()
    engine.send(_bypass(True, by=API, source="laptop"))
    engine.send(_bypass(True, slot="synth", by=API, source="laptop"))
    engine.send(change)
    engine.send(_bypass(True))                                   # bypassed again on the panel: nobody's
    assert set(_said(engine)) == {"synth"}, _said(engine)       # the other slot keeps its own


def test_put_bypass_answers_asked_with_who_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("device.api.bypass_routes.KEEP_WAIT_S", 0.05)
    codes: list[str] = []
    engine = LateEngine(late=10**9)                              # never takes it within the wait
    app = create_app(tmp_path / "box", engine, ApiConfig(engine=FAST_ENGINE, on_code=codes.append))
    with TestClient(app) as client:
        token = client.post("/pair", json={"code": codes[-1], "name": "studio\u00a0mac"}).json()["token"]
        r = client.put("/bypass/sampler", json={"on": True}, headers={"Authorization": f"Bearer {token}"})
    body = r.json()
    assert r.status_code == 200 and body["asked"] is True and body["bypassed"] is True, r.text
    assert (body["set_by"], body["set_from"], body["set_ago_s"]) == (API, "studiomac", 0.0)   # as the engine says it

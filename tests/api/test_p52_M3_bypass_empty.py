"""p52 review R3 finding 1: ``PUT /bypass/effect {"on": true}`` on a box whose effect slot plays no pack waited the
whole KEEP_WAIT_S and answered ``bypassed: true`` (``asked``), a bypass the engine never takes (device/audio/slot.py
``Slot._same``: two empty sides are the same), and `hatbox box-knob effect.bypass 1` printed it as done.  Now such a
PUT is refused at once (409 "no pack"), and box-knob says an ``asked`` answer is only asked."""
from __future__ import annotations

import argparse
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from device.api.app import ApiConfig, create_app
from device.api.sim import RecordingControl
from hatbox import cmd_box_knob
from hatbox.cmd_box_knob import box_bypass, bypass_knob_line
from tests.api.conftest import FAST_ENGINE


class EmptySlotsEngine(RecordingControl):
    """A simulated engine that, as the real one, keeps no bypass of a slot playing no pack."""

    def _apply(self, message: dict[str, Any]) -> None:
        if message.get("op") == "bypass" and self.active.get(message.get("slot")) is None:
            return
        super()._apply(message)


@pytest.fixture
def box(tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, str], EmptySlotsEngine]]:
    codes: list[str] = []
    control = EmptySlotsEngine()
    app = create_app(tmp_path / "box", control, ApiConfig(engine=FAST_ENGINE, on_code=codes.append))
    with TestClient(app) as client:
        token = client.post("/pair", json={"code": codes[-1], "name": "studio-mac"}).json()["token"]
        yield client, {"Authorization": f"Bearer {token}"}, control


def test_p52_M3_bypassing_an_empty_slot_is_refused_at_once(
        box: tuple[TestClient, dict[str, str], EmptySlotsEngine]) -> None:
    client, auth, _ = box
    for slot in ("effect", "synth"):
        start = time.monotonic()
        r = client.put(f"/bypass/{slot}", json={"on": True}, headers=auth)
        took = time.monotonic() - start
        assert r.status_code == 409, r.text                 # was: 200 {"bypassed": true, "asked": true} after 0.5 s
        assert r.json()["error"] == "no pack"
        assert f"the {slot} slot plays no pack: nothing to bypass" in r.json()["message"]
        assert took < 0.3, took
        got = next(b for b in client.get("/bypass", headers=auth).json() if b["slot"] == slot)
        assert got["bypassed"] is False and "set_by" not in got


def test_p52_M3_turning_an_empty_slots_bypass_off_and_a_playing_slots_on_still_answer(
        box: tuple[TestClient, dict[str, str], EmptySlotsEngine]) -> None:
    client, auth, control = box
    r = client.put("/bypass/effect", json={"on": False}, headers=auth)
    assert r.status_code == 200 and r.json()["bypassed"] is False and "asked" not in r.json()
    control.active["effect"] = {"path": "drive"}
    r = client.put("/bypass/effect", json={"on": True}, headers=auth)
    assert r.status_code == 200, r.text
    assert r.json()["bypassed"] is True and "asked" not in r.json() and r.json()["set_by"] == "api"


@pytest.mark.parametrize("on", [True, False])
def test_p52_M3_box_knob_says_an_asked_bypass_is_only_asked(monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str], on: bool) -> None:
    answer = {"slot": "sampler", "bypassed": on, "fault": False, "set_by": "api", "set_from": "studio-mac",
              "set_ago_s": 0.0, "asked": True}
    monkeypatch.setattr(cmd_box_knob, "read_bypass", lambda _c: [])
    monkeypatch.setattr(cmd_box_knob, "_call", lambda _c, method, route, **_kw: answer)
    assert box_bypass(None, "sampler", argparse.Namespace(value=["1" if on else "0"], json=False)) == 0
    line = capsys.readouterr().out.strip()
    assert line.startswith(f"sampler.bypass       {int(on)}  (asked; the engine has not shown it yet"), line
    assert "bypassed over" not in line and "(plays" not in line
    assert "asked" not in bypass_knob_line({**answer, "asked": None})

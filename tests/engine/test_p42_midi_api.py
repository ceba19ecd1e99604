"""MIDI learn over the API, forty-second stop: the synth's pad is learnable (``pad.x``, ``pad.y``, moved through the
same ``xy`` message the panel and OSC send), and learning a knob of a synth pack without knobs names that pack
and says it has none (it said "no synth pack is loaded").  The box is the API over a BoxControl in front of the
recording engine, MIDI started by ``cmd_device._start_midi`` with the port stood in for."""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import mido
import pytest
from fastapi.testclient import TestClient

from device import midi_ports
from device.api.app import ApiConfig, create_app
from device.api.sim import RecordingControl
from hatbox import cmd_device
from hatbox.cli import build_parser
from tests.api.conftest import FAST_ENGINE

FACTORY = Path(__file__).resolve().parents[2] / "factory"


def _box(store: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[TestClient, cmd_device.BoxControl, dict[str, str]]:
    monkeypatch.setattr(midi_ports, "open_input", lambda *a, **k: argparse.Namespace(close=lambda: None))
    control = cmd_device.BoxControl(RecordingControl())
    control.send({"op": "load", "slot": "synth", "path": str(FACTORY / "synth-gm4.hatpack")})   # no knobs
    cmd_device._start_midi(build_parser().parse_args(["device", "run", "--store", str(store)]), control)
    codes: list[str] = []
    client = TestClient(create_app(store, control, ApiConfig(engine=FAST_ENGINE, on_code=codes.append)))
    token = client.post("/pair", json={"code": codes[-1], "name": "test"}).json()["token"]
    return client, control, {"Authorization": f"Bearer {token}"}


def test_learn_on_a_synth_without_knobs_names_the_pack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    client, _control, auth = _box(tmp_path / "box", monkeypatch)
    r = client.post("/midi/learn", json={"slot": "synth", "knob": "anything"}, headers=auth)
    assert r.status_code == 404
    body: dict[str, Any] = r.json()
    assert "no synth pack is loaded" not in body["message"]
    assert "the synth pack 'synth-gm4' has no knobs" in body["message"]
    assert "pad.x" in body["hint"]


def test_the_pad_is_learned_and_moved_through_xy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    client, control, auth = _box(tmp_path / "box", monkeypatch)
    r = client.post("/midi/learn", json={"slot": "pad", "knob": "X"}, headers=auth)
    assert r.status_code == 202, r.text
    assert r.json()["learning"] == {"slot": "pad", "knob": "x"}
    out = control.midi.translate(mido.Message("control_change", control=16, value=0))
    assert out == [{"op": "xy", "x": 0.0, "y": 0.0}]
    state = client.get("/midi", headers=auth).json()
    assert {"cc": 16, "slot": "pad", "knob": "x", "source": "learned", "loaded": True} in state["bindings"]
    assert (tmp_path / "box" / "midi-bindings.json").read_text().count('"16": "pad.x"') == 1
    assert client.post("/midi/learn", json={"slot": "pad", "knob": "z"}, headers=auth).status_code == 404

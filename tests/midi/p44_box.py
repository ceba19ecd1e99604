"""A box for the p44 program-change tests: ``hatbox device run``'s wiring (BoxControl in front of the recording
engine, MIDI started by cmd_device._start_midi with the port stood in for) and the API over that control, with the
callback a MIDI port would call (device.midi_ports.translator over the box's map): program changes go the way a
controller's do."""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, Callable, NamedTuple

import mido
import pytest
from fastapi.testclient import TestClient

from device import midi_ports
from device.api.app import ApiConfig, create_app
from device.api.sim import RecordingControl
from hatbox import cmd_device
from hatbox.cli import build_parser
from tests.api.conftest import FAST_ENGINE
from tests.api.packs import gain_pack


class ProgramBox(NamedTuple):
    client: TestClient
    control: Any                    # cmd_device.BoxControl
    auth: dict[str, str]
    app: Any
    port: Callable[[Any], None]     # the MIDI port's callback (device.midi_ports.Translator)
    stop: Callable[[], None]

    def push(self, path: Path, activate: bool = False) -> str:
        r = self.client.post("/packs", params={"activate": activate}, content=path.read_bytes(), headers=self.auth)
        assert r.status_code == 201, r.text
        return str(r.json()["pack"]["id"])

    def program(self, number: int, channel: int = 0) -> None:
        self.port(mido.Message("program_change", program=number, channel=channel))

    def loads(self) -> list[str]:
        return [m["path"] for m in self.control.engine.sent if m["op"] == "load"]

    def active(self, slot: str = "effect") -> str | None:
        return self.client.get("/status", headers=self.auth).json()["active"][slot]

    @property
    def switcher(self) -> Any:
        return self.app.state.programs


def program_box(store: Path, monkeypatch: pytest.MonkeyPatch, *argv: str) -> ProgramBox:
    monkeypatch.setattr(midi_ports, "open_input", lambda *a, **k: argparse.Namespace(close=lambda: None))
    control = cmd_device.BoxControl(RecordingControl())
    args = build_parser().parse_args(["device", "run", "--store", str(store), *argv])
    closer = cmd_device._start_midi(args, control)
    codes: list[str] = []
    app = create_app(store, control, ApiConfig(engine=FAST_ENGINE, on_code=codes.append))
    client = TestClient(app)
    token = client.post("/pair", json={"code": codes[-1], "name": "test"}).json()["token"]
    sent: list[dict[str, Any]] = []
    port = midi_ports.translator(control.midi, sent.append)

    def stop() -> None:
        app.state.programs.wait()
        if closer is not None:
            closer()
    return ProgramBox(client, control, {"Authorization": f"Bearer {token}"}, app, port, stop)


def packs(where: Path) -> dict[str, Path]:
    """Three small effect packs: a, b, and a newer version of a."""
    where.mkdir(parents=True, exist_ok=True)
    return {"a": gain_pack(where / "a.hatpack", "alpha", "1.0.0", seed=1),
            "b": gain_pack(where / "b.hatpack", "beta", "1.0.0", seed=2),
            "a2": gain_pack(where / "a2.hatpack", "alpha", "1.1.0", seed=3)}


def two_programs(box: ProgramBox, where: Path) -> tuple[str, str]:
    """Packs a (made active) and b of :func:`packs` pushed to ``box`` and mapped to programs 0 and 1; their ids."""
    made = packs(where)
    a, b = box.push(made["a"], activate=True), box.push(made["b"])
    for program, pack in ((0, a), (1, b)):
        r = box.client.put(f"/midi/programs/{program}", json={"pack": pack}, headers=box.auth)
        assert r.status_code == 200, r.text
    return a, b

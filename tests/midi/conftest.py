"""Fixtures for the p44 MIDI tests: a box as `hatbox device run` wires it, served on loopback, the laptop paired."""
from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from device import midi_ports
from device.api.app import ApiConfig, create_app
from device.api.server import start_in_thread
from device.api.sim import RecordingControl
from hatbox import cmd_device
from hatbox.cli import build_parser, main
from tests.api.conftest import FAST_ENGINE


@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Any, Any, Any]]:
    """A box as `hatbox device run` wires it (BoxControl, MIDI with its port stood in for) served on loopback, the
    laptop paired with it: (the app, the control, the MIDI port's callback)."""
    monkeypatch.setenv("HATBOX_CONFIG", str(tmp_path / "cfg" / "remote.json"))
    for var in ("HATBOX_URL", "HATBOX_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setattr(midi_ports, "open_input", lambda *a, **k: argparse.Namespace(close=lambda: None))
    control = cmd_device.BoxControl(RecordingControl())
    closer = cmd_device._start_midi(build_parser().parse_args(["device", "run", "--store", str(tmp_path / "box")]),
                                    control)
    codes: list[str] = []
    app = create_app(tmp_path / "box", control, ApiConfig(engine=FAST_ENGINE, on_code=codes.append))
    running = start_in_thread(app)
    try:
        assert main(["pair", running.url, "--code", codes[-1], "--name", "laptop"]) == 0
        yield app, control, midi_ports.translator(control.midi, lambda c: None)
    finally:
        app.state.programs.wait()
        running.stop()
        closer()

"""p46 regression QA ("reg", knob_after_empty.sh): `hatbox box-knob effect.drive 20dB`, `hatbox box-pack --deactivate
effect`, `hatbox box-pack hatbox-drive --activate` brought the drive back at 12 dB, its default.  The laptop's own
commands against a box API whose control is a real engine (the engine process's request path, device/audio/server
._Child), so the API's deactivate and activate reach the engine's unload and load as on a box."""
from __future__ import annotations

from typing import Any, Iterator

import pytest

from device.audio.alsa_io import AudioConfig
from device.audio.server import ServerConfig, _Child
from hatbox.cli import main
from tests.api.conftest import PairedServer
from tests.engine.test_p42_knobs_carry import DRIVE, _blocks


@pytest.fixture
def child() -> Iterator[_Child]:
    c = _Child(ServerConfig(audio=AudioConfig(rate=48000, period=128), backend="file", realtime=False))
    c.swapper.budget = 50.0              # a loaded machine is no refusal here (its real-time trial is not tested)
    yield c
    c.knobs.stop()
    c.swapper.stop()


@pytest.fixture
def engine_box(paired_server: PairedServer, child: _Child, monkeypatch: pytest.MonkeyPatch,
               capsys: pytest.CaptureFixture[str]) -> _Child:
    """The laptop paired with a box API whose control is a real engine (the engine process's request path)
    playing the factory drive ('hatbox-drive') pushed and made active."""
    def send(message: dict[str, Any]) -> None:
        child.request(message)
        _blocks(child)

    monkeypatch.setattr(paired_server.control, "send", send)
    monkeypatch.setattr(paired_server.control, "status", child.status)
    assert main(["push", str(DRIVE), "--activate", "--quiet"]) == 0
    capsys.readouterr()
    return child


def test_box_knob_then_deactivate_then_activate_keeps_the_drive(engine_box: _Child,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["box-knob", "effect.drive", "20dB"]) == 0
    assert main(["box-pack", "--deactivate", "effect"]) == 0
    assert engine_box.status()["active"]["effect"] is None
    assert main(["box-pack", "hatbox-drive", "--activate"]) == 0
    capsys.readouterr()
    assert engine_box.status()["slot_knobs"]["effect"]["drive"] == 20.0
    assert main(["box-knob"]) == 0
    assert "effect.drive 20 dB" in " ".join(capsys.readouterr().out.split())

"""Exceptions with no message on the box: each place that puts one in a line of text names its type instead of
raising IndexError (``str(exc).splitlines()[0]`` on ``""``): the OSC server notes a drop, the golden check is a
PackError, unreadable learned MIDI bindings are ignored with a warning."""
from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest

import device.audio.runtime
import device.midi
from device.audio.swap import golden_check
from device.midi import load_learned
from device.osc import OscMap, OscServer
from export.pack import read_pack
from hatbox.errors import PackError
from tests.api.packs import gain_pack
from tests.engine.helpers import effect_knob_ranges


def test_an_osc_knob_whose_setter_raises_an_empty_exception_is_noted_as_a_drop(caplog) -> None:
    caplog.set_level(logging.WARNING, logger="hatbox.osc")

    def send(_control: dict[str, Any]) -> None:
        raise Exception()                                           # noqa: TRY002 - no message at all

    server = OscServer(OscMap(knobs=effect_knob_ranges()), send, host="127.0.0.1", port=0)
    try:
        server._on_message("/hatbox/knob/effect/drive", 5.0)       # what the dispatcher calls for a packet
    finally:
        server.server.server_close()
    lines = [r.getMessage() for r in caplog.records if r.name == "hatbox.osc"]
    assert lines == ["OSC: /hatbox/knob/effect/drive 5.0 refused: Exception"]
    assert server.received == 1


def test_a_golden_check_raising_an_empty_exception_is_a_pack_error(tmp_path: Path, monkeypatch) -> None:
    pack = read_pack(gain_pack(tmp_path / "g.hatpack"))

    def broken(*_args: Any) -> float:
        raise RuntimeError()

    monkeypatch.setattr(device.audio.runtime, "check_golden", broken)
    with pytest.raises(PackError, match=r"^golden check failed to run: RuntimeError$") as err:
        golden_check(object(), pack)
    assert err.value.check == "golden"


def test_learned_bindings_refused_with_an_empty_value_error_are_ignored_with_a_warning(tmp_path: Path,
                                                                                      monkeypatch) -> None:
    path = tmp_path / "bindings.json"
    path.write_text(json.dumps({"learned": {"21": "effect.drive"}}))

    def refuse(_text: str) -> Any:
        raise ValueError()

    monkeypatch.setattr(device.midi, "parse_binding", refuse)
    learned, why = load_learned(path)
    assert learned == {} and why is not None
    assert why.startswith(f"the learned MIDI bindings in {path} are unreadable (ValueError): ignored")


def test_a_front_end_failing_with_an_empty_message_is_a_warning_not_a_crash(monkeypatch, capsys) -> None:
    """`hatbox device run`: a front end (MIDI here) whose start raised an exception with no message crashed the
    box with IndexError (str(exc).splitlines()[0]); it is a warning naming the exception's type."""
    import argparse

    from hatbox import cmd_device

    def _start_midi(args, control):
        raise RuntimeError()

    monkeypatch.setattr(cmd_device, "_start_midi", _start_midi)
    args = argparse.Namespace(midi=True, midi_cc=[], osc_port=0, api=False)
    assert cmd_device._front_ends(args, cmd_device.BoxControl(object())) == []
    assert "warning: midi not started: RuntimeError" in capsys.readouterr().err

"""p42 regression QA 6, MIDI channels.  ``--synth-channel 1`` alone left the kit on every channel (a keyboard on 1
still layered a kick): the kit now plays every channel but the synth's, as the synth plays every channel but the
kit's.  ``--kit-channel 10 --synth-channel 10`` silenced 15 channels without a word: a warning at start (and in
GET /midi's warnings).  The ``MIDI channels:`` start-up line is printed when MIDI does not start (no sequencer) or
is off (--no-midi, channels given) too."""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import mido
import pytest

from device import midi, midi_ports
from device.midi import MidiMap
from device.midi_channels import Channels, describe
from hatbox import cmd_device
from hatbox.cli import build_parser


class _Engine:
    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    def send(self, message: dict[str, Any]) -> None:
        self.sent.append(dict(message))

    def status(self) -> dict[str, Any]:
        return {"active": {}, "slot_knobs": {}}


def _args(store: Path, *argv: str) -> argparse.Namespace:
    return build_parser().parse_args(["device", "run", "--store", str(store), *argv])


def note(n: int, channel: int) -> mido.Message:
    return mido.Message("note_on", channel=channel, note=n, velocity=100)


def test_a_synth_channel_alone_takes_the_kit_off_that_channel() -> None:
    m = MidiMap(channels=Channels(synth=0))
    assert m.translate(note(36, 0)) == [{"op": "note_on", "note": 36, "velocity": 100, "slot": "synth"}]   # no kick
    assert m.translate(note(36, 9))[0]["slot"] == "sampler" and m.translate(note(36, 4))[0]["slot"] == "sampler"
    assert Channels(synth=0).words() == "kit: every channel but 1; synth: channel 1"
    assert describe({"kit_channel": None, "synth_channel": 1}) == "kit: every channel but 1; synth: channel 1"


def test_the_defaults_and_a_kit_channel_play_as_before() -> None:
    assert [Channels().route(c) for c in (0, 9)] == [{}, {"slot": "sampler"}]
    assert [Channels(kit=9).route(c) for c in (0, 9)] == [{"slot": "synth"}, {"slot": "sampler"}]
    assert Channels().warning() is None and Channels(kit=9, synth=0).warning() is None


def test_kit_and_synth_on_one_channel_warn_at_start(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    hub = cmd_device._midi_hub(_args(tmp_path, "--kit-channel", "10", "--synth-channel", "10"),
                               cmd_device.BoxControl(_Engine()))
    err = capsys.readouterr().err
    assert "warning: the kit and the synth both play MIDI channel 10 alone: notes on the 15 other channels" in err
    assert any("15 other channels" in w for w in hub.snapshot()["warnings"])


def _no_sequencer(*_a: Any, **_k: Any) -> Any:
    raise midi.MidiError("no MIDI sequencer on this machine (/dev/snd/seq is missing): the box runs without MIDI")


def test_the_channels_line_is_printed_when_midi_does_not_start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(midi_ports, "open_input", _no_sequencer)
    with pytest.raises(midi.MidiError):
        cmd_device._start_midi(_args(tmp_path, "--synth-channel", "1"), cmd_device.BoxControl(_Engine()))
    out = capsys.readouterr().out
    assert "MIDI channels: kit: every channel but 1; synth: channel 1 (MIDI is off: the setting applies once it " \
           "starts)" in out, out


def test_the_channels_line_with_no_midi(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cmd_device._start_midi(_args(tmp_path, "--no-midi", "--kit-channel", "10"),
                                  cmd_device.BoxControl(_Engine())) is None
    assert "MIDI channels: kit: channel 10; synth: every channel but 10 (MIDI is off: --no-midi)" in \
        capsys.readouterr().out
    assert cmd_device._start_midi(_args(tmp_path, "--no-midi"), cmd_device.BoxControl(_Engine())) is None
    assert "MIDI channels" not in capsys.readouterr().out            # nothing given, MIDI off: no line

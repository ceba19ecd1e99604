"""Thirty-first stop: MIDI controllers plugged into the box are connected by themselves, as they come, and one that
goes releases what it held (device/midi_ports.py; every note until the thirty-eighth stop).  Before, a keyboard
played nothing until someone ran `aconnect` on the box, and one unplugged with keys or the pedal down left those
notes sounding."""
from __future__ import annotations

import argparse
import threading
import time
from typing import Any

import mido
import pytest

from device import midi, midi_ports
from device.midi_ports import PortWatcher, is_controller, short_name

KEYS = "nanoKEY2:nanoKEY2 MIDI 1 20:0"
PADS = "MPD218:MPD218 MIDI 1 24:0"


class Seq:
    """A stand-in ALSA sequencer: the ports it lists, the ones opened (with their callbacks), the ones closed."""

    def __init__(self, names: list[str]) -> None:
        self.names, self.open, self.closed, self.broken = list(names), {}, [], set()

    def list_names(self) -> list[str]:
        return list(self.names)

    def open_port(self, name: str, callback) -> Any:
        if name in self.broken:
            raise OSError("device busy")
        self.open[name] = callback
        return argparse.Namespace(close=lambda: self.closed.append(name))


def _watcher(seq: Seq) -> tuple[PortWatcher, list[dict], list[str]]:
    sent, said = [], []
    hub = midi.MidiMap()
    watcher = PortWatcher(seq.list_names, seq.open_port, midi_ports.translator(hub, sent.append), said.append)
    return watcher, sent, said


def test_which_ports_are_controllers_and_their_names():
    assert is_controller(KEYS) and is_controller(PADS)
    assert not is_controller("Midi Through:Midi Through Port-0 14:0")
    assert not is_controller("RtMidiIn Client:hatbox 128:0")
    assert short_name(KEYS) == "nanoKEY2 MIDI 1" and short_name("odd") == "odd"


def test_controllers_are_connected_as_they_come_and_play():
    seq = Seq(["Midi Through:Midi Through Port-0 14:0", KEYS])
    watcher, sent, said = _watcher(seq)
    watcher.poll()
    assert list(seq.open) == [KEYS] and said == ["MIDI: controller 'nanoKEY2 MIDI 1' connected"]
    before = time.monotonic()
    seq.open[KEYS](mido.Message("note_on", note=60, velocity=90))
    assert before <= sent[0].pop("at") <= time.monotonic()           # when it came: the sampler places it by that
    assert sent == [{"op": "note_on", "note": 60, "velocity": 90}]
    seq.names.append(PADS)                                        # plugged in later
    watcher.poll()
    assert set(seq.open) == {KEYS, PADS} and watcher.connected() == ["MPD218 MIDI 1", "nanoKEY2 MIDI 1"]
    seq.open[PADS](mido.Message("note_on", channel=9, note=36, velocity=100))
    assert sent[-1].pop("at") >= before
    assert sent[-1] == {"op": "note_on", "note": 36, "velocity": 100, "slot": "sampler"}
    watcher.poll()                                                # nothing new: nothing opened twice
    assert len(said) == 2


def test_a_controller_that_goes_releases_its_notes():
    seq = Seq([KEYS])
    watcher, sent, said = _watcher(seq)
    watcher.poll()
    seq.open[KEYS](mido.Message("note_on", note=60, velocity=90))
    seq.open[KEYS](mido.Message("control_change", control=64, value=127))      # the pedal down
    seq.names.remove(KEYS)                                                       # unplugged
    watcher.poll()
    assert seq.closed == [KEYS] and watcher.connected() == []
    assert [{k: v for k, v in m.items() if k != "at"} for m in sent[-2:]] == [
        {"op": "note_off", "note": 60}, {"op": "sustain", "on": False}]
    assert said[-1] == "MIDI: controller 'nanoKEY2 MIDI 1' went away: released 1 note and the pedal"
    seq.names.append(KEYS)                                                       # plugged back in
    watcher.poll()
    assert watcher.connected() == ["nanoKEY2 MIDI 1"]


def test_a_port_that_will_not_open_is_said_once_and_tried_again():
    seq = Seq([KEYS])
    seq.broken.add(KEYS)
    watcher, _sent, said = _watcher(seq)
    watcher.poll()
    watcher.poll()
    assert said == ["warning: MIDI controller 'nanoKEY2 MIDI 1' did not open: device busy"]
    seq.broken.clear()
    watcher.poll()
    assert watcher.connected() == ["nanoKEY2 MIDI 1"]


def test_run_polls_until_stopped_then_closes_every_port():
    seq = Seq([KEYS])
    watcher, sent, _said = _watcher(seq)
    stop = threading.Event()
    thread = threading.Thread(target=watcher.run, args=(stop, 0.01))
    thread.start()
    for _ in range(500):
        if seq.open:
            break
        threading.Event().wait(0.01)
    stop.set()
    thread.join(5)
    assert seq.closed == [KEYS] and sent == []          # the box stopping releases nothing by MIDI: it stops


def started_over(seq: Seq, tmp_path, monkeypatch) -> tuple[Any, Any, Any, Any]:
    """``hatbox device run``'s MIDI start (hatbox/cmd_device._start_midi) over the stand-in sequencer ``seq``:
    (what stops it, the box's control, the engine's recorded control, the parsed arguments)."""
    from device.api.sim import RecordingControl
    from hatbox import cmd_device
    from hatbox.cli import build_parser
    fake = argparse.Namespace(get_input_names=seq.list_names,
                              open_input=lambda name, callback=None, virtual=False: (
                                  argparse.Namespace(close=lambda: None) if virtual else seq.open_port(name, callback)))
    monkeypatch.setattr(midi_ports, "backend", lambda: fake)
    recorded = RecordingControl()
    control = cmd_device.BoxControl(recorded)
    args = build_parser().parse_args(["device", "run", "--store", str(tmp_path / "box")])
    return cmd_device._start_midi(args, control), control, recorded, args


def test_the_box_connects_controllers_and_box_midi_lists_them(tmp_path, monkeypatch):
    """``hatbox device run``'s MIDI start (hatbox/cmd_device._start_midi) over a stand-in sequencer."""
    seq = Seq([KEYS])
    stop, control, recorded, _ = started_over(seq, tmp_path, monkeypatch)
    try:
        assert control.midi.snapshot()["controllers"] == ["nanoKEY2 MIDI 1"]
        seq.open[KEYS](mido.Message("note_on", note=64, velocity=80))
    finally:
        stop()                                          # hands on what the MIDI relay holds, then ends it
    assert {"op": "note_on", "note": 64, "velocity": 80} in [{k: v for k, v in m.items() if k != "at"}
                                                              for m in recorded.sent]
    assert seq.closed == [KEYS]


@pytest.mark.parametrize("state, first", [
    ({"controllers": ["nanoKEY2 MIDI 1"]}, "MIDI on: port 'hatbox' (controllers connected: nanoKEY2 MIDI 1)"),
    ({}, "MIDI on: port 'hatbox' (no controller plugged in; a DAW connects with aconnect)")])
def test_box_midi_says_which_controllers_are_connected(state, first):
    from hatbox.cmd_midi import describe
    base = {"midi": "on", "port": "hatbox", "note": "", "bindings": [], "off": [], "overridden": [], "learning": None,
            "warnings": []}
    assert describe({**base, **state})[0] == first

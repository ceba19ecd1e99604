"""p56 F2 item 2: a program switch's log line did not say which controller sent the change; with two controllers on
the box (a foot switch and a keyboard) the log could not tell which one switched the pack.  The MIDI hub hands the
port's short name (device.midi_ports.short_name) to the switcher, and the line says "from MIDI port '...'"."""
from __future__ import annotations

from pathlib import Path

import mido
import pytest

from device.logs import CHANGES_FILE, box_logging, log_path, tail
from device.midi_programs import MIDI_IN, said_by
from tests.midi.p44_box import program_box, two_programs

FOOT = "FS-1-WL:FS-1-WL MIDI 1 24:0"          # as the sequencer lists a controller's port (client:port numbers)


def test_a_switch_from_a_controller_names_its_port_in_the_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = tmp_path / "box"
    box = program_box(store, monkeypatch)
    try:
        with box_logging(store, terminal=False):
            a, b = two_programs(box, tmp_path / "packs")
            box.port.for_source(FOOT)(mido.Message("program_change", program=1, channel=0))
            assert box.switcher.wait(10)
            box.port.for_source(FOOT)(mido.Message("program_change", program=5, channel=0))     # nothing mapped
            assert box.switcher.wait(10)
            logged = log_path(store).read_text()
            changes = tail(store, 50, CHANGES_FILE)
    finally:
        box.stop()
    switched = f"MIDI program 1: effect pack beta 1.0.0 ({b}) switched in (was {a}); from MIDI port 'FS-1-WL MIDI 1'"
    assert switched in logged
    assert any(line.endswith(switched) for line in changes)
    assert "MIDI program 5: nothing mapped" in logged and "from MIDI port 'FS-1-WL MIDI 1'" in logged.split(
        "MIDI program 5: nothing mapped", 1)[1].split("\n", 1)[0]


def test_said_by_names_the_port_of_a_midi_switch_only() -> None:
    assert said_by("program 1: x switched in", MIDI_IN, "nanoKEY2 MIDI 1") == (
        "program 1: x switched in; from MIDI port 'nanoKEY2 MIDI 1'")
    assert said_by("program 1: x switched in", MIDI_IN) == "program 1: x switched in"
    assert said_by("program 1: x switched in", "OSC 192.0.2.7", "ignored") == (
        "program 1: x switched in; sent by OSC 192.0.2.7")

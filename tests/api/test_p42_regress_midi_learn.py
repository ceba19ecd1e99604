"""p42 regression QA 6: `hatbox box-midi --learn pad.z` with the box's MIDI off answered "the box's MIDI is off"
before saying pad.z is no axis; the target is now checked first (``POST /midi/learn?check=true``, nothing armed),
on the box and on the laptop."""
from __future__ import annotations

from pathlib import Path

import pytest

from device.midi import MidiHub, MidiMap
from hatbox.cli import main
from tests.api.conftest import PairedServer, make_box


def _hub_off() -> MidiHub:
    hub = MidiHub(MidiMap(), None, {})
    hub.closed("MIDI is off: it did not start (no MIDI sequencer on this machine)")
    return hub


def test_box_midi_learn_names_a_wrong_axis_before_saying_midi_is_off(
        paired_server: PairedServer, capsys: pytest.CaptureFixture[str]) -> None:
    paired_server.control.midi = _hub_off()
    assert main(["box-midi", "--learn", "pad.z"]) != 0
    err = capsys.readouterr().err
    assert "the pad has the axes x and y, not 'z'" in err and "MIDI is off" not in err, err
    assert paired_server.control.midi.map.learning is None   # nothing was armed
    assert main(["box-midi", "--learn", "pad.x"]) == 0             # a right axis: armed, MIDI off said (p43)
    assert "once the box's MIDI runs (it is off now: it did not start" in capsys.readouterr().out


def test_the_check_arms_nothing_and_the_api_without_midi_checks_the_target_first(tmp_path: Path) -> None:
    box = make_box(tmp_path)
    r = box.client.post("/midi/learn", json={"slot": "pad", "knob": "z"}, headers=box.auth)
    assert r.status_code == 404 and "axes x and y" in r.text                    # was 409 "no MIDI"
    box.control.midi = hub = _hub_off()
    r = box.client.post("/midi/learn?check=true", json={"slot": "pad", "knob": "X"}, headers=box.auth)
    assert r.status_code == 202 and r.json()["midi"] == "off" and hub.map.learning is None, r.text
    r = box.client.post("/midi/learn", json={"slot": "pad", "knob": "X"}, headers=box.auth)
    assert r.status_code == 202 and hub.map.learning == ("pad", "x")
    r = box.client.post("/midi/learn?check=true", json={"slot": "amp", "knob": "x"}, headers=box.auth)
    assert r.status_code == 422 and hub.map.learning == ("pad", "x")           # the check of a slot: still armed

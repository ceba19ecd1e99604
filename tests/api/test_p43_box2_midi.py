"""p43 upgrade QA: `hatbox box-midi --learn effect.drive --wait 3` with the box's MIDI off refused ("nothing was
armed", rc 2) while POST /midi/learn arms it (202, "the next CC binds to it once MIDI runs").  The laptop now arms it
as the box does, says how MIDI comes on, and does not wait for a CC that cannot come."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from device.midi import MidiHub, MidiMap
from hatbox.cli import main
from tests.api.conftest import PairedServer, make_box


def _hub_off(why: str) -> MidiHub:
    hub = MidiHub(MidiMap(), None, {})
    hub.closed(why)
    return hub


def test_learn_with_the_boxs_midi_off_arms_it_and_does_not_wait(
        paired_server: PairedServer, capsys: pytest.CaptureFixture[str]) -> None:
    paired_server.control.midi = hub = _hub_off("MIDI is off: it did not start (no MIDI sequencer on this machine)")
    capsys.readouterr()
    start = time.monotonic()
    rc = main(["box-midi", "--learn", "pad.x", "--wait", "3"])
    out, err = capsys.readouterr()
    assert rc == 0 and time.monotonic() - start < 2.5, err
    assert hub.map.learning == ("pad", "x")                                  # armed, as POST /midi/learn arms it
    assert ("armed for pad.x: the next CC binds to it once the box's MIDI runs (it is off now: it did not start (no "
            "MIDI sequencer on this machine); hatbox box-logs says why it did not start") in out
    assert "sudo modprobe snd-seq" in out and "arm" in out.split("forgets an armed learn")[1]
    assert "not waiting for a control change: none reaches the box while its MIDI is off" in out
    assert main(["box-midi"]) == 0
    assert "learning: pad.x" in capsys.readouterr().out


def test_learn_with_no_midi_says_how_to_start_it_and_what_it_disarmed(
        paired_server: PairedServer, capsys: pytest.CaptureFixture[str]) -> None:
    paired_server.control.midi = hub = _hub_off("MIDI is off: the box was started with --no-midi")
    assert main(["box-midi", "--learn", "pad.y"]) == 0
    capsys.readouterr()
    assert main(["box-midi", "--learn", "pad.x"]) == 0
    out = capsys.readouterr().out
    assert "(it is off now: the box was started with --no-midi; start the box with MIDI (hatbox device run, " \
           "without --no-midi)" in out
    assert "learn for pad.y was disarmed" in out and hub.map.learning == ("pad", "x")


def test_the_check_and_the_arming_answer_say_the_same_with_midi_off(tmp_path: Path) -> None:
    box = make_box(tmp_path)
    box.control.midi = hub = _hub_off("MIDI is off: the box was started with --no-midi")
    r = box.client.post("/midi/learn?check=true", json={"slot": "pad", "knob": "x"}, headers=box.auth)
    assert r.status_code == 202 and hub.map.learning is None, r.text
    assert r.json()["message"] == ("pad.x can be learned; nothing was armed (check only); MIDI is off: the box was "
                                   "started with --no-midi: once armed, the next CC binds to it once MIDI runs (MIDI "
                                   "starts with the box, and a box started again forgets an armed learn: arm it "
                                   "again then)")
    r = box.client.post("/midi/learn", json={"slot": "pad", "knob": "x"}, headers=box.auth)
    assert r.status_code == 202 and hub.map.learning == ("pad", "x")
    assert r.json()["message"].endswith("the next CC binds to it once MIDI runs (MIDI starts with the box, and a box "
                                        "started again forgets an armed learn: arm it again then)")

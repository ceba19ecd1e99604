"""p44 leftovers: a MIDI learn armed when the box stops is cancelled by the restart and said so (before, it was
forgotten without a word), and the MIDI channels are settable from the laptop (`hatbox box-midi --kit-channel`,
PUT /midi/channels) and kept across a restart, the command line's winning for its run (before, only `hatbox device
run --kit-channel` set them, for that run alone)."""
from __future__ import annotations

import json
from pathlib import Path

import mido
import pytest

from device.midi import BINDINGS_FILE
from hatbox.cli import main
from tests.midi.p44_box import program_box


def test_a_learn_armed_at_a_restart_is_said_cancelled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    box = program_box(tmp_path / "box", monkeypatch)
    try:
        r = box.client.post("/midi/learn", json={"slot": "pad", "knob": "x"}, headers=box.auth)
        assert r.status_code == 202, r.text
        assert json.loads((tmp_path / "box" / BINDINGS_FILE).read_text())["learning"] == "pad.x"
    finally:
        box.stop()
    again = program_box(tmp_path / "box", monkeypatch)              # the box started again
    try:
        state = again.client.get("/midi", headers=again.auth).json()
        assert state["learning"] is None
        assert ("MIDI learn for pad.x, armed when the box stopped, was cancelled by the restart (a learn left armed "
                "would bind the first CC to come, with nobody watching): arm it again with hatbox box-midi --learn "
                "pad.x") in state["warnings"]
        again.port(mido.Message("control_change", control=20, value=64))
        assert not [b for b in again.client.get("/midi", headers=again.auth).json()["bindings"] if b["cc"] == 20]
        assert "learning" not in json.loads((tmp_path / "box" / BINDINGS_FILE).read_text())
    finally:
        again.stop()
    third = program_box(tmp_path / "box", monkeypatch)              # said once: not again at the next start
    try:
        assert not any("cancelled" in w for w in third.client.get("/midi", headers=third.auth).json()["warnings"])
    finally:
        third.stop()


def test_a_cancelled_learn_leaves_nothing_to_say(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    box = program_box(tmp_path / "box", monkeypatch)
    try:
        box.client.post("/midi/learn", json={"slot": "pad", "knob": "y"}, headers=box.auth)
        assert box.client.delete("/midi/learn", headers=box.auth).status_code == 200
    finally:
        box.stop()
    again = program_box(tmp_path / "box", monkeypatch)
    try:
        assert again.client.get("/midi", headers=again.auth).json()["warnings"] == []
    finally:
        again.stop()


def test_channels_set_over_the_api_are_kept_and_the_command_line_wins(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    box = program_box(tmp_path / "box", monkeypatch)
    try:
        r = box.client.put("/midi/channels", json={"kit_channel": 10}, headers=box.auth)
        assert r.status_code == 200, r.text
        assert r.json()["message"].startswith("MIDI channels: kit: channel 10; synth: every channel but 10 (kept")
        assert box.control.midi.map.translate(mido.Message("note_on", note=36, velocity=90)) == \
            [{"op": "note_on", "note": 36, "velocity": 90, "slot": "synth"}]          # channel 1: the synth alone
    finally:
        box.stop()
    again = program_box(tmp_path / "box", monkeypatch)
    try:
        assert again.client.get("/midi", headers=again.auth).json()["kit_channel"] == 10
        r = again.client.put("/midi/channels", json={"synth_channel": 1}, headers=again.auth)     # kit stays 10
        assert (r.json()["kit_channel"], r.json()["synth_channel"]) == (10, 1)
        r = again.client.put("/midi/channels", json={"kit_channel": 17}, headers=again.auth)
        assert r.status_code == 400
    finally:
        again.stop()
    ruled = program_box(tmp_path / "box", monkeypatch, "--kit-channel", "2")
    try:
        state = ruled.client.get("/midi", headers=ruled.auth).json()
        assert (state["kit_channel"], state["synth_channel"]) == (2, None)
        assert any("are overridden by the command line for this run" in w for w in state["warnings"])
    finally:
        ruled.stop()


def test_box_midi_sets_the_channels(served, capsys: pytest.CaptureFixture[str]) -> None:
    app, control, port = served
    capsys.readouterr()
    assert main(["box-midi", "--kit-channel", "10", "--synth-channel", "all"]) == 0
    assert "MIDI channels: kit: channel 10; synth: every channel but 10 (kept" in capsys.readouterr().out
    assert control.midi.map.channels.kit == 9
    assert main(["box-midi"]) == 0
    assert "  channels: kit: channel 10; synth: every channel but 10 (hatbox box-midi --kit-channel" in \
        capsys.readouterr().out
    assert main(["box-midi", "--kit-channel", "3", "--synth-channel", "3"]) == 0
    assert "warning: the kit and the synth both play MIDI channel 3 alone" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["box-midi", "--kit-channel", "0"])
    assert "MIDI channel '0' is not 1..16 or all" in capsys.readouterr().err

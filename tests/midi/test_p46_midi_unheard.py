"""p46 stage QA: a note on a channel neither the kit nor the synth plays was dropped without a word anywhere (a second
keyboard left on the wrong channel at soundcheck: silence, nothing in hatbox box-midi, status or the box's log)."""
from __future__ import annotations

import logging

import pytest

from device.midi import MidiMap
from device.midi_channels import Channels
from device.midi_hub import MidiHub
from hatbox.cmd_midi import describe


def _note(channel: int, velocity: int = 100) -> dict:
    return {"type": "note_on", "channel": channel, "note": 60, "velocity": velocity}


def test_notes_on_a_channel_that_plays_nothing_are_said(caplog: pytest.LogCaptureFixture) -> None:
    hub = MidiHub(MidiMap(channels=Channels(kit=9, synth=0)))
    with caplog.at_level(logging.WARNING, logger="hatbox.midi"):
        for _ in range(3):
            assert hub.translate(_note(1)) == []                 # channel 2: neither kit (10) nor synth (1)
        assert hub.translate(_note(0)) != []                     # channel 1 plays the synth: nothing said
        assert hub.translate(_note(1, velocity=0)) == []         # a note-off is no note
    said = [r.getMessage() for r in caplog.records if "play nothing" in r.getMessage()]
    assert len(said) == 1 and "channel 2" in said[0] and "synth: channel 1" in said[0], said   # once a minute
    rows = hub.snapshot()["unheard"]
    assert [(r["channel"], r["notes"]) for r in rows] == [(2, 3)]
    assert rows[0]["ago_s"] < 60


def test_box_midi_says_the_unheard_channel() -> None:
    hub = MidiHub(MidiMap(channels=Channels(kit=9, synth=0)))
    hub.translate(_note(1))
    text = "\n".join(describe(hub.snapshot()))
    assert "warning: notes on MIDI channel 2 play nothing" in text and "(1 note, the last 0 s ago)" in text, text
    assert "--synth-channel 2" in text


def test_an_older_box_without_the_field_is_read() -> None:
    state = MidiHub(MidiMap()).snapshot()
    del state["unheard"]
    assert not any("play nothing" in line for line in describe(state))


def test_a_channel_set_to_play_since_is_no_longer_said() -> None:
    hub = MidiHub(MidiMap(channels=Channels(kit=2, synth=4)))
    hub.translate(_note(6))
    assert [r["channel"] for r in hub.snapshot()["unheard"]] == [7]
    hub.map.channels = Channels(kit=2, synth=6)                  # hatbox box-midi --synth-channel 7, as advised
    assert hub.snapshot()["unheard"] == []
    assert hub.translate(_note(6)) != []

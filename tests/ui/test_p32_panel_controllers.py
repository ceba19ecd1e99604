"""Thirty-second stop: the panel's Settings page names the MIDI controllers the box has connected (it said
"hatbox (virtual ALSA port)" whatever was plugged in, so a player could not see that a keyboard had been found)."""
from __future__ import annotations

from device.ui.data import StoreData, midi_words
from tests.engine.test_p31_midi_controllers import KEYS, PADS, Seq, started_over


def test_midi_words_name_the_controllers_or_say_none():
    assert midi_words([]) == "no controller plugged in; port hatbox"
    assert midi_words(["MPD218 MIDI 1", "nanoKEY2 MIDI 1"]) == \
        "2 controllers: MPD218 MIDI 1, nanoKEY2 MIDI 1; port hatbox"


def test_the_settings_page_follows_controllers_as_they_come_and_go(tmp_path, monkeypatch):
    """``hatbox device run``'s MIDI start (hatbox/cmd_device._start_midi) over a stand-in sequencer, with the panel."""
    from hatbox import cmd_device
    seq = Seq([KEYS])
    stop, control, _, args = started_over(seq, tmp_path, monkeypatch)
    assert args.panel
    try:
        data = cmd_device._panel_data(args)
        assert data.settings()["midi"] == "nanoKEY2 MIDI 1; port hatbox"
        watcher = control.midi.controllers.__self__
        seq.names = [PADS, KEYS]
        watcher.poll()
        assert data.settings()["midi"] == "2 controllers: MPD218 MIDI 1, nanoKEY2 MIDI 1; port hatbox"
        seq.names = []
        watcher.poll()
        assert data.settings()["midi"] == "no controller plugged in; port hatbox"
    finally:
        stop()


def test_without_midi_the_row_keeps_its_words(tmp_path):
    data = StoreData(tmp_path / "box", {"midi": "off (--no-midi)"})
    assert data.settings()["midi"] == "off (--no-midi)"


def test_the_page_shows_them(tmp_path, pg):
    from device.ui.panel import Panel
    from device.ui.shots import RecordingControl
    data = StoreData(tmp_path / "box", {"midi": "hatbox (virtual ALSA port)"})
    data.controllers = lambda: ["nanoKEY2 MIDI 1"]
    panel = Panel(RecordingControl(), data, (800, 480))
    panel.show_title("Settings")
    assert ("MIDI", "nanoKEY2 MIDI 1; port hatbox") in panel.page.lines()


def test_several_controllers_are_counted_first_and_a_busy_one_is_said():
    """QA: with five controllers the row was cut after two or three names; a keyboard plugged in that would not
    open (busy) showed as "no controller plugged in"."""
    assert midi_words(["A", "B", "C"]) == "3 controllers: A, B, C; port hatbox"
    assert midi_words([], ["nanoKEY2 MIDI 1"]) == "nanoKEY2 MIDI 1 (busy, not opened); port hatbox"


def test_the_watcher_says_which_plugged_controllers_would_not_open_until_they_go():
    from tests.engine.test_p31_midi_controllers import _watcher
    seq = Seq([KEYS, PADS])
    seq.broken.add(KEYS)
    watcher, _, _ = _watcher(seq)
    watcher.poll()
    assert watcher.connected() == ["MPD218 MIDI 1"] and watcher.not_opened() == ["nanoKEY2 MIDI 1"]
    seq.names = [PADS]                                  # the busy keyboard unplugged
    watcher.poll()
    assert watcher.not_opened() == []


def test_the_kit_page_counts_one_note_as_one(pg):
    """QA: "tap again to replace the kit (1 notes)"."""
    from device.ui.demo import demo_data
    from tests.ui.test_kit_page import _panel, _press
    data = demo_data()
    for note in list(data.kit.pads())[1:]:
        data.kit.clear(note)
    panel = _panel(data)
    _press(panel, "from library")
    assert "(1 note)" in panel.state.toast, panel.state.toast

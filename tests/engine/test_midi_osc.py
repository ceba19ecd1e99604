"""MIDI and OSC translation (pure) and the OSC server over real UDP on loopback."""
from __future__ import annotations

import time

import mido
import pytest

from device.control import validate
from device.midi import MidiMap
from device.osc import OscMap, OscServer
from tests.engine.helpers import effect_knob_ranges


def _ranges():
    return effect_knob_ranges()


def test_notes_bend_sustain_and_panic() -> None:
    m = MidiMap()
    got = [m.translate(mido.Message(*a, **k)) for a, k in [
        (("note_on",), {"note": 60, "velocity": 90}), (("note_on",), {"note": 60, "velocity": 0}),
        (("note_off",), {"note": 61}), (("pitchwheel",), {"pitch": -8192}),
        (("control_change",), {"control": 64, "value": 127}), (("control_change",), {"control": 123, "value": 0}),
        (("control_change",), {"control": 120, "value": 0})]]
    assert got == [[{"op": "note_on", "note": 60, "velocity": 90}], [{"op": "note_off", "note": 60}],
                   [{"op": "note_off", "note": 61}], [{"op": "bend", "value": -1.0}],
                   [{"op": "sustain", "on": True}], [{"op": "all_notes_off"}], [{"op": "panic"}]]
    for msgs in got:
        for msg in msgs:
            validate(msg)


def test_cc_learn_binds_the_next_cc_and_scales_to_the_knob_range() -> None:
    m = MidiMap(knobs=_ranges())
    assert m.translate(mido.Message("control_change", control=21, value=64)) == []
    m.learn("effect", "tone")
    first = m.translate(mido.Message("control_change", control=21, value=127))
    assert first == [{"op": "knob", "slot": "effect", "name": "tone", "value": 5000.0}]
    m.learn("effect", "drive")
    m.translate(mido.Message("control_change", control=22, value=0))
    assert m.cc == {21: ("effect", "tone"), 22: ("effect", "drive")}
    m.learn("effect", "drive")                       # re-learning moves the binding
    m.translate(mido.Message("control_change", control=23, value=0))
    assert 22 not in m.cc and m.cc[23] == ("effect", "drive")


def test_channel_filter() -> None:
    m = MidiMap(channel=2)
    assert m.translate(mido.Message("note_on", note=60, velocity=9, channel=1)) == []
    assert m.translate(mido.Message("note_on", note=60, velocity=9, channel=2))


def test_osc_addresses() -> None:
    o = OscMap(knobs=_ranges())
    assert o.translate("/hatbox/note_on", [64, 0]) == [{"op": "note_off", "note": 64}]
    assert o.translate("/hatbox/xy", [1.5, 0.25]) == [{"op": "xy", "x": 1.0, "y": 0.25}]
    assert o.translate("/hatbox/knob/effect/drive", [3.0]) == [{"op": "knob", "slot": "effect", "name": "drive", "value": 3.0}]
    assert o.translate("/hatbox/knob", ["effect", "tone", 200]) == [{"op": "knob", "slot": "effect", "name": "tone", "value": 200.0}]
    assert o.translate("/hatbox/fader/effect/drive", [0.5]) == [{"op": "knob", "slot": "effect", "name": "drive", "value": 5.0}]
    assert o.translate("/hatbox/xy", []) == [] and o.translate("/other", [1]) == []
    assert o.translate("/hatbox/all_notes_off", []) == [{"op": "all_notes_off"}]     # as MIDI CC123
    assert o.translate("/hatbox/panic", []) == [{"op": "panic"}]                     # as MIDI CC120


def test_wekinator_outputs_map_to_xy_then_knobs() -> None:
    o = OscMap(knobs=_ranges())
    msgs = o.translate("/wek/outputs", [0.2, 0.9, 1.0, 0.0])
    assert msgs == [{"op": "xy", "x": 0.2, "y": 0.9},
                    {"op": "knob", "slot": "effect", "name": "drive", "value": 10.0},
                    {"op": "knob", "slot": "effect", "name": "tone", "value": 100.0}]
    custom = OscMap(knobs=_ranges(), wek_targets=["", "effect/tone"])
    assert custom.translate("/wek/outputs", [0.7, 0.5]) == [{"op": "knob", "slot": "effect", "name": "tone", "value": 2550.0}]


def test_osc_server_over_udp() -> None:
    from pythonosc.udp_client import SimpleUDPClient
    got: list[dict] = []
    server = OscServer(OscMap(knobs=_ranges()), got.append, host="127.0.0.1", port=0).start()
    try:
        client = SimpleUDPClient("127.0.0.1", server.port)
        client.send_message("/wek/outputs", [0.5, 0.5, 0.5, 0.5])
        client.send_message("/hatbox/note_on", [60, 100])
        deadline = time.monotonic() + 5
        while len(got) < 4 and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        server.stop()
    assert {"op": "note_on", "note": 60, "velocity": 100} in got and got[0]["op"] == "xy"


def test_midi_transport_reports_a_clear_error_or_opens(tmp_path) -> None:
    from device.midi import MidiError
    from device.midi_ports import open_input
    try:
        port = open_input("hatbox-test", MidiMap(), lambda m: None, virtual=True)
    except MidiError as exc:
        assert "MIDI" in str(exc)
        pytest.skip(f"no ALSA sequencer here: {exc}")
    port.close()

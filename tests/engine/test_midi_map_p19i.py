"""MIDI on the running box: CC 123 / 120 as all_notes_off / panic, the default CC -> knob mapping and
`--midi-cc`, reserved CCs, and a machine without an ALSA sequencer said in words."""
from __future__ import annotations

import argparse
import sys

import mido
import pytest

from device import midi_ports
from device.control import validate
from device.midi import MidiError, MidiMap
from hatbox.errors import HatboxError
from tests.engine.helpers import effect_knob_ranges


def cc(number: int, value: int = 0) -> mido.Message:
    return mido.Message("control_change", control=number, value=value)


def test_cc123_releases_notes_and_cc120_is_the_panic() -> None:
    """DAWs send CC 123 on every transport stop: a release, not a panic; the mode changes 124..127 imply it."""
    m = MidiMap()
    assert m.translate(cc(123)) == [{"op": "all_notes_off"}]
    assert m.translate(cc(120)) == [{"op": "panic"}]
    for number in (124, 125, 126, 127):
        assert m.translate(cc(number, 5)) == [{"op": "all_notes_off"}]
    assert m.translate(cc(121)) == [{"op": "bend", "value": 0.0}, {"op": "sustain", "on": False}]
    for number in (120, 121, 123):
        for msg in m.translate(cc(number)):
            assert validate(msg) is msg


def test_default_mapping_turns_the_effect_knobs_in_manifest_order() -> None:
    """Without setup: CC 70 turns knob 1 (drive), CC 71 knob 2 (tone), 0..127 over the range; the mod wheel
    turns nothing unless bound (p19m).  Knob values unknown here (ranges only): no pick-up to wait for."""
    knobs = effect_knob_ranges()                                   # drive 0..10, tone 100..5000
    m = MidiMap(knobs=knobs)
    assert m.translate(cc(1, 127)) == []
    assert m.translate(cc(70, 0)) == [{"op": "knob", "slot": "effect", "name": "drive", "value": 0.0}]
    assert m.translate(cc(71, 127)) == [{"op": "knob", "slot": "effect", "name": "tone", "value": 5000.0}]
    assert m.translate(cc(72, 64)) == []                           # the pack has two knobs
    assert m.mapping() == {70: ("effect", "drive"), 71: ("effect", "tone")}
    knobs.ranges = {("effect", "mix"): (0.0, 1.0)}                 # another effect pack loaded later
    assert m.translate(cc(70, 127)) == [{"op": "knob", "slot": "effect", "name": "mix", "value": 1.0}]
    assert m.translate(cc(71, 127)) == []


def test_reserved_ccs_never_turn_a_knob_and_learn_skips_them() -> None:
    m = MidiMap(knobs=effect_knob_ranges())
    for number in (64, 121, 122):
        with pytest.raises(HatboxError, match=f"MIDI CC {number} cannot turn a knob"):
            m.bind(number, "effect", "drive")
        m.cc[number] = ("effect", "drive")                         # even forced in, it moves nothing
        assert all(msg["op"] != "knob" for msg in m.translate(cc(number, 100)))
    m = MidiMap(knobs=effect_knob_ranges())
    m.learn("effect", "tone")
    assert m.translate(cc(0, 3)) == [] and m.translate(cc(32, 0)) == []   # bank select before a program change
    assert m.learning == ("effect", "tone") and 0 not in m.cc
    assert m.translate(cc(21, 127)) == [{"op": "knob", "slot": "effect", "name": "tone", "value": 5000.0}]


def test_parse_binding() -> None:
    from device.midi import parse_binding
    assert parse_binding("74=effect.drive") == (74, ("effect", "drive"))
    assert parse_binding(" 1 = off") == (1, None)
    assert parse_binding("16=synth.a.b") == (16, ("synth", "a.b"))
    assert parse_binding("0=effect.drive") == (0, ("effect", "drive"))         # bank select, bound by name (p19m)
    for bad, words in [("64=effect.drive", "sustain pedal"), ("121=effect.drive", "reset all controllers"),
                       ("128=effect.drive", "0..127"), ("x=effect.drive", "CC=SLOT.KNOB"),
                       ("74", "CC=SLOT.KNOB"), ("74=sampler.x", r"SLOT\.KNOB \(effect\.drive"),
                       ("74=effect", "SLOT is effect or synth")]:
        with pytest.raises(HatboxError, match=words):
            parse_binding(bad)


def test_device_run_midi_cc_changes_the_default_mapping() -> None:
    from hatbox import box_midi_map, cmd_device
    from hatbox.cli import build_parser

    class _Engine:
        def send(self, message: dict) -> None:
            pass

    control = cmd_device.BoxControl(_Engine())
    control.knobs.ranges = dict(effect_knob_ranges().ranges)
    args = build_parser().parse_args(["device", "run", "--midi-cc", "74=effect.drive", "--midi-cc", "1=off",
                                      "--midi-cc", "71=effect.nope"])
    mapping = box_midi_map.midi_map(args.midi_cc, control)
    assert mapping.mapping() == {70: ("effect", "drive"), 71: ("effect", "nope"), 74: ("effect", "drive")}
    assert mapping.translate(cc(1, 127)) == []
    lines = cmd_device._describe_midi(mapping)
    assert lines[0] == ("MIDI CCs: 70, 74 -> effect.drive; 71 -> effect.nope "
                        "(a CC moves its knob once it reaches the knob's value)")
    assert "the effect pack has no knob 'nope' (its knobs: drive, tone)" in lines[1]
    with pytest.raises(SystemExit):
        build_parser().parse_args(["device", "run", "--midi-cc", "64=effect.drive"])


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the ALSA sequencer is Linux's")
def test_no_sequencer_is_said_in_words(monkeypatch, tmp_path, capsys) -> None:
    """Without /dev/snd/seq: a MidiError saying so (not rtmidi's SystemError), and the box starts without MIDI."""
    from hatbox import cmd_device
    monkeypatch.setattr(midi_ports, "SEQ_DEVICE", str(tmp_path / "seq"))
    with pytest.raises(MidiError, match="no MIDI sequencer on this machine") as err:
        midi_ports.list_inputs()
    assert "modprobe snd-seq" in str(err.value)
    args = argparse.Namespace(midi=True, midi_cc=[], osc_port=0, api=False)
    assert cmd_device._front_ends(args, cmd_device.BoxControl(object())) == []
    said = capsys.readouterr().err
    assert "warning: midi not started: no MIDI sequencer on this machine" in said
    assert "the box runs without MIDI" in said and "hint: load the ALSA sequencer" in said
    assert "MidiInAlsa" not in said


def test_list_inputs_turns_rtmidi_errors_into_midi_error(monkeypatch) -> None:
    class _Backend:
        def get_input_names(self) -> list[str]:
            raise SystemError("MidiInAlsa::initialize: error creating ALSA sequencer client object.")

    monkeypatch.setattr(midi_ports, "backend", lambda: _Backend())
    with pytest.raises(MidiError, match="cannot list the MIDI inputs"):
        midi_ports.list_inputs()

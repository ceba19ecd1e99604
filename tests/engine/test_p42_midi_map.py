"""MIDI map fixes of the forty-second stop (QA with MIDI controllers): pick-up per physical control (source port,
channel, CC), the synth's pad as a CC target (pad.x, pad.y), and which MIDI channel plays the kit and which the
synth.  Over the factory drive (drive 0..24 dB, default 12)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import mido
import pytest

from device.midi import KnobRanges, MidiHub, MidiMap, load_learned, parse_binding
from device.midi_channels import Channels, describe, parse_channel
from export.pack import read_pack
from hatbox import cmd_device
from hatbox.cli import build_parser
from hatbox.cmd_midi import describe as box_midi_lines
from hatbox.errors import HatboxError

DRIVE = Path(__file__).resolve().parents[2] / "factory" / "effect-drive.hatpack"


def _drive_map() -> tuple[MidiMap, KnobRanges]:
    knobs = KnobRanges()
    knobs.loaded("effect", read_pack(str(DRIVE)).manifest)
    return MidiMap(knobs=knobs), knobs


def cc(number: int, value: int, channel: int = 0) -> mido.Message:
    return mido.Message("control_change", channel=channel, control=number, value=value)


def note(number: int, channel: int, on: bool = True) -> mido.Message:
    return mido.Message("note_on" if on else "note_off", channel=channel, note=number, velocity=100)


# -- 1. pick-up per source, channel and CC -------------------------------------------------------------------------

def test_the_same_cc_on_another_channel_does_not_jump_the_knob() -> None:
    # QA repro (pickup.py): controller A on channel 1 picks drive up at 12 dB and leaves it at 66; B's fader on
    # channel 2, same CC number, resting at 120, jumped drive 15 dB on first touch
    m, knobs = _drive_map()
    for v in (60, 62, 64, 66):
        m.translate(cc(70, v))
    left = knobs.values[("effect", "drive")]
    assert m.translate(cc(70, 120, channel=1)) == []
    assert knobs.values[("effect", "drive")] == left
    assert m.translate(cc(70, 68))[0]["value"] > left                # A, in step, still turns it


def test_another_controller_on_the_same_channel_must_pick_the_knob_up() -> None:
    m, knobs = _drive_map()
    for v in (62, 64, 66):
        m.translate(cc(70, v), "nanoKONTROL2:nanoKONTROL2 MIDI 1 24:0")
    assert m.translate(cc(70, 120), "nanoKEY2:nanoKEY2 MIDI 1 20:0") == []      # resting elsewhere: nothing
    assert m.translate(cc(70, 110), "nanoKEY2:nanoKEY2 MIDI 1 20:0") == []
    moved = m.translate(cc(70, 40), "nanoKEY2:nanoKEY2 MIDI 1 20:0")            # passes through the knob's value
    assert moved and moved[0]["value"] == pytest.approx(40 / 127 * 24)
    assert m.translate(cc(70, 120), "nanoKONTROL2:nanoKONTROL2 MIDI 1 24:0") == []   # now A is out of step


def test_the_hub_and_translator_carry_the_port_as_source() -> None:
    from device.midi_ports import translator
    m, knobs = _drive_map()
    hub, sent = MidiHub(m), []
    on_message = translator(hub, sent.append)
    port_a, port_b = on_message.for_source("a 20:0"), on_message.for_source("b 24:0")
    for v in (62, 64, 66):
        port_a(cc(70, v))
    port_b(cc(70, 120))
    assert [s["value"] for s in sent] == pytest.approx([v / 127 * 24 for v in (62, 64, 66)])


# -- 2. the pad on a CC ------------------------------------------------------------------------------------------

def test_pad_targets_parse_and_persist(tmp_path: Path) -> None:
    assert parse_binding("16=pad.x") == (16, ("pad", "x"))
    assert parse_binding("17=pad.Y") == (17, ("pad", "y"))
    with pytest.raises(HatboxError):
        parse_binding("18=pad.z")
    m, _ = _drive_map()
    hub = MidiHub(m, tmp_path / "midi-bindings.json")
    hub.arm("pad", "x")
    hub.translate(cc(16, 0))
    assert load_learned(tmp_path / "midi-bindings.json") == ({16: ("pad", "x")}, None)


def test_a_cc_bound_to_the_pad_moves_it_with_pick_up() -> None:
    m, knobs = _drive_map()
    m.bind(16, "pad", "x")
    m.bind(17, "pad", "y")
    assert m.translate(cc(16, 127)) == []                          # the pad rests at (0, 0): 127 is away from it
    assert m.translate(cc(16, 0)) == [{"op": "xy", "x": 0.0, "y": 0.0}]
    out = m.translate(cc(16, 100))
    assert out == [{"op": "xy", "x": pytest.approx(100 / 127), "y": 0.0}]
    assert m.translate(cc(17, 1)) == [{"op": "xy", "x": pytest.approx(100 / 127), "y": pytest.approx(1 / 127)}]


def test_the_pad_moved_elsewhere_makes_its_cc_pick_it_up_again() -> None:
    control = cmd_device.BoxControl(_Engine())
    hub = cmd_device._midi_hub(build_parser().parse_args(["device", "run", "--midi-cc", "16=pad.x"]), control)
    assert hub.translate(cc(16, 1)) and hub.translate(cc(16, 10))   # picked up at the rest position
    control.send({"op": "xy", "x": 0.75, "y": 0.5})                 # the panel or OSC moves the pad
    assert control.knobs.pad == (0.75, 0.5)
    assert hub.translate(cc(16, 12)) == []                          # out of step
    assert hub.translate(cc(16, 100)) == [{"op": "xy", "x": pytest.approx(100 / 127), "y": 0.5}]


class _Engine:
    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    def send(self, message: dict[str, Any]) -> None:
        self.sent.append(dict(message))


# -- 4. which channel plays the kit and which the synth -----------------------------------------------------------

def test_by_default_every_channel_plays_the_kit_and_channel_10_the_kit_alone() -> None:
    m = MidiMap()
    assert m.translate(note(36, 0)) == [{"op": "note_on", "note": 36, "velocity": 100}]
    assert m.translate(note(36, 9)) == [{"op": "note_on", "note": 36, "velocity": 100, "slot": "sampler"}]


def test_a_kit_on_channel_10_leaves_the_keyboard_to_the_synth() -> None:
    m = MidiMap(channels=Channels(kit=9))
    assert m.translate(note(36, 0)) == [{"op": "note_on", "note": 36, "velocity": 100, "slot": "synth"}]
    assert m.translate(note(36, 0, on=False)) == [{"op": "note_off", "note": 36, "slot": "synth"}]
    assert m.translate(note(36, 9)) == [{"op": "note_on", "note": 36, "velocity": 100, "slot": "sampler"}]


def test_a_synth_channel_and_a_kit_channel_leave_the_rest_silent() -> None:
    m = MidiMap(channels=Channels(kit=9, synth=0))
    assert m.translate(note(60, 0))[0]["slot"] == "synth"
    assert m.translate(note(60, 3)) == [] and m.translate(note(60, 3, on=False)) == []
    kit_5 = MidiMap(channels=Channels(kit=4))
    grab = mido.Message("polytouch", channel=4, note=49, value=100)
    assert kit_5.translate(grab) == [{"op": "choke", "note": 49}]      # the kit's channel takes the cymbal grab


def test_channel_options_reach_the_hub_and_box_midi(tmp_path: Path) -> None:
    assert parse_channel("10") == 9 and parse_channel("all") is None
    with pytest.raises(HatboxError):
        parse_channel("17")
    args = build_parser().parse_args(["device", "run", "--store", str(tmp_path), "--kit-channel", "10"])
    hub = cmd_device._midi_hub(args, cmd_device.BoxControl(_Engine()))
    state = hub.snapshot()
    assert (state["kit_channel"], state["synth_channel"]) == (10, None)
    assert hub.translate(note(36, 0))[0]["slot"] == "synth"
    assert describe(state) == "kit: channel 10; synth: every channel but 10"
    assert any("kit: channel 10" in line for line in box_midi_lines(state))
    with pytest.raises(SystemExit):
        build_parser().parse_args(["device", "run", "--synth-channel", "0"])

"""MIDI CC -> knob on the box (p19m): soft takeover ("pick-up"), the mod wheel out of the default map,
bank select bound only by name (``--midi-cc 0=effect.drive``), and a plain ``--midi-cc`` target error.

Everything goes through what ``hatbox device run`` wires: BoxControl (every front end sends through it)
and the MidiMap of ``box_midi_map.midi_map``, over the factory drive (drive 0..24 dB, default 12; tone
1500..8000 Hz, default 3500)."""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import mido
import pytest

from device import midi, midi_ports
from device.midi import MidiMap
from hatbox import box_midi_map, cmd_device
from hatbox.cli import build_parser

DRIVE = str(Path(__file__).resolve().parents[2] / "factory" / "effect-drive.hatpack")
PICKUP = 0.02                                                  # "within about 2 % of the range"
SETUP_BAR = [(121, 0), (7, 100), (10, 64), (91, 40), (1, 0), (71, 64), (74, 64)]   # GM/GS, chased by DAWs


class _Engine:
    """Stand-in engine: keeps what reaches it."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    def send(self, message: dict[str, Any]) -> None:
        self.sent.append(dict(message))


def _box(*bindings: str) -> tuple[cmd_device.BoxControl, MidiMap, _Engine]:
    """The box with the factory drive loaded at start and ``--midi-cc`` ``bindings``."""
    engine = _Engine()
    control = cmd_device.BoxControl(engine)
    control._learn_ranges("effect", DRIVE)                     # as run() does for --effect
    args = build_parser().parse_args(["device", "run", *[a for b in bindings for a in ("--midi-cc", b)]])
    return control, box_midi_map.midi_map(args.midi_cc, control), engine


def _play(control: cmd_device.BoxControl, mapping: MidiMap, number: int, value: int) -> list[dict[str, Any]]:
    """One CC as the MIDI input delivers it (device.midi_ports.open_input): translated, then sent through the box."""
    out = mapping.translate(mido.Message("control_change", control=number, value=value))
    for message in out:
        control.send(message)
    return [m for m in out if m["op"] == "knob"]


def _knobs(engine: _Engine) -> list[tuple[str, float]]:
    return [(m["name"], m["value"]) for m in engine.sent if m["op"] == "knob"]


def test_a_setup_bar_leaves_the_knobs_where_they_were() -> None:
    # the bug: CC 1 = 0 set drive 12 -> 0 dB and CC 71 = 64 set tone 3500 -> 4776 Hz, on every play
    control, mapping, engine = _box()
    for _ in range(3):                                         # the DAW sends it at each play
        for number, value in SETUP_BAR:
            _play(control, mapping, number, value)
    assert _knobs(engine) == []
    assert control.knobs.values == {("effect", "drive"): 12.0, ("effect", "tone"): 3500.0}


def test_the_mod_wheel_turns_nothing_by_default_and_picks_up_when_bound() -> None:
    control, mapping, engine = _box()
    assert 1 not in mapping.mapping() and mapping.mapping() == {70: ("effect", "drive"), 71: ("effect", "tone")}
    for value in (0, 40, 127, 0):
        assert _play(control, mapping, 1, value) == []
    control, mapping, engine = _box("1=effect.drive")
    assert _play(control, mapping, 1, 0) == []                 # resting at 0: drive stays at 12 dB
    moved = [(v, _play(control, mapping, 1, v)) for v in range(0, 128)]
    first = next(v for v, out in moved if out)
    assert abs(first / 127 - 0.5) <= PICKUP                    # picked up within 2 % of drive's value
    assert all(out for v, out in moved if v >= first)          # then it follows every step
    assert control.knobs.values[("effect", "drive")] == pytest.approx(24.0)


def test_a_knob_turned_elsewhere_is_picked_up_only_when_the_cc_reaches_it() -> None:
    control, mapping, engine = _box()
    for value in range(50, 80):                                # CC 70 reaches drive's 12 dB (64) and holds it
        _play(control, mapping, 70, value)
    assert _knobs(engine)[-1] == ("drive", pytest.approx(79 / 127 * 24))
    control.send({"op": "knob", "slot": "effect", "name": "drive", "value": 20.0})   # the panel / API / OSC
    engine.sent.clear()
    for value in range(80, 100):                               # 20 dB is 105.8 of 127: not reached yet
        assert _play(control, mapping, 70, value) == []
    assert _play(control, mapping, 70, 104)[0]["value"] == pytest.approx(104 / 127 * 24)   # within 2 %
    assert _play(control, mapping, 70, 30)[0]["value"] == pytest.approx(30 / 127 * 24)     # in step: follows
    control.send({"op": "knob", "slot": "effect", "name": "drive", "value": 6.0})
    assert _play(control, mapping, 70, 10) == []
    assert _play(control, mapping, 70, 60)[0]["value"] == pytest.approx(60 / 127 * 24)     # a jump across 6 dB
    control.send({"op": "knob", "slot": "effect", "name": "drive", "value": 60 / 127 * 24})  # set to where it is
    assert _play(control, mapping, 70, 61) != []               # still in step


def test_another_cc_or_a_load_takes_the_knob_from_a_cc() -> None:
    control, mapping, engine = _box("74=effect.drive")         # CC 70 (default) and CC 74 both turn drive
    _play(control, mapping, 74, 10)
    for value in (63, 64, 100, 120):                           # CC 70 picks drive up at 12 dB, moves it to 22.7
        _play(control, mapping, 70, value)
    assert _play(control, mapping, 74, 11) == []               # CC 74 rests at 11, far from 22.7 dB
    assert _play(control, mapping, 74, 127)[0]["value"] == pytest.approx(24.0)   # crossed 120: it takes over
    assert _play(control, mapping, 70, 119) == []              # and CC 70 is out of step now
    control.send({"op": "load", "slot": "effect", "path": DRIVE})   # the panel loads a pack: drive at 12 dB
    assert control.knobs.values[("effect", "drive")] == 12.0
    assert _play(control, mapping, 74, 126) == []
    assert _play(control, mapping, 74, 64)[0]["value"] == pytest.approx(64 / 127 * 24)


def test_bank_select_turns_a_knob_only_when_bound_by_name(capsys, monkeypatch) -> None:
    # the bug: --midi-cc 0=effect.drive was refused (no nanoKONTROL2 slider 1)
    control, mapping, engine = _box("0=effect.drive")
    assert mapping.mapping() == {0: ("effect", "drive"), 70: ("effect", "drive"), 71: ("effect", "tone")}
    assert _play(control, mapping, 0, 0) == []                 # a bank select before a program change: nothing
    assert _play(control, mapping, 0, 100)[0]["value"] == pytest.approx(100 / 127 * 24)   # crossed 12 dB
    assert _play(control, mapping, 32, 64) == []               # the LSB stays unbound
    lines = cmd_device._describe_midi(mapping)
    assert any(line.startswith("note: MIDI CC 0 -> effect.drive: CC 0 is bank select on most gear") for line in lines)

    monkeypatch.setattr(midi_ports, "open_input", lambda *a, **k: argparse.Namespace(close=lambda: None))
    args = build_parser().parse_args(["device", "run", "--midi-cc", "0=effect.drive"])
    cmd_device._start_midi(args, control)
    err = capsys.readouterr().err
    assert "note: MIDI CC 0 -> effect.drive: CC 0 is bank select" in err and "nanoKONTROL2" in err

    free = MidiMap(knobs=control.knobs)
    free.defaults[0] = ("effect", 1)                           # never by default, even forced in
    assert free.target(0) is None and free.translate(mido.Message("control_change", control=0, value=64)) == []
    free.learn("effect", "tone")                               # nor through MIDI learn
    for number in (0, 32):
        assert free.translate(mido.Message("control_change", control=number, value=3)) == []
    assert free.learning == ("effect", "tone") and free.cc == {}
    for number in (64, 120, 121, 123, 127):                    # still never bindable
        with pytest.raises(SystemExit):
            build_parser().parse_args(["device", "run", "--midi-cc", f"{number}=effect.drive"])


def test_a_bad_target_says_slot_dot_knob(capsys) -> None:
    # the bug: "the target must be effect or synth.KNOB or off"
    for bad in ("74=drive", "74=sampler.drive", "74=effect."):
        with pytest.raises(SystemExit):
            build_parser().parse_args(["device", "run", "--midi-cc", bad])
        err = capsys.readouterr().err
        assert "the target must be SLOT.KNOB (effect.drive, synth.brightness) or off" in err
        assert "SLOT is effect or synth" in err and "effect or synth.KNOB" not in err

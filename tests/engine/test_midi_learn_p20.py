"""MIDI on the box (p20): an unloaded pack's knobs are forgotten (MIDI and OSC stop scaling and sending them),
learned bindings are kept in the box's store and come back at the next start under ``--midi-cc``, a damaged
bindings file is said and ignored, and a dropped binding falls back to the CC's default mapping.

Everything goes through what ``hatbox device run`` wires: BoxControl and its MIDI hub (``_midi_hub`` /
``_start_midi``), over the factory drive (drive 0..24 dB, default 12; tone 1500..8000 Hz, default 3500)."""
from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import mido
import pytest

from device import midi, midi_ports
from device.midi import BINDINGS_FILE, COMMAND_LINE, LEARNED, KnobRanges, MidiHub
from hatbox import cmd_device
from hatbox.cli import build_parser

DRIVE = str(Path(__file__).resolve().parents[2] / "factory" / "effect-drive.hatpack")


class _Engine:
    """Stand-in engine: keeps what reaches it."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    def send(self, message: dict[str, Any]) -> None:
        self.sent.append(dict(message))


def cc(number: int, value: int) -> mido.Message:
    return mido.Message("control_change", control=number, value=value)


def _args(store: Path, *argv: str) -> argparse.Namespace:
    return build_parser().parse_args(["device", "run", "--store", str(store), *argv])


def _box(store: Path, *argv: str) -> tuple[cmd_device.BoxControl, MidiHub]:
    """The box with the factory drive loaded, its MIDI hub made as ``hatbox device run`` makes it."""
    control = cmd_device.BoxControl(_Engine())
    control.send({"op": "load", "slot": "effect", "path": DRIVE})
    return control, cmd_device._midi_hub(_args(store, *argv), control)


def _saved(store: Path) -> dict[str, str]:
    return json.loads((store / BINDINGS_FILE).read_text())["learned"]


def test_unload_forgets_the_slots_knobs(tmp_path: Path) -> None:
    # the bug: after an unload BoxControl kept the pack's ranges and values, so CC 70 went on sending
    # "drive" knob messages (scaled to 0..24 dB) for a pack that was gone
    control, hub = _box(tmp_path)
    control.knobs.ranges[("synth", "glide")] = (0.0, 1.0)
    control.knobs.values[("synth", "glide")] = 0.25
    assert hub.translate(cc(70, 64))[0]["name"] == "drive"              # picked up near 12 dB
    control.send({"op": "unload", "slot": "effect"})
    assert control.knobs.names("effect") == [] and ("effect", "drive") not in control.knobs.values
    assert control.knobs.values == {("synth", "glide"): 0.25}              # the other slot stays
    assert hub.translate(cc(70, 65)) == [] and hub.map.mapping() == {}
    assert [m["op"] for m in control.engine.sent] == ["load", "unload"]
    control.send({"op": "load", "slot": "effect", "path": DRIVE})         # a pack loaded again: turned again
    assert hub.map.mapping() == {70: ("effect", "drive"), 71: ("effect", "tone")}


def test_knob_ranges_forget() -> None:
    knobs = KnobRanges(ranges={("effect", "a"): (0.0, 1.0), ("synth", "b"): (0.0, 2.0)},
                       values={("effect", "a"): 0.5, ("synth", "b"): 1.0})
    knobs.forget("effect")
    assert knobs.ranges == {("synth", "b"): (0.0, 2.0)} and knobs.values == {("synth", "b"): 1.0}
    knobs.forget("effect")                                                 # nothing left: no error
    assert knobs.fraction("effect", "a") is None and knobs.scale("effect", "a", 0.5) is None


def test_a_learned_binding_is_kept_in_the_store_and_comes_back(tmp_path: Path) -> None:
    control, hub = _box(tmp_path)
    assert hub.arm("effect", "tone") is None
    assert hub.translate(cc(64, 127)) == [{"op": "sustain", "on": True}]   # reserved: learn waits
    assert hub.translate(cc(21, 39))[0]["name"] == "tone"                # 3500 Hz: picked up
    assert hub.map.cc == {21: ("effect", "tone")} and hub.map.origin(21) == LEARNED and hub.map.learning is None
    assert _saved(tmp_path) == {"21": "effect.tone"}
    assert not list(tmp_path.glob(f".{BINDINGS_FILE}.*"))                 # written atomically: no temporary left

    _, again = _box(tmp_path)                                              # the next start
    assert again.map.cc == {21: ("effect", "tone")} and again.map.origin(21) == LEARNED
    assert again.snapshot()["bindings"] == [
        {"cc": 21, "slot": "effect", "knob": "tone", "source": "learned", "loaded": True},
        {"cc": 70, "slot": "effect", "knob": "drive", "source": "default", "loaded": True},
        {"cc": 71, "slot": "effect", "knob": "tone", "source": "default", "loaded": True}]


def test_the_command_line_overrides_a_kept_binding_for_that_run(tmp_path: Path) -> None:
    (tmp_path / BINDINGS_FILE).write_text(json.dumps({"version": 1, "learned": {"21": "effect.drive"}}))
    control, hub = _box(tmp_path, "--midi-cc", "21=effect.tone")
    assert hub.map.cc == {21: ("effect", "tone")} and hub.map.origin(21) == COMMAND_LINE
    assert hub.snapshot()["overridden"] == [
        {"cc": 21, "slot": "effect", "knob": "drive", "source": "learned", "loaded": True}]
    hub.arm("effect", "tone")                                              # learn tone on CC 22: CC 21 is freed
    hub.translate(cc(22, 0))
    assert hub.map.cc == {22: ("effect", "tone")}
    assert _saved(tmp_path) == {"21": "effect.drive", "22": "effect.tone"}   # the overridden one is kept

    _, later = _box(tmp_path)                                              # a run without --midi-cc
    assert later.map.cc == {21: ("effect", "drive"), 22: ("effect", "tone")}
    assert later.overridden == {}


@pytest.mark.parametrize("data", [b"{not json", b'{"learned": {"64": "effect.drive"}}', b'{"learned": {"21": "off"}}',
                                  b"[1, 2]", b'{"learned": {"21": "sampler.x"}}', b'{"learned": {"21": "eff\xff"}}'])
def test_a_damaged_bindings_file_is_said_and_ignored(tmp_path: Path, capsys, data: bytes) -> None:
    (tmp_path / BINDINGS_FILE).write_bytes(data)
    control, hub = _box(tmp_path, "--midi-cc", "74=effect.tone")
    err = capsys.readouterr().err
    assert f"warning: the learned MIDI bindings in {tmp_path / BINDINGS_FILE} are unreadable (" in err
    assert "ignored, the default CCs and --midi-cc apply" in err and "Traceback" not in err
    assert hub.map.mapping() == {70: ("effect", "drive"), 71: ("effect", "tone"), 74: ("effect", "tone")}
    assert hub.snapshot()["warnings"] and hub.overridden == {}
    hub.arm("effect", "drive")                                             # the next learn writes it anew
    hub.translate(cc(30, 0))
    assert _saved(tmp_path) == {"30": "effect.drive"}


def test_a_save_that_fails_is_a_warning(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    control, hub = _box(tmp_path / "file" / "store")                       # the store cannot be made
    hub.arm("effect", "drive")
    assert hub.translate(cc(30, 64))[0]["name"] == "drive"                 # the binding holds for this run
    assert hub.map.cc == {30: ("effect", "drive")}
    assert "the learned MIDI bindings could not be saved" in hub.snapshot()["warnings"][0]


def test_release_falls_back_to_the_default_mapping(tmp_path: Path) -> None:
    control, hub = _box(tmp_path, "--midi-cc", "70=effect.tone", "--midi-cc", "71=off")
    assert hub.map.mapping() == {70: ("effect", "tone")} and hub.map.off() == [71]
    assert hub.release(70) == (COMMAND_LINE, ("effect", "tone"), ("effect", "drive"))
    assert hub.release(71) == (COMMAND_LINE, None, ("effect", "tone"))   # no longer off
    assert hub.map.mapping() == {70: ("effect", "drive"), 71: ("effect", "tone")} and hub.map.off() == []
    assert hub.release(71) is None and hub.release(5) is None             # a default only, nothing: unchanged
    assert not (tmp_path / BINDINGS_FILE).exists()                        # command-line bindings are not kept
    hub.arm("effect", "drive")
    hub.translate(cc(20, 0))
    assert hub.release(20) == (LEARNED, ("effect", "drive"), None)        # CC 20 has no default
    assert _saved(tmp_path) == {}


def test_a_cc_bound_to_a_knob_learned_elsewhere_falls_back_to_its_default(tmp_path: Path) -> None:
    control, hub = _box(tmp_path, "--midi-cc", "71=effect.drive")         # CC 71 turns drive, not tone
    hub.arm("effect", "drive")
    hub.translate(cc(22, 0))                                               # drive learned on CC 22
    assert hub.map.mapping() == {22: ("effect", "drive"), 70: ("effect", "drive"), 71: ("effect", "tone")}


def test_start_midi_feeds_the_port_through_the_hub(tmp_path: Path, monkeypatch, capsys) -> None:
    opened: dict[str, Any] = {}

    def fake_open(name: str, mapping: Any, send: Any, *, virtual: bool = False) -> Any:
        opened.update(name=name, mapping=mapping, send=send)
        return argparse.Namespace(close=lambda: None)

    monkeypatch.setattr(midi_ports, "open_input", fake_open)
    control = cmd_device.BoxControl(_Engine())
    control.send({"op": "load", "slot": "effect", "path": DRIVE})
    cmd_device._start_midi(_args(tmp_path), control)
    hub = control.midi
    assert opened["mapping"] is hub and hub.snapshot()["midi"] == "on" and hub.port == "hatbox"
    hub.arm("effect", "drive")
    for message in opened["mapping"].translate(cc(25, 64)):               # as open_input's callback does
        opened["send"](message)
    opened["send"].__self__.wait()                                        # the MIDI relay has handed it on
    assert control.engine.sent[-1]["name"] == "drive" and _saved(tmp_path) == {"25": "effect.drive"}


def test_without_midi_the_hub_still_takes_bindings(tmp_path: Path, monkeypatch) -> None:
    control = cmd_device.BoxControl(_Engine())
    assert cmd_device._start_midi(_args(tmp_path, "--no-midi"), control) is None
    state = control.midi.snapshot()
    assert state["midi"] == "off" and "--no-midi" in state["note"] and state["port"] is None

    def no_sequencer(*_a: Any, **_k: Any) -> Any:
        raise midi.MidiError("no MIDI sequencer on this machine (/dev/snd/seq is missing): the box runs without MIDI")

    monkeypatch.setattr(midi_ports, "open_input", no_sequencer)
    other = cmd_device.BoxControl(_Engine())
    with pytest.raises(midi.MidiError):
        cmd_device._start_midi(_args(tmp_path), other)
    assert other.midi.snapshot()["note"].startswith("MIDI is off: it did not start (no MIDI sequencer")

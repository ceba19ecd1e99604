"""Knobs the player set carry over to a pack switched in (forty-second stop's QA): a better capture of the same
pedal pushed with --activate (or a roll back) snapped drive and tone back to the new pack's defaults mid-play.
Now a knob the player set goes to the new pack when it has a knob of the same name and unit whose range holds
the value; else it starts at its default with a note in ``active[slot].warnings``.  Driven through the engine
process's own request path (device/audio/server._Child.request), as the box runs it."""
from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from device.audio.alsa_io import AudioConfig
from device.audio.engine import Engine, EngineConfig
from device.audio.server import ServerConfig, _Child
from export.manifest import Knob
from export.pack import MANIFEST, SIGNATURE, read_pack, write_pack
from hatbox import cmd_device
from tests.engine.quick_loads import quick_loads  # noqa: F401 - autouse: loads without GIL pauses

DRIVE = Path(__file__).resolve().parents[2] / "factory" / "effect-drive.hatpack"   # drive 0..24 dB, tone Hz


def capture(path: Path, name: str, drive: Knob, tone: Knob) -> str:
    """The factory drive's model under another name and two other knobs (a second capture of the same pedal)."""
    pack = read_pack(DRIVE)
    manifest = dataclasses.replace(pack.manifest, name=name, knobs=[drive, tone])
    members = {k: v for k, v in pack.members.items() if k not in (MANIFEST, SIGNATURE)}
    return str(write_pack(path, manifest, members))


def drive(lo: float = 0.0, hi: float = 24.0, default: float = 12.0, unit: str = "dB") -> Knob:
    return Knob("drive", lo, hi, default, unit)


def tone(lo: float = 1500.0, hi: float = 8000.0, default: float = 3500.0, unit: str = "Hz") -> Knob:
    return Knob("tone", lo, hi, default, unit)


@pytest.fixture
def child() -> Any:
    c = _Child(ServerConfig(audio=AudioConfig(rate=48000, period=128), backend="file", realtime=False))
    yield c
    c.swapper.stop()


def _blocks(child: _Child, n: int = 2) -> None:
    x, y = np.zeros(128, np.float32), np.zeros(128, np.float32)
    for _ in range(n):
        child.engine.process(x, y)


def _load(child: _Child, path: str) -> None:
    child.request({"op": "load", "slot": "effect", "path": path})
    _blocks(child)


def _turn(child: _Child, name: str, value: float) -> None:
    child.request({"op": "knob", "slot": "effect", "name": name, "value": value})


def test_a_second_capture_of_the_same_pedal_keeps_the_knobs_the_player_set(child: Any, tmp_path: Path) -> None:
    a = capture(tmp_path / "a.hatpack", "ts9-a", drive(), tone())
    b = capture(tmp_path / "b.hatpack", "ts9-b", drive(default=6.0), tone(default=2000.0))
    _load(child, a)
    _turn(child, "drive", 20.0)
    _turn(child, "tone", 5000.0)
    _load(child, b)
    status = child.status()
    assert status["active"]["effect"]["name"] == "ts9-b"
    assert status["slot_knobs"]["effect"] == {"drive": 20.0, "tone": 5000.0}       # were {6, 2000}
    assert "warnings" not in status["active"]["effect"]
    _load(child, a)                                                                  # and back (a roll back)
    assert child.status()["slot_knobs"]["effect"] == {"drive": 20.0, "tone": 5000.0}


def test_only_the_knobs_the_player_set_carry_over(child: Any, tmp_path: Path) -> None:
    a = capture(tmp_path / "a.hatpack", "ts9-a", drive(), tone())
    b = capture(tmp_path / "b.hatpack", "ts9-b", drive(default=6.0), tone(default=2000.0))
    _load(child, a)
    _turn(child, "Drive", 20.0)                                  # any case, as the engine takes a knob's name
    _load(child, b)
    assert child.status()["slot_knobs"]["effect"] == {"drive": 20.0, "tone": 2000.0}   # tone: b's own default


def test_the_new_pack_starts_at_rest_at_the_carried_knobs_not_gliding_from_its_defaults(
        child: Any, tmp_path: Path) -> None:
    a = capture(tmp_path / "a.hatpack", "ts9-a", drive(), tone())
    _load(child, a)
    _turn(child, "drive", 24.0)
    child.request({"op": "load", "slot": "effect", "path": a})
    new = child.engine._incoming["effect"]
    assert np.allclose(new.smoother.state, new.smoother.target) and new.knob_values()["drive"] == 24.0
    assert np.allclose(new._rest_knobs, new.smoother.target)     # a reset (the crossfade's) comes back there


@pytest.mark.parametrize("other, words", [
    (tone(0.0, 100.0, 50.0, "%"), "knob 'tone' set to 5000 Hz on 'ts9-a' was not carried to 'ts9-b': pack 'ts9-b' "
                                  "has 'tone' in '%', not 'Hz'; it starts at its default 50 %"),   # (kHz: converted)
    (tone(1500.0, 4000.0, 2000.0), "knob 'tone' set to 5000 Hz on 'ts9-a' was not carried to 'ts9-b': knob 'tone' "
                                   "= 5000 Hz is outside its range"),
    (Knob("bright", 0.0, 1.0, 0.5), "knob 'tone' set to 5000 Hz on 'ts9-a' was not carried to 'ts9-b': it has "
                                    "no knob of that name (its knobs: drive, bright); kept for a pack that has it"),
])
def test_a_knob_the_new_pack_cannot_take_starts_at_its_default_with_a_note(
        child: Any, tmp_path: Path, other: Knob, words: str) -> None:
    a = capture(tmp_path / "a.hatpack", "ts9-a", drive(), tone())
    b = capture(tmp_path / "b.hatpack", "ts9-b", drive(default=6.0), other)
    _load(child, a)
    _turn(child, "drive", 20.0)
    _turn(child, "tone", 5000.0)
    _load(child, b)
    status = child.status()
    assert status["slot_knobs"]["effect"] == {"drive": 20.0, other.name: other.default}
    [note] = status["active"]["effect"]["warnings"]
    assert note.startswith(words)


def test_an_unloaded_slot_keeps_its_knobs_for_its_next_pack(child: Any, tmp_path: Path) -> None:
    a = capture(tmp_path / "a.hatpack", "ts9-a", drive(), tone())       # (p46: an unload forgot them before)
    _load(child, a)
    _turn(child, "drive", 20.0)
    child.request({"op": "unload", "slot": "effect"})
    _load(child, a)
    assert child.status()["slot_knobs"]["effect"] == {"drive": 20.0, "tone": 3500.0}


def test_the_boxs_knob_values_are_the_carried_ones_as_soon_as_the_load_returns(child: Any, tmp_path: Path) -> None:
    """BoxControl (what MIDI pick-up reads) reads the engine right after the load, before the audio thread ran:
    it must see the new pack's knobs, also where a knob was not carried (the old pack still sounded then)."""

    class _Engine:
        def send(self, message: dict[str, Any]) -> None:
            child.request(message)

        def status(self) -> dict[str, Any]:
            return child.status()

    a = capture(tmp_path / "a.hatpack", "ts9-a", drive(), tone())
    b = capture(tmp_path / "b.hatpack", "ts9-b", drive(default=6.0), tone(1500.0, 4000.0, 2000.0))
    control = cmd_device.BoxControl(_Engine())
    control.send({"op": "load", "slot": "effect", "path": a})
    _blocks(child)
    control.send({"op": "knob", "slot": "effect", "name": "drive", "value": 20.0})
    control.send({"op": "knob", "slot": "effect", "name": "tone", "value": 5000.0})
    control.send({"op": "load", "slot": "effect", "path": b})
    assert control.knobs.values[("effect", "drive")] == 20.0 and control.knobs.values[("effect", "tone")] == 2000.0
    assert child.status()["active"]["effect"]["name"] == "ts9-b"
    _blocks(child)
    assert child.engine.slots["effect"].target_unit.knob_values() == {"drive": 20.0, "tone": 2000.0}


class _KnobSynth:
    """A synth-slot unit with knobs (what a synth pack with knobs would be to the engine): silent."""

    def __init__(self, name: str, knobs: list[Knob]) -> None:
        self.name, self.knobs = name, knobs
        self.values = {k.name: k.default for k in knobs}

    def set_knob(self, name: str, value: float) -> None:
        from export.manifest import Manifest
        knob = Manifest(kind="synth", name=self.name, version="1", sample_rate=48000, inputs=[], outputs=[],
                        knobs=self.knobs).knob(name)
        self.values[knob.name] = knob.check(value)

    def knob_values(self) -> dict[str, float]:
        return dict(self.values)

    def handle(self, msg: dict[str, Any]) -> None:
        pass

    def render(self, out: np.ndarray) -> None:
        out.fill(0.0)

    def reset(self) -> None:
        pass


def test_the_synth_slot_carries_its_knobs_by_the_same_rule() -> None:
    engine = Engine(EngineConfig(rate=48000, block=128))
    knobs = [Knob("attack", 0.001, 2.0, 0.01, "s"), Knob("cutoff", 100.0, 8000.0, 4000.0, "Hz")]
    engine.install("synth", _KnobSynth("pads", knobs), {"name": "pads"})
    engine.process(None, np.zeros(128, np.float32))
    engine.handle({"op": "knob", "slot": "synth", "name": "attack", "value": 0.5})
    engine.handle({"op": "knob", "slot": "synth", "name": "cutoff", "value": 6000.0})
    later = [Knob("attack", 0.001, 2.0, 0.05, "s"), Knob("cutoff", 100.0, 5000.0, 3000.0, "Hz")]
    engine.install("synth", _KnobSynth("pads-2", later), {"name": "pads-2"})
    status = engine.status()
    assert status["slot_knobs"]["synth"] == {"attack": 0.5, "cutoff": 3000.0}
    assert status["active"]["synth"]["warnings"][0].startswith(
        "knob 'cutoff' set to 6000 Hz on 'pads' was not carried to 'pads-2': knob 'cutoff' = 6000 Hz is outside")

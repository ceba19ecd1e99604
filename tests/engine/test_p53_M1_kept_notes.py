"""p53 review of the one-line notes on the knobs a pack switched in keeps (device/audio/held.py carry_notes): a knob
turned during the load that also has a remembered value was said dropped while the memory kept the value set
before, silently; several knobs a pack with other knobs lacks gave a line each, each repeating the knob list; a
restored one read "set on 'x' when the box stopped"."""
from __future__ import annotations

from typing import Any

import numpy as np

from device.audio.engine import Engine, EngineConfig
from device.audio.held import SetKnob, carry_notes, knob_spec
from export.manifest import Knob
from hatbox.errors import KnobError

DRIVE, TONE = Knob("drive", 0.0, 40.0, 12.0, "dB"), Knob("tone", 500.0, 10000.0, 5000.0, "Hz")


class _Fx:
    """An effect unit with ``knobs`` (passes its input through)."""

    def __init__(self, *knobs: Knob) -> None:
        self.knobs = list(knobs)
        self.values = {k.name: k.default for k in knobs}

    @property
    def knob_names(self) -> list[str]:
        return [k.name for k in self.knobs]

    def set_knob(self, name: str, value: float) -> None:
        spec = knob_spec(self, name)
        if spec is None or not spec.min <= value <= spec.max:
            raise KnobError(f"it has no knob '{name}'" if spec is None else "out of range")
        self.values[spec.name] = value

    def knob_values(self) -> dict[str, float]:
        return dict(self.values)

    def reset(self) -> None:
        pass

    def process(self, x: np.ndarray) -> np.ndarray:
        return x.copy()


def _install(engine: Engine, unit: Any, name: str) -> list[str]:
    engine.install("effect", unit, {"name": name})
    engine.end_load("effect")
    engine.process(np.zeros(128, np.float32), np.zeros(128, np.float32))
    return list(engine.status()["active"]["effect"].get("warnings", []))


def _knob(engine: Engine, name: str, value: float) -> None:
    engine.handle({"op": "knob", "slot": "effect", "name": name, "value": value})


def test_a_knob_turned_during_the_load_with_a_remembered_value_is_said_kept_with_the_turn_dropped() -> None:
    engine = Engine(EngineConfig(rate=48000, block=128))
    assert _install(engine, _Fx(DRIVE, TONE), "drive-a") == []
    _knob(engine, "drive", 24.0)
    _knob(engine, "tone", 8000.0)
    _install(engine, _Fx(TONE), "muff-lite")                  # no drive: the memory keeps drive 24 of 'drive-a'
    engine.begin_load("effect")
    _knob(engine, "drive", 30.0)                              # 'muff-lite' has no drive: kept for the load only
    notes = _install(engine, _Fx(), "qa-od")
    assert notes == ["'qa-od' has no knobs: drive (24 dB on 'drive-a'; the 30 turned while it loaded was dropped) "
                     "and tone (8000 Hz on 'muff-lite') are kept for a pack that has them"]
    assert _install(engine, _Fx(DRIVE, TONE), "drive-a") == []
    assert engine.status()["slot_knobs"]["effect"] == {"drive": 24.0, "tone": 8000.0}   # as the note said


def test_the_mixed_case_on_carry_notes_and_a_turn_with_nothing_remembered() -> None:
    remembered = {"drive": SetKnob("drive", 24.0, "dB", on="hatbox-drive")}
    dropped = [(SetKnob("tone", 8000.0, "Hz", on="hatbox-drive"), "x"), (SetKnob("drive", 30.0, None, True), "x"),
               (SetKnob("level", 3.0, None, True), "x")]
    assert carry_notes(dropped, _Fx(), "hatbox-drive", "qa-od", remembered) == [
        "'qa-od' has no knobs: tone (8000 Hz) and drive (24 dB; the 30 turned while it loaded was dropped), set on "
        "'hatbox-drive', are kept for a pack that has them",
        "knob 'level' turned to 3 while 'qa-od' loaded was dropped: it has no knobs"]


def test_several_knobs_a_pack_with_other_knobs_lacks_are_one_line() -> None:
    unit = _Fx(Knob("gain", 0.0, 1.0, 0.5), Knob("level", 0.0, 1.0, 0.5))
    dropped = [(SetKnob("drive", 24.0, "dB", on="x"), "x"), (SetKnob("tone", 8000.0, "Hz", on="x"), "x")]
    assert carry_notes(dropped, unit, "x", "muff") == [
        "'muff' has no drive or tone (its knobs: gain, level): drive (24 dB) and tone (8000 Hz), set on 'x', are kept "
        "for a pack that has them"]


def test_knobs_restored_at_start_are_said_as_they_were_when_the_box_stopped() -> None:
    dropped = [(SetKnob("drive", 24.0, "dB", restored=True), "x"), (SetKnob("tone", 8e3, "Hz", restored=True), "x")]
    assert carry_notes(dropped, _Fx(), "hatbox-drive", "qa-od") == [
        "'qa-od' has no knobs: drive (24 dB) and tone (8000 Hz), as they were on 'hatbox-drive' when the box "
        "stopped, are kept for a pack that has them"]

"""The engine's status reports knob values per slot (``slot_knobs``): a synth knob and an effect knob
of the same name never hide one another, and each slot reports the unit ``active`` names (the
incoming one during a crossfade)."""
from __future__ import annotations

from typing import Any

import numpy as np

from device.audio.engine import Engine, EngineConfig
from tests.engine.helpers import KnobEffect

BLOCK = 128


class KnobSynth:
    """A stand-in synth (a source: ``render``) with knobs ``gain`` and ``glide``."""

    def __init__(self, gain: float) -> None:
        self.values = {"gain": gain, "glide": 0.1}

    def render(self, out: np.ndarray) -> None:
        out.fill(0.0)

    def reset(self) -> None:
        pass

    def set_knob(self, name: str, value: float) -> None:
        self.values[name] = float(value)

    def knob_values(self) -> dict[str, float]:
        return dict(self.values)


def _blocks(engine: Engine, n: int = 4) -> dict[str, Any]:
    x, y = np.full(BLOCK, 0.1, np.float32), np.zeros(BLOCK, np.float32)
    for _ in range(n):
        engine.process(x, y)
    return engine.status()


def test_a_synth_knob_and_an_effect_knob_of_the_same_name_are_reported_apart() -> None:
    # the bug: the status merged every slot's knobs into one dict, so "gain" was one slot's or the other's
    engine = Engine(EngineConfig(rate=48000, block=BLOCK, xfade_s=0.0))
    engine.install("synth", KnobSynth(gain=-3.0), {"name": "Pad", "path": "/packs/synth.hatpack"})
    engine.install("effect", KnobEffect(gain=8.0), {"name": "Drive", "path": "/packs/fx.hatpack"})
    st = _blocks(engine)
    assert st["slot_knobs"] == {"synth": {"gain": -3.0, "glide": 0.1}, "effect": {"gain": 8.0}}
    assert st["knobs"] == {"gain": 8.0}                       # kept for older readers: the effect's only
    engine.handle({"op": "knob", "slot": "synth", "name": "gain", "value": 2.0})
    st = _blocks(engine)
    assert st["slot_knobs"]["synth"]["gain"] == 2.0 and st["slot_knobs"]["effect"]["gain"] == 8.0
    assert st["knobs"] == {"gain": 8.0}
    engine.handle({"op": "knob", "slot": "effect", "name": "gain", "value": 5.0})
    st = _blocks(engine)
    assert st["slot_knobs"]["effect"]["gain"] == 5.0 and st["slot_knobs"]["synth"]["gain"] == 2.0


def test_during_a_crossfade_the_knobs_are_the_incoming_units_as_active_names_it() -> None:
    # the bug: "active" named the incoming pack while "knobs" were still the outgoing unit's
    engine = Engine(EngineConfig(rate=48000, block=BLOCK, xfade_s=0.05))
    engine.install("effect", KnobEffect(gain=2.0), {"name": "Old", "path": "/packs/old.hatpack"})
    _blocks(engine, 30)                                       # the first fade is over
    engine.install("effect", KnobEffect(gain=7.0), {"name": "New", "path": "/packs/new.hatpack"})
    st = _blocks(engine, 1)                                   # 1 of ~19 blocks into the fade
    assert engine.slots["effect"].units()[0].gain == 2.0      # the old unit still sounds
    assert st["active"]["effect"]["name"] == "New"
    assert st["slot_knobs"]["effect"] == {"gain": 7.0} and st["knobs"] == {"gain": 7.0}
    engine.handle({"op": "knob", "slot": "effect", "name": "gain", "value": 9.0})    # turns the incoming one
    assert _blocks(engine, 1)["slot_knobs"]["effect"] == {"gain": 9.0}


def test_slots_without_knobs_or_units_report_none() -> None:
    engine = Engine(EngineConfig(rate=48000, block=BLOCK, xfade_s=0.0))
    st = _blocks(engine)
    assert st["slot_knobs"] == {} and st["knobs"] == {}
    engine.install("synth", KnobSynth(gain=1.0), {"name": "Pad"})
    st = _blocks(engine)
    assert st["slot_knobs"] == {"synth": {"gain": 1.0, "glide": 0.1}} and st["knobs"] == {}
    engine.handle({"op": "unload", "slot": "synth"})
    assert _blocks(engine)["slot_knobs"] == {}

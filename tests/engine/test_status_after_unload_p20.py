"""After an unload the engine status shows the slot empty at once (p20): no pack info, no knob values, no
bypass, no synth notes or pad, and a knob message for the slot is refused.  Before p20 the unloaded pack's
info and knobs stayed in the status until the audio thread's next block, and knob messages went on turning
the unit being faded out (during the whole fade), so a panel or MIDI pick-up reading the status right after
the unload saw the knobs of a pack that is gone."""
from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from device.audio.engine import Engine, EngineConfig
from hatbox.errors import KnobError
from tests.engine.helpers import KnobEffect

BLOCK = 128


class KnobSynth:
    """A stand-in synth with a knob ``glide``, a held note and a pad."""

    def __init__(self) -> None:
        self.glide, self.xy, self.corners = 0.1, (0.5, 0.5), ["a", "b", "c", "d"]

    def render(self, out: np.ndarray) -> None:
        out.fill(0.0)

    def reset(self) -> None:
        pass

    def set_knob(self, name: str, value: float) -> None:
        self.glide = float(value)

    def knob_values(self) -> dict[str, float]:
        return {"glide": self.glide}

    def held_notes(self) -> list[int]:
        return [60]


def _blocks(engine: Engine, n: int) -> dict[str, Any]:
    x, y = np.full(BLOCK, 0.1, np.float32), np.zeros(BLOCK, np.float32)
    for _ in range(n):
        engine.process(x, y)
    return engine.status()


def _engine() -> Engine:
    engine = Engine(EngineConfig(rate=48000, block=BLOCK))              # the default 20 ms crossfade
    engine.install("effect", KnobEffect(gain=8.0), {"name": "Drive", "path": "/packs/fx.hatpack"})
    engine.install("synth", KnobSynth(), {"name": "Pad", "path": "/packs/synth.hatpack"})
    st = _blocks(engine, 20)
    assert st["slot_knobs"] == {"effect": {"gain": 8.0}, "synth": {"glide": 0.1}} and st["notes"] == [60]
    return engine


@pytest.mark.parametrize("slot", ["effect", "synth"])
def test_the_status_right_after_an_unload_shows_the_slot_empty(slot: str) -> None:
    engine = _engine()
    engine.handle({"op": "bypass", "slot": slot, "on": True})
    assert _blocks(engine, 20)["bypassed"][slot]
    engine.handle({"op": "unload", "slot": slot})
    st = engine.status()                                # before the audio thread's next block
    other = {"effect": "synth", "synth": "effect"}[slot]
    assert st["active"][slot] is None and slot not in st["slot_knobs"] and not st["bypassed"][slot]
    assert st["active"][other] is not None and other in st["slot_knobs"]
    assert st["knobs"] == ({} if slot == "effect" else {"gain": 8.0})
    if slot == "synth":
        assert st["notes"] == [] and st["synth"] is None
    for n in (1, 2, 20):                                # during the fade and after it: the same
        st = _blocks(engine, n)
        assert st["active"][slot] is None and slot not in st["slot_knobs"] and not st["bypassed"][slot]


@pytest.mark.parametrize("blocks", [0, 1, 20])
def test_a_knob_for_an_unloaded_slot_is_refused_and_turns_nothing(blocks: int) -> None:
    engine = _engine()
    unit = engine.slots["effect"].unit
    engine.handle({"op": "unload", "slot": "effect"})
    _blocks(engine, blocks)                             # 1: the unit is fading out
    with pytest.raises(KnobError, match="no pack in the effect slot"):
        engine.handle({"op": "knob", "slot": "effect", "name": "gain", "value": 3.0})
    assert unit.gain == 8.0


def test_a_load_after_an_unload_shows_the_new_pack_and_takes_its_knobs() -> None:
    engine = _engine()
    engine.handle({"op": "unload", "slot": "effect"})
    engine.install("effect", KnobEffect(gain=2.0), {"name": "Fuzz", "path": "/packs/fuzz.hatpack"})
    engine.handle({"op": "knob", "slot": "effect", "name": "gain", "value": 4.0})   # the new pack's
    st = _blocks(engine, 20)
    assert st["active"]["effect"]["name"] == "Fuzz" and st["slot_knobs"]["effect"] == {"gain": 4.0}
    engine.install("effect", KnobEffect(gain=1.0), {"name": "Boost", "path": "/packs/boost.hatpack"})
    engine.handle({"op": "unload", "slot": "effect"})   # an unload after a load not yet switched to: empty
    assert engine.status()["active"]["effect"] is None
    st = _blocks(engine, 20)
    assert st["active"]["effect"] is None and "effect" not in st["slot_knobs"]

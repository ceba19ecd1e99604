"""p56 MR2 (RD2 finding 2): the knobs a pack switched in carries (Engine.carried, what the start's "knobs restored"
line names) have the dial of that pack's knob where they are made (Engine._carry), not patched in afterwards by
device/knob_store_words.py (``with_dials``, which read the engine's knob memory outside its lock): a knob recalled
from knobs.json, or carried in other units (Hz to kHz), said itself by its new pack's dial."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from device.audio.engine import Engine, EngineConfig
from device.audio.held import SetKnob
from device.knob_store_words import restored_line


@dataclass
class _Knob:
    name: str
    unit: str
    min: float
    max: float
    default: float
    scale: str = "linear"


class _Effect:
    """An engine unit with two knobs (as device/audio/effect.EffectProcessor declares them)."""

    def __init__(self) -> None:
        self.knobs = [_Knob("drive", "dB", 0.0, 24.0, 6.0), _Knob("tone", "kHz", 1.5, 8.0, 3.0, "log")]
        self.set: dict[str, float] = {}

    def set_knob(self, name: str, value: float) -> None:
        self.set[name] = value

    def process(self, x: Any, out: Any) -> None:
        out[:] = x


def test_the_knobs_a_pack_carries_have_its_dials() -> None:
    engine = Engine(EngineConfig(rate=48000, block=128))
    engine.recall_knobs("effect", "fx", [SetKnob("drive", 0.359791, "dB", on="fx"),
                                         SetKnob("tone", 2074.4567, "Hz", on="fx")])   # as knobs.json gives them
    engine.install("effect", _Effect(), {"name": "fx"})
    carried = {k.name: k for k in engine.carried["effect"]}
    assert carried["drive"].dial == (0.0, 24.0, "linear")
    assert carried["tone"].dial == (1.5, 8.0, "log") and carried["tone"].value == 2.0744567
    assert restored_line(engine.carried) == \
        "knobs restored as they were left: effect.drive 0.4 dB, effect.tone 2.07 kHz"

"""p57 R4 finding 3: SlotInstalls (device/audio/engine_installs.py) is a unit of its own: it makes its own state
(``_init_installs``, which Engine's constructor calls), names ``post`` among what it takes from the engine, and leaves
the bypass to the engine, asking it to forget a slot's bypass (``Engine._forget_bypass``) when a pack is switched in
or the slot is emptied, instead of reaching into the engine's ``_bypass_asked``."""
from __future__ import annotations

from typing import Any

import pytest

from device.audio.engine import Engine, EngineConfig
from device.audio.engine_installs import SlotInstalls
from device.audio.held import KnobMemory


def test_slot_installs_makes_its_own_state() -> None:
    class Bare(SlotInstalls):
        """SlotInstalls alone, with none of the engine's state."""

    own = Bare()
    own._init_installs()
    assert (own._loading, own._incoming, own._incoming_info, own._installs, own._switched, own._knob_info,
            own.carried) == ({}, {}, {}, {}, {}, {}, {})
    assert isinstance(own.knob_memory, KnobMemory) and not hasattr(own, "_bypass_asked")
    assert "post" in SlotInstalls.__annotations__ and "_bypass_asked" not in SlotInstalls.__annotations__


@pytest.mark.parametrize("change", ["install", "unload"])
def test_a_switch_or_an_unload_asks_the_engine_to_forget_the_bypass(change: str,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    engine = Engine(EngineConfig(live_input=False))
    engine.handle({"op": "bypass", "slot": "effect", "on": True, "by": "api", "source": "laptop"})
    asked: list[str] = []
    real = engine._forget_bypass

    def forget(slot: str) -> Any:
        asked.append(slot)
        return real(slot)
    monkeypatch.setattr(engine, "_forget_bypass", forget)
    if change == "install":
        engine.install("effect", object(), {"name": "fx"})
    else:
        engine.handle({"op": "unload", "slot": "effect"})
    assert asked == ["effect"] and engine.kept_bypass() == {}

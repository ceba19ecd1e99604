"""p55 review R2 #3: a bypass and a pack install run on two threads (the control channel and the packs channel).  Each
wrote the engine's record of the player's bypass under the knob lock but posted its change to the audio thread after
releasing it, so the audio thread could take the two in the other order: the slot played bypassed while knobs.json
kept it playing (a restart came back louder), or the other way round (a restart came back muted).  Now each posts
inside the lock.  The interleaving is forced as the reviewer forced it: the ``knobs_changed`` hook, which ran between
the record and the post, does the other thread's part."""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from device.audio.engine import Engine, EngineConfig
from tests.engine.helpers import KnobEffect


def _run(engine: Engine, blocks: int = 3) -> None:
    x, y = np.zeros(128, np.float32), np.zeros(128, np.float32)
    for _ in range(blocks):
        engine.process(x, y)


def _playing(name: str) -> Engine:
    engine = Engine(EngineConfig())
    engine.install("effect", KnobEffect(0.0), {"name": name})
    _run(engine)
    return engine


def _once(action: Callable[[], Any]) -> Callable[[], None]:
    """A ``knobs_changed`` hook that does ``action`` the first time it is called (the other thread, meanwhile)."""
    done: list[bool] = []

    def hook() -> None:
        if not done:
            done.append(True)
            action()
    return hook


def _agree(engine: Engine) -> tuple[bool, bool]:
    """(whether the effect slot plays bypassed, whether the engine keeps it bypassed for knobs.json)."""
    return engine.status()["bypassed"]["effect"], "effect" in engine.kept_bypass()


def test_a_pack_installed_while_a_bypass_lands_plays_as_kept() -> None:
    engine = _playing("fxD")
    engine.knobs_changed = _once(lambda: engine.install("effect", KnobEffect(0.0), {"name": "fxE"}))
    engine.handle({"op": "bypass", "slot": "effect", "on": True})
    _run(engine)
    plays, kept = _agree(engine)
    assert plays == kept, f"plays bypassed: {plays}, kept bypassed: {kept}"   # was True / False: back louder
    assert engine.status()["active"]["effect"]["name"] == "fxE"


def test_a_bypass_landing_while_a_pack_installs_is_kept_as_it_plays() -> None:
    engine = _playing("fxD")
    engine.knobs_changed = _once(lambda: engine.handle({"op": "bypass", "slot": "effect", "on": True}))
    engine.install("effect", KnobEffect(0.0), {"name": "fxE"})
    _run(engine)
    plays, kept = _agree(engine)
    assert plays == kept, f"plays bypassed: {plays}, kept bypassed: {kept}"   # was False / True: back muted
    assert plays is True                                   # the bypass came last: the new pack plays bypassed


def test_a_bypass_landing_while_the_slot_empties_is_kept_as_it_plays() -> None:
    engine = _playing("fxD")
    engine.knobs_changed = _once(lambda: engine.handle({"op": "bypass", "slot": "effect", "on": True}))
    engine.handle({"op": "unload", "slot": "effect"})
    _run(engine)
    assert engine.status()["active"]["effect"] in (None, {})
    engine.knobs_changed = lambda: None
    engine.install("effect", KnobEffect(0.0), {"name": "fxE"})          # a pack loaded there later plays
    _run(engine)
    assert _agree(engine) == (False, False)

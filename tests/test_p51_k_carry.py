"""p51 beatmaker QA (K1): a note struck while no synth played is not carried to a synth activated later: a kit hit sent
to every source with no note-off (OSC /hatbox/note_on 36 100) droned as a C2 once a synth was loaded.  A key held on a
synth still goes on in the next one (docs/synth.md), and a kit hit named for the sampler never reaches the synth."""
from __future__ import annotations

from typing import Any

import numpy as np

from device.audio.engine import Engine, EngineConfig


class Recorder:
    """A source that keeps the notes it holds from the messages it is handed."""

    def __init__(self) -> None:
        self.held: dict[int, int] = {}

    def handle(self, msg: dict[str, Any]) -> None:
        note = msg.get("note")
        if msg["op"] == "note_on" and msg.get("velocity", 0) > 0:
            self.held[note] = self.held.get(note, 0) + 1
        elif msg["op"] in ("note_on", "note_off") and self.held.get(note):
            self.held[note] -= 1

    def notes(self) -> list[int]:
        return sorted(n for n, k in self.held.items() if k > 0)

    def render(self, out: np.ndarray) -> None:
        out.fill(0.0)


def _engine() -> Engine:
    return Engine(EngineConfig(rate=48000, block=128, xfade_s=0.0, live_input=False))


def test_a_hit_with_no_note_off_before_any_synth_is_not_carried_to_one_loaded_later() -> None:
    eng = _engine()
    eng.handle({"op": "note_on", "note": 36, "velocity": 100})     # a kick over OSC to every source: no note-off
    eng.handle({"op": "note_on", "note": 38, "velocity": 90, "slot": "sampler"})   # the kit route
    synth = Recorder()
    eng.install("synth", synth, {"name": "pad"})
    assert synth.notes() == []


def test_a_key_held_on_a_synth_goes_on_in_the_one_switched_in() -> None:
    eng = _engine()
    old = Recorder()
    eng.install("synth", old, {"name": "a"})
    eng.handle({"op": "note_on", "note": 60, "velocity": 100})
    new = Recorder()
    eng.install("synth", new, {"name": "b"})
    assert new.notes() == [60]

"""Thirty-eighth stop (QA): a note-off that came between a synth's install and the audio thread's switch to it was
lost on the new synth (it was routed only to the units the slot plays, and the replay of what is held had been
made before it), so that note sounded on for ever once the old synth faded out."""
from __future__ import annotations

from typing import Any

import numpy as np

from device.audio.engine import Engine, EngineConfig

RATE, BLOCK = 48000, 128


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


def _block(engine: Engine) -> None:
    engine.process(np.zeros(BLOCK, np.float32), np.zeros(BLOCK, np.float32))


def test_a_note_off_between_a_synth_s_install_and_its_switch_reaches_it():
    engine = Engine(EngineConfig(rate=RATE, block=BLOCK))
    old = Recorder()
    engine.install("synth", old, {"name": "old"})
    _block(engine)
    for note in (60, 64, 67):
        engine.handle({"op": "note_on", "note": note, "velocity": 100})
    new = Recorder()
    engine.install("synth", new, {"name": "new"})         # the chord is replayed into it
    engine.handle({"op": "note_off", "note": 64})          # before the audio thread has switched to it
    engine.handle({"op": "note_on", "note": 72, "velocity": 100})
    _block(engine)
    for note in (60, 67):
        engine.handle({"op": "note_off", "note": note})
    assert new.notes() == [72] and new.held[64] == 0       # not held twice either: replayed or routed, once


def test_a_sampler_message_does_not_wait_for_the_synth_s_routing():
    """The re-check: the routing lock (synth notes vs a synth's install) was held across every source's handle, so a
    note waited behind a sampler's decode in the engine (450 ms in the QA's probe)."""
    import threading
    engine = Engine(EngineConfig(rate=RATE, block=BLOCK))
    sampler = Recorder()
    engine.install("sampler", sampler, {"name": "sampler"})
    _block(engine)
    done = threading.Event()
    with engine._route_lock:                          # the synth's routing busy elsewhere
        worker = threading.Thread(target=lambda: (engine.handle({"op": "choke", "note": 49}), done.set()))
        worker.start()
        assert done.wait(2), "a sampler-only message waited for the synth's routing lock"
    worker.join(2)

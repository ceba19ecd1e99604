"""What the player is holding on the synth, kept by the engine so that a synth pack switched in mid-performance
carries on from it (:class:`Performance`): the keys down and their velocities, the notes the sustain pedal holds
after their keys came up, the pedal, the bend and the pad.  Before (twenty-eighth stop's QA), a pack switched in
while a chord was held went silent at once, a note played on it under the pedal died, and the pad jumped to corner
A while the panel and OSC still showed it where it was.
"""
from __future__ import annotations

import threading
from typing import Any


class Performance:
    """Fed every note-side message that reaches the synth (:meth:`see`, any control thread); :meth:`replay` gives
    the messages that put a fresh synth unit in the same place."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.keys: dict[int, int] = {}          # note -> velocity, keys down
        self.pedalled: dict[int, int] = {}      # note -> velocity: keys that came up under the pedal, which holds them
        self.pedal = False
        self.bend = 0.0
        self.xy: tuple[float, float] | None = None     # None: no pad position was sent yet

    def see(self, msg: dict[str, Any]) -> None:
        """Take in one validated control message the synth is handed (device/control.py shapes)."""
        op = msg["op"]
        with self._lock:
            if op == "note_on" and int(msg["velocity"]) > 0:
                self.keys[int(msg["note"])] = int(msg["velocity"])
                self.pedalled.pop(int(msg["note"]), None)
            elif op in ("note_on", "note_off"):
                self._key_up(int(msg["note"]))
            elif op == "all_notes_off":
                for note in list(self.keys):
                    self._key_up(note)
            elif op == "sustain":
                self.pedal = bool(msg["on"])
                if not self.pedal:
                    self.pedalled.clear()
            elif op == "bend":
                self.bend = float(msg["value"])
            elif op == "xy":
                self.xy = (float(msg["x"]), float(msg["y"]))
            elif op == "panic":
                self.keys.clear()
                self.pedalled.clear()
                self.pedal, self.bend = False, 0.0

    def _key_up(self, note: int) -> None:
        velocity = self.keys.pop(note, None)
        if velocity is not None and self.pedal:
            self.pedalled[note] = velocity

    def replay(self) -> list[dict[str, Any]]:
        """The messages, in order, that give a new synth unit this performance: the pad, the bend, the pedal, the
        keys down (at their velocities), then the pedal's notes (struck and let go under the pedal, so it holds
        them and lets them go when it lifts, as on the old unit)."""
        with self._lock:
            out: list[dict[str, Any]] = []
            if self.xy is not None:
                out.append({"op": "xy", "x": self.xy[0], "y": self.xy[1]})
            if self.bend:
                out.append({"op": "bend", "value": self.bend})
            if self.pedal:
                out.append({"op": "sustain", "on": True})
            out += [{"op": "note_on", "note": n, "velocity": v} for n, v in sorted(self.keys.items())]
            for note, velocity in sorted(self.pedalled.items()):
                out += [{"op": "note_on", "note": note, "velocity": velocity}, {"op": "note_off", "note": note}]
            return out

"""A Control for running the API without the engine (``--sim``, tests, benchmarks).

It records every message (optionally appending them to a JSON-lines file, so a test can
read what a server subprocess sent) and reports a status shaped like the engine's
(``Engine.status`` in device/audio/engine.py: the same keys, with nothing playing and nothing
measured), plus ``"simulated": True``.  What the messages set shows in it as the engine would show
it: the pack each slot plays (``active``, ``{"path"}`` only: the simulator reads no pack), the
slots bypassed (``bypassed``; a pack loaded or unloaded starts unbypassed) and who bypassed them (``bypass_set``:
device/kept_play.py ``who_of``, ``bypass_set``, as the engine keeps it), the knobs turned
since a slot's pack was loaded (``slot_knobs``, ``knobs`` = the effect slot's; knobs never turned
are not listed, as the simulator does not know a pack's knobs), the volume and who set it
(``volume_db``, and ``volume_set`` while the volume message that set it said who: device/kept_play.py
``who_of``, ``volume_set``, as the engine keeps it).  No synth plays: ``synth`` is None and ``notes``
empty.
"""
from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

from device.control import SLOTS, validate
from device.kept_play import Who, bypass_set, volume_set, who_of

SILENT_DB = -120.0          # the engine's peak of silence (device/audio/protect.py lin_to_db floor)


def _number(value: Any) -> bool:
    """A value a knob takes (an int or float, not a bool)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


class RecordingControl:
    """Validates and records messages; ``refuse`` makes ``load`` fail (engine refusal tests).
    ``rate`` / ``block``: what the status reports (Hz, samples)."""

    def __init__(self, log_path: str | Path | None = None, rate: int = 48000, block: int = 128) -> None:
        self.sent: list[dict[str, Any]] = []
        self.log_path = Path(log_path) if log_path else None
        self.active: dict[str, Any] = {slot: None for slot in SLOTS}
        self.bypassed: dict[str, bool] = {slot: False for slot in SLOTS}
        self.bypass_who: dict[str, Who] = {}        # slot -> who bypassed it ({}: nobody said), as Engine keeps it
        self.slot_knobs: dict[str, dict[str, float]] = {}
        self.rate, self.block = rate, block
        self.refuse = False
        self.volume_db = 0.0
        self.volume_who: dict[str, Any] = {}        # who set it, where its message said (kept_play.who_of)
        self._lock = threading.Lock()

    def send(self, message: dict[str, Any]) -> None:
        validate(message)
        if self.refuse and message["op"] == "load":
            raise RuntimeError("simulated engine refused the pack")
        with self._lock:
            self.sent.append(message)
            self._apply(message)
            if self.log_path:
                with open(self.log_path, "a") as fh:
                    fh.write(json.dumps(message) + "\n")

    def _apply(self, message: dict[str, Any]) -> None:
        """What ``message`` changes in the status, as the engine would apply it."""
        op, slot = message["op"], message.get("slot")
        if op in ("load", "unload"):
            self.active[slot] = {"path": message["path"]} if op == "load" else None
            self.bypassed[slot] = False
            self.slot_knobs.pop(slot, None)
            self.bypass_who.pop(slot, None)                      # a pack switched in plays (Engine.install)
        elif op == "bypass":
            self._bypass(slot, bool(message["on"]), message)
        elif op == "volume":
            self.volume_db = float(message["db"])
            self.volume_who = who_of(message, time.time())    # {} for the panel's, MIDI's
        elif op == "knob" and self.active.get(slot) is not None and _number(message["value"]):
            self.slot_knobs.setdefault(slot, {})[str(message["name"])] = float(message["value"])

    def _bypass(self, slot: str, on: bool, message: dict[str, Any]) -> None:
        """``slot`` bypassed (``on``) or back in, with who the message says bypassed it (Engine._on_bypass)."""
        self.bypassed[slot] = on
        if on:
            self.bypass_who[slot] = who_of(message, time.time())    # {} for the panel's, MIDI's
        else:
            self.bypass_who.pop(slot, None)

    def status(self) -> dict[str, Any]:
        """The engine's status keys (device/control.py), of a box playing nothing."""
        with self._lock:
            slot_knobs = {slot: dict(knobs) for slot, knobs in self.slot_knobs.items()}
            kept = {slot: ({}, dict(who)) for slot, who in self.bypass_who.items()}
            return {"simulated": True, "load_mean": 0.0, "load_p999": 0.0, "load_max": 0.0,
                    "xruns": 0, "xrun_blocks": [], "swap_blocks": [], "latency_ms": 0.0, "blocks": 0,
                    "active": {slot: (dict(a) if a else None) for slot, a in self.active.items()},
                    "peak_db": SILENT_DB, "peak_minute_db": SILENT_DB, "input_peak_db": SILENT_DB, "faults": [],
                    "fault_count": 0,
                    "slot_knobs": slot_knobs, "knobs": dict(slot_knobs.get("effect", {})),
                    "bypassed": dict(self.bypassed), **bypass_set(kept, self.bypassed, time.time()),
                    "limiter_db": 0.0, "volume_db": self.volume_db,
                    **volume_set(self.volume_db, self.volume_who, time.time()),
                    "rate": self.rate, "block": self.block, "notes": [], "synth": None}

"""What the audio engine (device/audio/engine.py) reports of itself: its meters (the per-block loads, the peak holds
of its levels), its faults, and the pieces of its status that describe each slot (the pack it plays with the unit's
warnings, the knobs it turns, the synth's held notes and pad).  The audio thread only adds a float per block to a
meter and a :class:`Fault` when a slot misbehaves; the rest runs on the status reader's thread.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass
class Fault:
    """A slot the engine bypassed: ``why`` the guard's rule for a ``runaway`` (device.audio.protect.Tripped), whose
    ``rule``, ``out_db``, ``in_db`` and ``limit_db`` the status's fault carries too (p59 Q1 6: the words name it)."""

    slot: str
    reason: str
    time: float
    block: int
    name: str = ""
    why: Any = None

    def as_dict(self) -> dict[str, Any]:
        out = {"slot": self.slot, "reason": self.reason, "time": self.time, "block": self.block, "name": self.name}
        return {**out, **self.why.as_dict()} if self.why is not None else out


class LoadMeter:
    """Ring buffer of per-block loads (compute seconds / block seconds)."""

    def __init__(self, size: int) -> None:
        self.loads = np.zeros(size, np.float64)
        self.count = 0

    def add(self, load: float) -> None:
        self.loads[self.count % self.loads.shape[0]] = load
        self.count += 1

    def window(self) -> np.ndarray:
        return self.loads[:min(self.count, self.loads.shape[0])]

    def summary(self) -> dict[str, float]:
        w = self.window()
        if w.shape[0] == 0:
            return {"load_mean": 0.0, "load_p999": 0.0, "load_max": 0.0}
        return {"load_mean": float(w.mean()), "load_p999": float(np.percentile(w, 99.9)),
                "load_max": float(w.max())}


class PeakHold(LoadMeter):
    """The largest of the per-block values of the last ``size`` blocks (a meter's peak hold; :class:`LoadMeter`'s
    ring): read by any number of readers without taking anything from each other (a peak "since the last status"
    went to whichever of the panel, the API or `hatbox demo` asked first).  The audio thread adds one float a block."""

    def held(self) -> float:
        """The largest value in the window (0.0 before the first block)."""
        w = self.window()
        return float(w.max()) if w.shape[0] else 0.0


def active_info(info: dict[str, Any] | None, unit: Any) -> dict[str, Any] | None:
    """A copy of ``info`` of the pack a slot plays or is fading to (None: empty), with the ``unit``'s
    ``warnings`` (the sampler's: a long file it cut) when it reports any."""
    if not info:
        return None
    out = dict(info)
    warnings = unit.warnings() if unit is not None and callable(getattr(unit, "warnings", None)) else []
    if warnings:
        out["warnings"] = [*out.get("warnings", []), *warnings]
    return out


def slot_knobs(units: dict[str, Any]) -> dict[str, dict[str, float]]:
    """``{slot: {knob name: value}}`` (the knobs' own units) for each slot whose unit (``units``,
    :meth:`Engine._sides`) reports knobs: as ``active`` names it and as a ``knob`` message turns it
    (:meth:`Engine._on_knob`).
    Per slot, so that a synth knob and an effect knob of the same name never hide one another.  Runs on the
    caller's (status) thread."""
    return {name: {str(k): float(v) for k, v in unit.knob_values().items()}
            for name, unit in units.items() if unit is not None and hasattr(unit, "knob_values")}


def synth_status(unit: Any) -> dict[str, Any]:
    """``notes`` held by the synth ``unit`` and its pad (``synth``: xy, corners); the incoming unit
    during a crossfade, as that is the one the player now plays (none once unloaded)."""
    if unit is None or not hasattr(unit, "held_notes"):
        return {"notes": [], "synth": None}
    return {"notes": unit.held_notes(), "synth": {"xy": [float(c) for c in unit.xy], "corners": unit.corners}}

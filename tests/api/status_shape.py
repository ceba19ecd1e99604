"""The shape of the engine's status (device/control.py, ``Engine.status`` in device/audio/engine.py),
for checking that whatever stands in for the engine (the API's simulator, the panel's demo status)
reports what the box sends."""
from __future__ import annotations

import math
from typing import Any

from device.audio.engine import Engine, EngineConfig
from device.control import SLOTS


def engine_keys() -> set[str]:
    """The keys a real engine's status has (one that plays nothing: the keys do not change with what
    it plays)."""
    return set(Engine(EngineConfig()).status())


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def shape_errors(status: dict[str, Any]) -> list[str]:
    """What in ``status`` is not shaped as the engine's status is (empty: nothing)."""
    errors = [f"{k}: not a number" for k in ("load_mean", "load_p999", "load_max", "latency_ms", "peak_db",
                                             "input_peak_db", "limiter_db", "volume_db") if not _number(status.get(k))]
    errors += [f"{k}: not an int" for k in ("xruns", "blocks", "fault_count", "rate", "block")
               if not isinstance(status.get(k), int)]
    errors += [f"{k}: not a list of ints" for k in ("xrun_blocks", "swap_blocks", "notes")
               if not (isinstance(status.get(k), list) and all(isinstance(b, int) for b in status[k]))]
    active, bypassed = status.get("active"), status.get("bypassed")
    if not (isinstance(active, dict) and set(active) == set(SLOTS)
            and all(a is None or isinstance(a, dict) and isinstance(a.get("path"), str) for a in active.values())):
        errors.append("active: not {slot: None | {path, ...}} for every slot")
    if not (isinstance(bypassed, dict) and set(bypassed) == set(SLOTS) and all(isinstance(b, bool) for b in bypassed.values())):
        errors.append("bypassed: not {slot: bool} for every slot")
    per_slot = status.get("slot_knobs")
    if not (isinstance(per_slot, dict) and set(per_slot) <= set(SLOTS)
            and all(isinstance(k, dict) and all(isinstance(n, str) and _number(v) for n, v in k.items())
                    for k in per_slot.values())):
        errors.append("slot_knobs: not {slot: {name: number}}")
    elif any(isinstance(active, dict) and active.get(slot) is None for slot in per_slot):
        errors.append("slot_knobs: knobs of an empty slot")
    elif status.get("knobs") != per_slot.get("effect", {}):
        errors.append("knobs: not slot_knobs['effect'] (or {})")
    if not isinstance(status.get("faults"), list):
        errors.append("faults: not a list")
    synth = status.get("synth")
    if synth is not None and not (isinstance(synth, dict) and set(synth) == {"xy", "corners"}
                                  and isinstance(synth["xy"], list) and len(synth["xy"]) == 2
                                  and all(_number(c) for c in synth["xy"])
                                  and isinstance(synth["corners"], list) and len(synth["corners"]) == 4
                                  and all(isinstance(n, str) for n in synth["corners"])):
        errors.append("synth: not None | {xy: [x, y], corners: [4 names]}")
    return errors

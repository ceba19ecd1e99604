"""The control channel between the audio engine and everything else (API, UI, MIDI, OSC).

Messages are small JSON-able dicts with an ``op`` key, so they cross process boundaries
(pipe, socket) unchanged.  Producers build them with the helpers below; the engine
validates them with :func:`validate` before acting.  Units: knob values in the pack's own
units, ``x``/``y`` in [0, 1] (0,0 = bottom-left of the pad), ``bend`` in [-1, 1] (full
range = the pack's bend range), ``db`` in decibels, ``velocity`` 0..127 (MIDI).

Status (engine -> others) is a dict with at least::

    {"load_mean": float, "load_p999": float,   # compute time / block duration
     "xruns": int, "latency_ms": float, "blocks": int,
     "active": {"effect": {"name", "version", "path"} | None, "synth": ..., "sampler": ...},
     "peak_db": float, "faults": [{"slot", "reason", "time"}], "knobs": {name: value},
     "notes": [int],                           # MIDI notes the synth holds (sorted; [] if none)
     "synth": {"xy": [x, y], "corners": [4 names]} | None}   # the pad as the synth has it
"""
from __future__ import annotations

from typing import Any, Protocol

SLOTS = ("effect", "synth", "sampler")
OPS = {
    "load": ("slot", "path"),          # load a pack file off the audio thread, then crossfade it in
    "unload": ("slot",),
    "bypass": ("slot", "on"),
    "knob": ("slot", "name", "value"),
    "xy": ("x", "y"),
    "corners": ("names",),             # four timbre names for the pad's corners (synth)
    "note_on": ("note", "velocity"),
    "note_off": ("note",),
    "bend": ("value",),
    "sustain": ("on",),
    "sample": ("path", "velocity"),    # play a sample file once through the sampler
    "volume": ("db",),
    "panic": (),                       # all notes off, state reset
    "shutdown": (),
}


class ControlError(ValueError):
    """A malformed control message (never reaches the audio thread)."""


def validate(msg: Any) -> dict[str, Any]:
    """Check a message's op and required fields; returns it unchanged."""
    if not isinstance(msg, dict) or msg.get("op") not in OPS:
        raise ControlError(f"unknown control message: {msg!r}")
    missing = [k for k in OPS[msg["op"]] if k not in msg]
    if missing:
        raise ControlError(f"control message '{msg['op']}' lacks {', '.join(missing)}")
    if "slot" in OPS[msg["op"]] and msg["slot"] not in SLOTS:
        raise ControlError(f"unknown slot {msg['slot']!r} (slots: {', '.join(SLOTS)})")
    return msg


def msg(op: str, **fields: Any) -> dict[str, Any]:
    """Build and validate a message, e.g. ``msg("knob", slot="effect", name="drive", value=6.0)``."""
    return validate({"op": op, **fields})


class Control(Protocol):
    """What the API, UI, MIDI and OSC front ends hold: a way to send and a way to look."""

    def send(self, message: dict[str, Any]) -> None: ...

    def status(self) -> dict[str, Any]: ...

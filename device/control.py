"""The control channel between the audio engine and everything else (API, UI, MIDI, OSC).

Messages are small JSON-able dicts with an ``op`` key, so they cross process boundaries
(pipe, socket) unchanged.  Producers build them with the helpers below; the engine
validates them with :func:`validate` before acting.  Units: knob values in the pack's own
units, ``x``/``y`` in [0, 1] (0,0 = bottom-left of the pad), ``bend`` in [-1, 1] (full
range = the pack's bend range), ``db`` in decibels, ``velocity`` 0..127 (MIDI).

Status (engine -> others): :meth:`device.audio.engine.Engine.status` answers a dict::

    {"load_mean": float, "load_p999": float, "load_max": float,   # compute time / block duration
     "xruns": int, "xrun_blocks": [int],       # blocks where the last 32 xruns happened, oldest first
     "latency_ms": float, "blocks": int,       # round-trip latency; blocks processed so far
     "rate": int, "block": int,                # Hz; samples per block
     "active": {"effect": info | None, "synth": info | None, "sampler": info | None},
         # info: what the slot plays or is crossfading to (from the moment a pack is installed: that one, before
         # the audio thread's next block, so a reader right after a load sees it): the loaded pack's "name", "version",
         # "path", "kind" (and the loader's figures: "golden_err", "warm_load", ...); the
         # sampler the server starts is {"name": "sampler"}; "warnings": [str] when the slot's
         # unit reports any (absent otherwise): what the user should know it did, oldest first
         # (the sampler keeps its last 8, each text once), e.g. the sampler's "long20min.wav is
         # 20:00 long: the sampler plays only its first 60 s" (a file longer than it decodes, cut);
         # the sampler's "loops": [{"note": int, "file": str, "latched": bool}] while any kit note's loop
         # sounds (absent otherwise; SamplerSource.sounding_loops: the Kit page lights their pads);
         # "warning_lines": {warning: [shorter wordings, longest first]} beside a warning that has them (the
         # knob-keeping notes, device/audio/held.py carried_notes: the panel's tab bar picks the one that fits)
     "bypassed": {"effect": bool, "synth": bool, "sampler": bool},
         # the user's bypass or a fault's; a bypassed effect plays its input dry, a source is silent
     "faults": [{"slot": str, "reason": str, "time": float, "block": int, "name": str}],
         # the last 32, oldest first: any slot; reason "nonfinite" | "runaway" | "dc"
         # (device/audio/protect.py); time: time.time() when caught; block: the engine's block
         # count then; name: the pack's name in that slot ("" if none); a "runaway" may carry too the rule that
         # tripped, "rule": "peak" | "gain" | "tail" | "rising" (device/audio/protect.py PEAK..RISING), with
         # "out_db", "in_db" and "limit_db" (dBFS or dB as the rule reads them; device/ui/faults.runaway_words)
     "fault_count": int,                       # every fault since start (faults keeps the last 32)
     "swap_blocks": [int],                     # block where each effect swap began (last 1024)
     "peak_db": float, "input_peak_db": float, # output and capture peaks over the last second (engine.METER_HOLD_S;
         # every reader sees them: the panel's 10 reads a second take nothing from `hatbox status`'s)
     "peak_minute_db": float,                  # the loudest output peak over the last minute (engine.PEAK_MINUTE_S
         # whole seconds and the one under way): the headless box's status line, printed once a minute, says it
     "limiter_db": float,                      # most output-limiter gain reduction over the last second, >= 0
     "volume_db": float,                       # the output volume last set (panel, OSC, MIDI, API), dB
     "volume_set": {"db", "by", "source", "at", "ago_s"},   # who set it over the network, while no volume message
         # that says nobody (the panel's, MIDI's) came since; absent otherwise.  A volume message may say who
         # ("by": "osc" | "api", "source", "set_at": seconds since the epoch); kept in knobs.json (p56 QA_A 4)
     "slot_knobs": {slot: {name: value}},      # knob values (the pack's units) per slot, of the unit
         # each slot plays or is fading to (the one "active" names); only slots whose unit has knobs
     "knobs": {name: value},                   # the effect slot's, = slot_knobs["effect"] (or {}): kept
         # for older readers; a synth knob of the same name is only in slot_knobs["synth"].  A knob the player set
         # carries over to a pack switched in that has it (same name and unit, value in range: docs/engine.md)
     "notes": [int],                           # MIDI notes the synth holds (sorted; [] if none)
     "synth": {"xy": [x, y], "corners": [4 names]} | None}   # the pad as the synth has it
         # (what it has applied: an "xy" or "corners" message shows from the synth's next frame)

The engine process (device/audio/server.py) adds its own keys ("pid", "backend", "device",
"scheduler", "warnings", "loads", ...).  The API's simulator (device/api/sim.py) answers the same
keys, with "simulated": true, "synth" None and no notes (it reads no pack); other controls may
answer less, so readers use ``status.get``.
"""
from __future__ import annotations

import math
import numbers
import os
from pathlib import PurePath
from typing import Any, Protocol

from hatbox.errors import HatboxError

SLOTS = ("effect", "synth", "sampler")
NOTE_SLOTS = ("synth", "sampler")       # a note_on / note_off may name one of these ("slot"): only it plays the note
NOTE_OPS = ("note_on", "note_off")      # (MIDI channel 10, the drums' channel, plays the sampler alone: device/midi.py)
OPS = {
    "load": ("slot", "path"),          # load a pack file off the audio thread, then crossfade it in
    "prewarm": ("slot", "path"),       # prepare a pack file into the loader's cache, not installed: a load of it
                                       # later is installed at once (device/audio/unit_cache.py); returns at once
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
    "choke": ("note",),                # the sampler's voices of that note stop (a quick fade): a cymbal grabbed
                                       # (an electronic kit's polyphonic aftertouch, device/midi.py)
    "volume": ("db",),
    "all_notes_off": (),               # every source releases every note as a note-off would (MIDI CC 123;
                                       # the sustain pedal still holds them until it lifts)
    "stop_audition": (),               # the sampler's auditions (a "sample" without a note: the Library page's,
                                       # POST /libraries/{id}/play) stop with a quick fade; kit notes and loops,
                                       # held or pedalled, play on (DELETE /audition sends it with slot "sampler")
    "stop_loops": (),                  # the sampler's kit loops that sound when the audio thread takes it (latched,
                                       # held or pedalled) stop with a quick fade; one-shots and auditions play on
                                       # (the Kit page's "stop loops"; its slot, when given, is "sampler")
    "panic": (),                       # every source fades all its voices out within ~5 ms and forgets the
                                       # pedal (MIDI CC 120), and the audio thread clears the effect's state
                                       # (a tail stops) behind a 5 ms fade, unless the live input plays through
                                       # it (a second panic within 2 s clears it anyway: engine._on_panic);
                                       # all_notes_off leaves effects alone
    "shutdown": (),
    "capture": ("name", "path", "seconds"),   # capture mode: play the capture signal, record the input into folder
                                       # ``path`` (optional ``knobs``: {name: value}; device/audio/capture.py)
    "capture_cancel": (),              # the capture playing fades out, nothing is kept, the box plays as before
    "capture_end": (),                 # the capture session ends: the live input, muted since its first capture,
                                       # fades back in (else it does 5 minutes after the last capture)
    "capture_keep": (),                # the session lasts 5 minutes from now (box-capture waits at its Enter prompt)
}
CAPTURE_SECONDS_RANGE = (5.0, 300.0)   # a capture signal's length (device/audio/capture_signal.py)


MIDI_RANGE = (0, 127)                  # note numbers and velocities (MIDI)
VOLUME_DB_RANGE = (-60.0, 6.0)         # output volume in dB: the panel's Settings page and every other
                                       # front end stay inside it (OSC clamps to it, validate refuses outside)
XY_RANGE = (0.0, 1.0)
BEND_RANGE = (-1.0, 1.0)
# Choke groups: a kit note's voices cut those of the other notes of its group (a quick fade).  A note's own group is
# 1..MAX_CHOKE_GROUP (0: none); unset, it is General MIDI's (default_group): a hi-hat is one instrument, so the closed
# (42), pedal (44) and open (46) hi-hats stop one another's voices as a drummer closing the hat does, in HI_HAT_GROUP
MAX_CHOKE_GROUP = 127
HI_HAT_GROUP = 1
HI_HATS = (42, 44, 46)
CHOKE_GROUPS: dict[int, int] = {note: HI_HAT_GROUP for note in HI_HATS}

# Per op, the numeric fields and their inclusive range (None: any finite number, e.g. a knob in the
# pack's own units); "int" marks whole numbers (an integral float such as 60.0 is accepted).
_NUMBERS: dict[str, dict[str, tuple[str, tuple[float, float] | None]]] = {
    "note_on": {"note": ("int", MIDI_RANGE), "velocity": ("int", MIDI_RANGE)},
    "note_off": {"note": ("int", MIDI_RANGE)},
    "sample": {"velocity": ("int", MIDI_RANGE), "note": ("int", MIDI_RANGE),
               "choke": ("int", (0, MAX_CHOKE_GROUP))},     # a kit note's choke group (0 none)
    "choke": {"note": ("int", MIDI_RANGE)},
    "xy": {"x": ("float", XY_RANGE), "y": ("float", XY_RANGE)},
    "bend": {"value": ("float", BEND_RANGE)},
    "knob": {"value": ("float", None)},
    "volume": {"db": ("float", VOLUME_DB_RANGE)},
    "bypass": {"on": ("float", None)},
    "capture": {"seconds": ("float", CAPTURE_SECONDS_RANGE)},
    "sustain": {"on": ("float", None)},
}
# Fields any message may carry: ``at``, when it happened (time.monotonic() seconds, the clock every process of the
# machine shares), stamped where a MIDI message came in: the sampler plays a note where in its block it came
_ANY_OP: dict[str, tuple[str, tuple[float, float] | None]] = {"at": ("float", None)}
_STRINGS = {"slot", "name", "path"}    # fields that must be text (a path may be an os.PathLike)


class ControlError(ValueError):
    """A malformed control message (never reaches the audio thread)."""


class EngineStoppedError(HatboxError):
    """A message did not reach the audio engine because the engine is not running or did not answer: the box's
    trouble, not the message's (the API answers 503, device/api/kit_routes.py).  ``may_apply``: the engine did not
    answer in time, and may still act on the message when it does."""

    def __init__(self, message: str, *, may_apply: bool = False) -> None:
        super().__init__(message)
        self.may_apply = may_apply


def refusal(exc: Exception) -> str:
    """A control message's error in words: a refusal's own (HatboxError, ControlError), any other exception's type
    too (a bug in the engine: device/audio/server.py says it so in its reply)."""
    return str(exc) if isinstance(exc, (HatboxError, ControlError)) else f"{type(exc).__name__}: {exc}"


def _check_number(op: str, key: str, value: Any, kind: str, bounds: tuple[float, float] | None) -> None:
    """Refuse a numeric field that is not a finite number, not whole where ``kind`` is "int", or
    outside ``bounds`` (inclusive).  bool counts as a number (0/1) for the on/off fields only."""
    if isinstance(value, bool) and kind == "int" or not isinstance(value, numbers.Real):
        raise ControlError(f"control message '{op}': {key} must be a number, not {value!r}")
    try:
        finite = math.isfinite(value)
    except OverflowError:                 # an int past what a float holds (10**400): no finite value for the engine
        finite = False
    if not finite:
        said = repr(value)
        raise ControlError(f"control message '{op}': {key} must be finite, not "
                           f"{said if len(said) <= 24 else said[:20] + '...'}")
    if kind == "int" and value != int(value):
        raise ControlError(f"control message '{op}': {key} must be a whole number, not {value!r}")
    if bounds is not None and not bounds[0] <= value <= bounds[1]:
        raise ControlError(f"control message '{op}': {key} {value!r} is outside {bounds[0]:g}..{bounds[1]:g}")


def validate(msg: Any) -> dict[str, Any]:
    """Check a message's op, required fields and their values; returns it unchanged.

    Numbers must be finite and in range (:data:`_NUMBERS`: notes and velocities 0..127, x/y 0..1,
    bend -1..1, volume in :data:`VOLUME_DB_RANGE`; numpy scalars count); slot, name and path are text, corners' names
    a list of text.  Optional fields (sample's ``note``, ``choke`` 0..127 and ``latch`` a bool, any message's ``at``)
    are checked when present."""
    if not isinstance(msg, dict) or msg.get("op") not in OPS:
        raise ControlError(f"unknown control message: {msg!r}")
    op = msg["op"]
    missing = [k for k in OPS[op] if k not in msg]
    if missing:
        raise ControlError(f"control message '{op}' lacks {', '.join(missing)}")
    if "slot" in OPS[op] and msg["slot"] not in SLOTS:
        raise ControlError(f"unknown slot {msg['slot']!r} (slots: {', '.join(SLOTS)})")
    if op in ("stop_audition", "stop_loops") and msg.get("slot", "sampler") != "sampler":
        played = "auditions" if op == "stop_audition" else "kit loops"
        raise ControlError(f"control message '{op}': slot {msg['slot']!r} plays no {played} (give "
                           "sampler, or no slot)")
    if op in NOTE_OPS and "slot" in msg and msg["slot"] not in NOTE_SLOTS:
        raise ControlError(f"control message '{op}': slot {msg['slot']!r} plays no notes "
                           f"(give {' or '.join(NOTE_SLOTS)}, or no slot: both)")
    for key, (kind, bounds) in {**_NUMBERS.get(op, {}), **_ANY_OP}.items():
        if key in msg:
            _check_number(op, key, msg[key], kind, bounds)
    for key in _STRINGS.intersection(OPS[op]):
        if not isinstance(msg[key], str) and not (key == "path" and isinstance(msg[key], os.PathLike)):
            raise ControlError(f"control message '{op}': {key} must be text, not {msg[key]!r}")
    if op == "sample" and "latch" in msg and not isinstance(msg["latch"], bool):
        raise ControlError(f"control message 'sample': latch must be true or false, not {msg['latch']!r}")
    if op == "corners" and not (isinstance(msg["names"], (list, tuple))
                                and all(isinstance(n, str) for n in msg["names"])):
        raise ControlError(f"control message 'corners': names must be a list of text, not {msg['names']!r}")
    return msg


def default_group(note: int, groups: dict[int, int] | None = None) -> int:
    """General MIDI's choke group of ``note`` (0..127): :data:`HI_HAT_GROUP` for the hi-hats, else 0 (none); a note
    whose kit entry names no group of its own plays in it.  ``groups``: the table to read (:data:`CHOKE_GROUPS`; the
    sampler passes its own name for it, which tests may swap)."""
    return (CHOKE_GROUPS if groups is None else groups).get(note, 0)


def choke_group(value: Any) -> int | None:
    """``value`` as a choke group, an int 0..:data:`MAX_CHOKE_GROUP`: any whole number (3, 3.0, numpy's int64(3)) but
    a bool; None for anything else (True, 2.5, 300, "2", nan)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return None
    try:
        whole = math.isfinite(value) and value == int(value)
    except OverflowError:
        return None
    return int(value) if whole and 0 <= value <= MAX_CHOKE_GROUP else None


def msg(op: str, **fields: Any) -> dict[str, Any]:
    """Build and validate a message, e.g. ``msg("knob", slot="effect", name="drive", value=6.0)``."""
    return validate({"op": op, **fields})


class Control(Protocol):
    """What the API, UI, MIDI and OSC front ends hold: a way to send and a way to look."""

    def send(self, message: dict[str, Any]) -> None: ...

    def status(self) -> dict[str, Any]: ...


def slot_warnings(status: dict[str, Any]) -> list[str]:
    """The warnings of the slots in ``status["active"]`` (each slot's ``warnings``, oldest first: e.g. the
    sampler's "long20min.wav is 20:00 long: the sampler plays only its first 60 s"), slot after slot, each text
    once; [] when the status has none or is malformed."""
    out: list[str] = []
    active = status.get("active")
    for info in active.values() if isinstance(active, dict) else ():
        words = info.get("warnings") if isinstance(info, dict) else None
        for text in words if isinstance(words, list) else ():
            if isinstance(text, str) and text and text not in out:
                out.append(text)
    return out


def capture_session_words(engine: dict[str, Any]) -> str:
    """"capture session: live input muted" while the engine status ``engine`` says a capture session mutes the live
    input (``capture.session``: device/audio/capture.py), else ""."""
    capture = engine.get("capture") if isinstance(engine, dict) else None
    session = capture.get("session") if isinstance(capture, dict) else None
    words = session.get("words") if isinstance(session, dict) and session.get("muted") else ""
    return words if isinstance(words, str) else ""


def file_label(path: str | os.PathLike[str]) -> str:
    """How a slot's warnings name a file (the sampler's: "Kit3/Kick.wav is 0:02 long: ..."), and so how the
    panel finds the sample a warning is about: its last two path parts, so two kits' Kick.wav are told apart,
    or the whole path when it has no folder name ("/Kick.wav", "Kick.wav").  A file at the top of a library on
    the box (STORE/libraries/ID/files/Kick.wav) is named alone: its folder is the box's, not the producer's."""
    p = PurePath(path)
    if p.parent.name == "files" and p.parent.parent.parent.name == "libraries":
        return p.name
    return f"{p.parent.name}/{p.name}" if p.parent.name else str(p)

"""OSC in: pure address translation (:class:`OscMap`) apart from the UDP server (:class:`OscServer`).

Addresses (arguments in brackets are optional):

=====================================  ========================================================
``/hatbox/note_on note [velocity]``    note on (velocity 0..127, or a float 0..1 as a fraction of 127;
                                       default 100; 0 = note off)
``/hatbox/note_off note``              note off
``/hatbox/note_on/<slot> note [vel]``  the same for one slot alone, ``sampler`` (the kit: a drum hit that leaves
``/hatbox/note_off/<slot> note``       the synth quiet, as the panel's pads and MIDI channel 10 play it) or ``synth``
``/hatbox/bend value``                 pitch bend in [-1, 1]
``/hatbox/sustain on``                 sustain pedal (non-zero = down)
``/hatbox/xy x y``                     the pad, each in [0, 1]
``/hatbox/knob slot name value``       a knob in its own units
``/hatbox/knob/<slot>/<name> value``   the same, TouchOSC-style (one address per control)
``/hatbox/fader/<slot>/<name> f``      a knob from a 0..1 fader, scaled to the knob's range
``/hatbox/volume db``                  output volume, clamped to -60..+6 dB (VOLUME_DB_RANGE)
``/hatbox/bypass slot on``             bypass a slot
``/hatbox/bypass/<slot> on``           the same, TouchOSC-style (a toggle's 0 or 1)
``/hatbox/program n [channel]``        what a MIDI program change n does (the set list: device/osc_programs.py)
``/hatbox/program/<n>[/<ch>] [v]``     the same from a button (fired on its press: v from 0.5 up, or none)
``/hatbox/all_notes_off``              release every note (as note-offs; the sustain pedal still holds)
``/hatbox/panic``                      every voice faded out in about 4 ms, the pedal let go, the
                                       effect's tail cleared (as MIDI CC 120)
``/wek/outputs f1 f2 ...``             Wekinator's default output: by default f1, f2 -> x, y and
                                       f3.. -> the knobs of the effect slot in manifest order,
                                       each read as a 0..1 fraction of the knob's range
=====================================  ========================================================

Wekinator sends to port 6448 by default for inputs and listens for outputs wherever you point
it; hatbox listens on :data:`DEFAULT_PORT` (12000, Wekinator's default output port) on
:data:`DEFAULT_HOST` (all interfaces, no authentication: see docs/engine.md).  Non-finite numbers,
notes and velocities outside 0..127 and malformed messages are dropped with one rate-limited
warning line per reason (:class:`DropLog`: said once, then counted), saying what the address takes
(:data:`TAKES`: never an internal error's words); bundle time tags are ignored (played on
arrival).  A volume or bypass change is one info line once it settles, with the sender's address
(device/osc_changes.py); each says its sender in its message, which the engine keeps for the box's status, once
(device/kept_play.py ``who_of``);
:func:`network_warning` is the start's warning when OSC listens beyond loopback (docs/osc-shared-network.md).
"""
from __future__ import annotations

import logging
import math
import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, ClassVar, Sequence

from device.control import MIDI_RANGE, NOTE_SLOTS, SLOTS, VOLUME_DB_RANGE
from device.midi import KNOB_SLOTS, KnobRanges
from device.osc_changes import OscChanges
from device.kept_play import OSC
from hatbox.errors import HatboxError, first_line

DEFAULT_PORT = 12000
DEFAULT_HOST = "0.0.0.0"          # every interface: any peer on the network may play (docs/engine.md)
PREFIX = "/hatbox/"
WEKINATOR = "/wek/outputs"
ON = 0.5             # sustain and bypass are on from this argument up (a 0..1 button; MIDI's is CC value 64 of 127)
POLL_S = 0.1                      # how often the server thread looks for stop(): its worst-case delay

log = logging.getLogger("hatbox.osc")


class BadPacket(ValueError):
    """An OSC message whose arguments hatbox refuses (non-finite, out of range, wrong type)."""


def _finite(v: Any) -> float:
    """An OSC argument as a finite float (BadPacket for NaN, inf, or what is not a number: a string, even "5", and
    OSC's True / False, which python-osc gives as bools)."""
    if isinstance(v, (bool, str, bytes)):
        raise BadPacket(f"{v!r} is not a number")
    try:
        f = float(v)
    except (TypeError, ValueError, OverflowError):
        raise BadPacket(f"{v!r} is not a number") from None
    if not math.isfinite(f):
        raise BadPacket(f"{v!r} is not finite")
    return f


# how many address parts after /hatbox/<name> an address takes (those not named here: none)
PARTS: dict[str, tuple[int, ...]] = {"knob": (0, 2), "fader": (1, 2), "note_on": (0, 1), "note_off": (0, 1),
                                     "bypass": (0, 1), "program": (0, 1, 2)}
# the addresses whose one part names the slot that alone plays the note (/hatbox/note_on/sampler: the kit alone;
# without it a note goes to every source, so a kick hit over OSC also played a C2 on the synth: p51 beatmaker QA)
NOTE_ADDRESSES = ("note_on", "note_off")


def _velocity(v: Any) -> int:
    """A note-on's velocity: 0..127, or a float in (0, 1] read as a fraction of 127 (TouchOSC and most OSC
    controllers send 0..1: "/hatbox/note_on 60 0.8" was velocity 0, a note-off, silently; thirty-third stop's QA)."""
    if isinstance(v, float) and 0.0 < v <= 1.0:
        return max(1, round(v * MIDI_RANGE[1]))
    return _midi(v, "velocity")


def _midi(v: Any, what: str) -> int:
    """A note number or velocity: finite, within 0..127 (a fraction is dropped toward zero)."""
    f = _finite(v)
    if not MIDI_RANGE[0] <= f <= MIDI_RANGE[1]:
        raise BadPacket(f"{what} {v!r} outside {MIDI_RANGE[0]}..{MIDI_RANGE[1]}")
    return int(f)


def _clamp01(v: Any) -> float:
    return min(1.0, max(0.0, _finite(v)))


def _text(v: Any, what: str) -> str:
    """A name sent as an OSC string (a number there is refused: "/hatbox/bypass 1.0" was slot "1.0")."""
    if not isinstance(v, str) or not v:
        raise BadPacket(f"{_brief([v], 40)} is not a {what}")
    return v


def _slot(v: Any, slots: tuple[str, ...]) -> str:
    """A slot's name among ``slots``."""
    if _text(v, "slot name") not in slots:
        raise BadPacket(f"{v[:40]!r} is not a slot here ({', '.join(slots)})")
    return v


# what each address takes, said when a message to it is dropped ("/hatbox/bypass takes ...")
TAKES: dict[str, str] = {
    "note_on": "a note 0..127, a velocity 0..127 or 0..1 (note_on/sampler: kit alone)",
    "note_off": "a note 0..127 (/hatbox/note_off/sampler: the kit alone)",
    "bend": "a number from -1 to 1",
    "sustain": "1 (down) or 0 (up)",
    "xy": "two numbers, x and y, each 0..1",
    "knob": "a slot (effect or synth), a knob's name and a number in the knob's units, or "
            "/hatbox/knob/SLOT/KNOB takes the number alone",
    "fader": "a number 0..1 (/hatbox/fader/SLOT/KNOB, or /hatbox/fader/volume)",
    "volume": f"a number of dB, {VOLUME_DB_RANGE[0]:g} to {VOLUME_DB_RANGE[1]:+g}",
    "bypass": "a slot name (effect, synth, sampler) and 0 or 1",
    "program": "a program 0..127 and a MIDI channel 1..16 or none",
    "panic": "nothing", "all_notes_off": "nothing",
}
WEK_TAKES = "numbers, one per Wekinator output (x, y, then the effect's knobs, each 0..1)"
# what the per-control form of an address takes (/hatbox/bypass/effect 1.0: a TouchOSC toggle), said for it
FORM_TAKES: dict[str, str] = {
    "bypass": f"{PREFIX}bypass/SLOT takes 0 or 1 (SLOT: {', '.join(SLOTS)})",
    "program": f"{PREFIX}program/N (or {PREFIX}program/N/CHANNEL) takes a button's value: its press (0.5 and up, "
               "or no value) fires program N",
}


def takes_words(address: str) -> str:
    """"/hatbox/bypass takes a slot name (effect, synth, sampler) and 0 or 1": what ``address`` needs."""
    if address == WEKINATOR:
        return f"{WEKINATOR} takes {WEK_TAKES}"
    first, *rest = address[len(PREFIX):].split("/")
    if rest and first in FORM_TAKES:
        return FORM_TAKES[first]
    return f"{PREFIX}{first} takes {TAKES.get(first, 'nothing')}"


SAID_AGAIN_S = (60.0, 600.0)     # a reason said once is said again (with its count) after 1 min, then every 10 min
KEPT_REASONS = 256               # reasons remembered at most (the one said longest ago is forgotten first)


def _shape(text: str) -> str:
    """``text`` with its numbers as "#": two drops that differ only in the values sent are one reason."""
    return re.sub(r"[-+]?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?", "#", text)


@dataclass
class _Reason:
    """One reason for dropping: when it was last said, how many drops went unsaid since, how often it was said."""

    said_at: float
    unsaid: int = 0
    times: int = 1


def _span_words(seconds: float) -> str:
    """"40 s", "1 min", "10 min", "2 h": how long a count of drops is over."""
    s = max(0, round(seconds))
    return f"{s} s" if s < 90 else f"{round(s / 60)} min" if s < 5400 else f"{round(s / 3600)} h"


@dataclass
class DropLog:
    """One short warning line per reason a packet is dropped: the first time at once, then the same reason
    (``key``: the text unless given) is counted and said again with its count ("... (and 1,200 more like it in
    the last 10 min)") after :data:`SAID_AGAIN_S` (1 min, then every 10 min): a fader sent to a knob the pack lacks,
    20 times a second, wrote 30 lines a minute before (p47 soak QA: 255 of 322 lines of the box's log).  Lines of
    any reason stay under ``burst`` per ``window_s`` seconds; the packets dropped in silence by that are counted in
    the next line that is written.  :meth:`flush` says the counts not said yet (the server's stop)."""

    burst: int = 5
    window_s: float = 10.0
    clock: Callable[[], float] = time.monotonic
    setup_burst: int = 20             # lines of unknown addresses per window, apart from ``burst``
    _start: float = -math.inf
    _lines: int = 0
    _setup_lines: int = 0
    _quiet: int = 0
    _reasons: dict[str, _Reason] = field(default_factory=dict)
    _texts: dict[str, str] = field(default_factory=dict)

    def note(self, text: str, key: str | None = None, setup: bool = False) -> bool:
        """Log ``text`` (True) or count it silently (False): its reason said lately, or over the rate.  ``setup``: an
        address hatbox does not know (a controller's layout, a typo), said within a rate of its own
        (:attr:`setup_burst`), so that a burst of bad values does not hide it (p52 QA1: /hatbox/note_on/sampler/extra
        went without a line after a few bad notes)."""
        now, key = self.clock(), text if key is None else key
        reason = self._reasons.get(key)
        if reason is not None and now - reason.said_at < SAID_AGAIN_S[min(reason.times, 2) - 1]:
            reason.unsaid += 1
            self._texts[key] = text
            return False
        if now - self._start >= self.window_s:
            self._start, self._lines, self._setup_lines = now, 0, 0
        if not self._room(setup):
            self._quiet += 1
            return False
        self._say(text, reason, now)
        self._remember(key, reason, now)
        return True

    def _room(self, setup: bool) -> bool:
        """Whether a line may be written in this window (counted if so): a setup line within :attr:`setup_burst`,
        any other within :attr:`burst`."""
        if setup and self._setup_lines < self.setup_burst:
            self._setup_lines += 1
            return True
        if setup or self._lines >= self.burst:
            return False
        self._lines += 1
        return True

    def _say(self, text: str, reason: "_Reason | None", now: float) -> None:
        more = (f" (and {reason.unsaid:,} more like it in the last {_span_words(now - reason.said_at)})"
                if reason is not None and reason.unsaid else "")
        # the count is of earlier messages, of any address: said apart, so it does not read as more of this one
        extra = (f" [before it, {self._quiet} other OSC message{'s' if self._quiet != 1 else ''} went without a line: "
                 f"at most {self.burst} lines per {self.window_s:g} s]") if self._quiet else ""
        self._quiet = 0
        log.warning("OSC: %s%s%s", text, more, extra)

    def _remember(self, key: str, reason: "_Reason | None", now: float) -> None:
        if reason is None:
            if len(self._reasons) >= KEPT_REASONS:
                self._forget_one(now)
            self._reasons[key] = _Reason(now)
        else:
            reason.said_at, reason.unsaid, reason.times = now, 0, reason.times + 1
        self._texts.pop(key, None)

    def _forget_one(self, now: float) -> None:
        """Make room for a new reason: forget the one said longest ago with no drops unsaid, else the one said longest
        ago, its count said first (p47 review: a TouchOSC layout of 256 unknown addresses lost counts for good)."""
        quiet = [k for k, r in self._reasons.items() if not r.unsaid]
        oldest = min(quiet or self._reasons, key=lambda k: self._reasons[k].said_at)
        self._say_count(oldest, self._reasons.pop(oldest), now)
        self._texts.pop(oldest, None)

    def _say_count(self, key: str, reason: "_Reason", now: float) -> bool:
        """Say ``reason``'s drops counted since its last line, if any (True when a line was said)."""
        if not reason.unsaid:
            return False
        log.warning("OSC: %s (the last of %s like it in the last %s)", self._texts.get(key, key),
                    f"{reason.unsaid:,}", _span_words(now - reason.said_at))
        reason.said_at, reason.unsaid = now, 0
        return True

    def flush(self) -> int:
        """Say each reason's drops counted since its last line (the last text of each); returns the lines said."""
        now, said = self.clock(), 0
        for key, reason in list(self._reasons.items()):
            said += self._say_count(key, reason, now)
        return said


def _note_slot_ok(parts: list[str]) -> bool:
    """Whether an address's parts after /hatbox/ name no slot, or a slot its address takes: a note address's slot
    that plays notes (/hatbox/note_on/sampler, /hatbox/note_on/synth; /hatbox/note_on/typo is an unknown address),
    bypass's any slot (/hatbox/bypass/effect)."""
    slots = NOTE_SLOTS if parts[0] in NOTE_ADDRESSES else SLOTS if parts[0] == "bypass" else None
    return slots is None or len(parts) == 1 or parts[1] in slots


def _to_slot(parts: list[str]) -> dict[str, str]:
    """A note message's ``slot`` from its address's part ({} without one: every source plays it)."""
    return {"slot": parts[0]} if parts else {}


def _brief(args: Sequence[Any], limit: int = 60) -> str:
    text = " ".join(repr(a) for a in args)
    return text if len(text) <= limit else text[:limit] + "..."


@dataclass
class OscMap:
    """OSC -> control messages (pure, but for one rate-limited log line per dropped message).

    ``wek_targets`` maps Wekinator outputs in order: "x", "y", "slot/knob" or "" (ignored).
    Empty: x, y, then every knob of the effect slot in the order :class:`KnobRanges` holds them.
    Arguments that are not finite numbers, notes and velocities outside 0..127 and malformed
    messages are dropped (nothing is sent); the volume is clamped to :data:`VOLUME_DB_RANGE`.
    """

    knobs: KnobRanges = field(default_factory=KnobRanges)
    wek_targets: list[str] = field(default_factory=list)
    drops: DropLog = field(default_factory=DropLog, repr=False, compare=False)
    pad: tuple[float, float] = (0.5, 0.5)     # the pad position this map last sent (x, y in 0..1)

    def translate(self, address: str, args: Sequence[Any]) -> list[dict[str, Any]]:
        """One OSC message -> the control messages it asks for ([] if unknown or refused)."""
        if address == WEKINATOR:
            handler, rest = OscMap._wekinator, []
        elif address.startswith(PREFIX):
            parts = address[len(PREFIX):].split("/")
            handler, rest = self.HANDLERS.get(parts[0]), parts[1:]
            # the parts after the first each address takes: "/hatbox/note_on/typo" played the note, and
            # "/hatbox/knob/effect/drive/extra" turned drive (thirty-third stop's QA)
            if handler is None or len(rest) not in PARTS.get(parts[0], (0,)) or not _note_slot_ok(parts):
                return self._unknown(address)
        else:
            return self._unknown(address)
        try:
            return handler(self, rest, list(args))
        except (IndexError, TypeError, ValueError, OverflowError, KeyError) as exc:
            # our own reason (BadPacket: "note 200 outside 0..127") and what the address takes; never an internal
            # exception's words ("list index out of range" for /hatbox/bypass 1.0: forty-eighth stop's QA)
            why = str(exc) if isinstance(exc, BadPacket) else ""
            takes = takes_words(address)
            said = f"{why} ({takes})" if why else takes
            sent = f" {_brief(args)}" if args else " with no arguments"
            self.drops.note(f"dropped {address}{sent}: {said}", key=f"dropped {address}: {_shape(why)}")
            return []

    def _unknown(self, address: str) -> list[dict[str, Any]]:
        """An address hatbox does not know (a controller's default layout, "/1/fader1"; a typo): nothing is sent,
        and the (rate-limited) log says so, so that setting up a controller shows what arrives."""
        first = address[len(PREFIX):].split("/")[0] if address.startswith(PREFIX) else ""
        slots = f"; {PREFIX}{first}/SLOT takes {' or '.join(NOTE_SLOTS)}" if first in NOTE_ADDRESSES else ""
        if first in self.HANDLERS:           # its rest is wrong: what it takes (p53: /hatbox/bypass/effect was
            form = f"; {FORM_TAKES[first]}" if first in FORM_TAKES else ""      # told only that hatbox listens
            self.drops.note(f"ignored OSC address {address[:80]!r}: {takes_words(PREFIX + first)}{form}{slots} "
                            "(docs/engine.md)", setup=True)                     # to /hatbox/bypass)
            return []
        self.drops.note(f"ignored OSC address {address[:80]!r}: hatbox listens to {PREFIX}" + "{" +
                        ",".join(self.HANDLERS) + f"}} and {WEKINATOR} (docs/engine.md)", setup=True)
        return []

    def _note_on(self, p: list[str], a: list[Any]) -> list[dict[str, Any]]:
        note = _midi(a[0], "note")
        vel = _velocity(a[1]) if len(a) > 1 else 100
        if vel == 0:
            return [{"op": "note_off", "note": note, **_to_slot(p)}]
        return [{"op": "note_on", "note": note, "velocity": vel, **_to_slot(p)}]

    def _note_off(self, p: list[str], a: list[Any]) -> list[dict[str, Any]]:
        return [{"op": "note_off", "note": _midi(a[0], "note"), **_to_slot(p)}]

    def _bend(self, _p: list[str], a: list[Any]) -> list[dict[str, Any]]:
        return [{"op": "bend", "value": max(-1.0, min(1.0, _finite(a[0])))}]

    def _sustain(self, _p: list[str], a: list[Any]) -> list[dict[str, Any]]:
        return [{"op": "sustain", "on": _finite(a[0]) >= ON}]

    def _xy(self, _p: list[str], a: list[Any]) -> list[dict[str, Any]]:
        self.pad = (_clamp01(a[0]), _clamp01(a[1]))
        return [{"op": "xy", "x": self.pad[0], "y": self.pad[1]}]

    def _knob(self, p: list[str], a: list[Any]) -> list[dict[str, Any]]:
        if len(p) >= 2:
            slot, name, value = p[0], p[1], a[0]
        else:
            slot, name, value = _slot(a[0], KNOB_SLOTS), _text(a[1], "knob name"), a[2]
        return [{"op": "knob", "slot": slot, "name": name, "value": _finite(value)}]

    def _fader(self, p: list[str], a: list[Any]) -> list[dict[str, Any]]:
        if p == ["volume"]:                  # /hatbox/fader/volume 0..1: the output volume across its range in dB
            lo, hi = VOLUME_DB_RANGE
            return [{"op": "volume", "db": lo + (hi - lo) * _clamp01(a[0])}]
        value = self.knobs.scale(p[0], p[1], _finite(a[0]))
        if value is None:                    # said, as the engine's refusal of /hatbox/knob to such a knob is
            known = ", ".join(self.knobs.names(p[0])) or self._no_knobs(p[0])
            self.drops.note(f"dropped /hatbox/fader/{p[0][:40]}/{p[1][:40]}: no knob {p[1][:40]!r} in slot "
                            f"{p[0][:40]!r} (its knobs: {known})")
            return []
        return [{"op": "knob", "slot": p[0], "name": p[1], "value": value}]

    def _no_knobs(self, slot: str) -> str:
        """Why the slot has no knob to scale to: its pack has none (soak QA: a knobless pack read "the slot is
        empty" 79 times while it played), or no pack is loaded there."""
        pack = self.knobs.packs.get(slot)
        return f"none: pack {pack[:40]!r} has no knobs" if pack else "none: the slot is empty"

    def _volume(self, _p: list[str], a: list[Any]) -> list[dict[str, Any]]:
        lo, hi = VOLUME_DB_RANGE
        return [{"op": "volume", "db": min(hi, max(lo, _finite(a[0])))}]

    def _bypass(self, p: list[str], a: list[Any]) -> list[dict[str, Any]]:
        if p:                                # /hatbox/bypass/effect 1.0: a TouchOSC toggle (the slot checked)
            return [{"op": "bypass", "slot": p[0], "on": _finite(a[0]) >= ON}]
        return [{"op": "bypass", "slot": _slot(a[0], SLOTS), "on": _finite(a[1]) >= ON}]

    def _program(self, p: list[str], a: list[Any]) -> list[dict[str, Any]]:
        from device.osc_programs import program_controls
        return program_controls(p, a)

    def _panic(self, _p: list[str], _a: list[Any]) -> list[dict[str, Any]]:
        return [{"op": "panic"}]

    def _all_notes_off(self, _p: list[str], _a: list[Any]) -> list[dict[str, Any]]:
        return [{"op": "all_notes_off"}]

    # /hatbox/<first part> -> handler: only these addresses reach a method (never getattr on input)
    HANDLERS: ClassVar[dict[str, Callable[["OscMap", list[str], list[Any]], list[dict[str, Any]]]]] = {
        "note_on": _note_on, "note_off": _note_off, "bend": _bend, "sustain": _sustain, "xy": _xy,
        "knob": _knob, "fader": _fader, "volume": _volume, "bypass": _bypass, "panic": _panic,
        "all_notes_off": _all_notes_off, "program": _program,
    }

    def targets(self) -> list[str]:
        if self.wek_targets:
            return list(self.wek_targets)
        effect = [f"{s}/{n}" for (s, n) in self.knobs.ranges if s == "effect"]
        return ["x", "y", *effect]

    def _wekinator(self, _p: list[str], args: list[Any]) -> list[dict[str, Any]]:
        values = [_finite(a) for a in args]
        out: list[dict[str, Any]] = []
        xy: dict[str, float] = {}
        for target, v in zip(self.targets(), values):
            if target in ("x", "y"):
                xy[target] = _clamp01(v)
            elif "/" in target:
                slot, name = target.split("/", 1)
                value = self.knobs.scale(slot, name, v)
                if value is not None:
                    out.append({"op": "knob", "slot": slot, "name": name, "value": value})
        if xy:                               # a coordinate the project does not output stays where it was
            self.pad = (xy.get("x", self.pad[0]), xy.get("y", self.pad[1]))
            out.insert(0, {"op": "xy", "x": self.pad[0], "y": self.pad[1]})
        return out


def open_to_network(host: str) -> bool:
    """Whether OSC listening on ``host`` can be reached from other machines: any address but a loopback one (and
    "localhost"); a host name counts as reachable (it names some interface)."""
    import ipaddress
    name = host.strip().strip("[]").lower()
    if name == "localhost":
        return False
    try:
        return not ipaddress.ip_address(name).is_loopback
    except ValueError:
        return True


def every_interface(host: str) -> bool:
    """Whether ``host`` means every interface: "", "0.0.0.0", "::" (any way of writing the unspecified address)."""
    import ipaddress
    name = host.strip().strip("[]")
    if not name:
        return True
    try:
        return ipaddress.ip_address(name).is_unspecified
    except ValueError:
        return False


def network_warning(host: str, port: int) -> str | None:
    """The start's warning when OSC on ``host`` is open to the network (None when it is kept to this machine): on
    every interface, with how to narrow it to one network; on one address (``--osc-host 192.168.7.1``: already
    narrowed, p48 review), whose network it is open to."""
    if not open_to_network(host):
        return None
    wide = every_interface(host)
    who = "anyone on the network" + ("" if wide else f" of {host.strip()}")
    narrow = "--osc-host ADDRESS to one network, " if wide else ""
    return (f"warning: OSC has no password: {who} who reaches UDP port {port} can play notes, turn knobs, bypass "
            f"slots, switch the set list's packs and set the output volume; --osc-host 127.0.0.1 keeps OSC to this "
            f"machine, {narrow}--osc-port 0 turns it off (docs/osc-shared-network.md)")


RECEIVE_BUFFER = 1 << 20     # bytes asked for the OSC socket's receive buffer: a burst of some 8,000 messages waits
#                              there while one thread handles them (the kernel's default, ~200 kB, lost the last
#                              values of a flat-out burst of 400; the kernel caps it at net.core.rmem_max)


def _enlarge_receive_buffer(sock: Any) -> int:
    """Ask for :data:`RECEIVE_BUFFER` bytes of receive buffer on ``sock``; returns what the kernel gave (0: unknown)."""
    import socket
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RECEIVE_BUFFER)
        return int(sock.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF))
    except OSError:
        return 0


class OscServer:
    """A python-osc UDP server on its own thread feeding ``send`` with translated messages.

    One thread handles every packet in turn (no thread per packet), and bundle time tags are
    ignored (a far-future bundle is played now, never slept on); :meth:`stop` returns within
    about :data:`POLL_S` plus the message being handled."""

    def __init__(self, mapping: OscMap, send: Callable[[dict[str, Any]], None],
                 host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, midi: Any = None) -> None:
        from pythonosc.dispatcher import Dispatcher
        from pythonosc.osc_server import BlockingOSCUDPServer
        self.mapping, self.send = mapping, send
        self.received = 0
        self.changes = OscChanges()           # the volume and bypass changes, said in the log once each settles
        self.midi = midi                      # the box's MIDI map: /hatbox/program goes to it (device/osc_programs.py)
        dispatcher = Dispatcher(strict_timing=False)
        dispatcher.set_default_handler(self._on_packet, needs_reply_address=True)
        try:
            self.server = BlockingOSCUDPServer((host, port), dispatcher)
        except OSError as exc:
            raise HatboxError(f"cannot listen for OSC on {host}:{port} ({exc.strerror or exc})",
                              hint="pick another port with --osc-port or address with --osc-host") from None
        self.server.handle_error = self._handle_error     # type: ignore[method-assign]
        self.server.service_actions = self.changes.settle   # type: ignore[method-assign]  (between packets)
        self.receive_buffer = _enlarge_receive_buffer(self.server.socket)
        self.thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    def _on_packet(self, client: Any, address: str, *args: Any) -> None:
        """What the dispatcher calls for each message, with the sender's (host, port)."""
        sender = str(client[0]) if isinstance(client, tuple) and client else "?"
        self._on_message(address, *args, sender=sender)

    def _on_message(self, address: str, *args: Any, sender: str = "?") -> None:
        self.received += 1
        for control in self.mapping.translate(address, args):
            control = self._with_who(control, sender)
            try:
                self._deliver(control, sender)
            except Exception as exc:  # noqa: BLE001 - e.g. a knob with no pack loaded; never the server's end
                why = first_line(exc)
                self.mapping.drops.note(f"{address} {_brief(args)} refused: {why}", key=f"{address}: {_shape(why)}")
                continue
            self._heard(control, sender)

    def _with_who(self, control: dict[str, Any], sender: str) -> dict[str, Any]:
        """``control`` saying who sent it, for a bypass or a volume (the engine keeps it, stamped as it arrives, with
        them across a restart): one message, never a second one that says who (p56 review R4: it undid a panel turn
        made in between)."""
        return {**control, "by": OSC, "source": sender} if control["op"] in ("bypass", "volume") else control

    def _deliver(self, control: dict[str, Any], sender: str) -> None:
        """``control`` to the engine, or a program change from ``sender`` to the box's MIDI map (never the
        engine's)."""
        if control["op"] == "program":
            from device.osc_programs import fire
            fire(self.midi, control, sender)
        else:
            self.send(control)

    def _heard(self, control: dict[str, Any], sender: str) -> None:
        """A control the engine took from ``sender``: its log line once it settles (who bypassed a slot or set the
        volume: the engine keeps it from the message itself, p57 F1 and M4)."""
        self.changes.heard(control, sender)

    def _handle_error(self, _request: Any, client: Any) -> None:
        """What socketserver calls when handling a packet raised: one rate-limited line, no traceback."""
        import sys
        exc = sys.exc_info()[1]
        peer = client[0] if client else "?"
        self.mapping.drops.note(f"bad packet from {peer}: not an OSC message or bundle hatbox can read "
                                f"({type(exc).__name__})", key=f"bad packet from {peer}: {type(exc).__name__}")

    def start(self) -> "OscServer":
        self.thread = threading.Thread(target=self.server.serve_forever, args=(POLL_S,), name="hatbox-osc",
                                       daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        if self.thread is not None:
            self.server.shutdown()
            self.thread.join(5)
        self.server.server_close()
        self.mapping.drops.flush()           # the drops counted since their reason's last line
        self.changes.flush()                 # the changes not said yet

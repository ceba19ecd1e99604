"""MIDI in: pure message translation (:class:`MidiMap`) apart from the transport (:func:`open_input`).

Translation (MIDI -> device/control.py messages):

==============================  =============================================================
note_on (velocity > 0)          ``{"op": "note_on", "note", "velocity"}``
note_off, note_on velocity 0    ``{"op": "note_off", "note"}``
pitchwheel (-8192..8191)        ``{"op": "bend", "value"}`` in [-1, 1]
control_change 64 (sustain)     ``{"op": "sustain", "on"}`` (on when value >= 64)
control_change 120              ``{"op": "panic"}`` (all sound off: every voice fades out in ~5 ms,
                                the effect's tail is cleared: device/audio/engine.py ``_on_panic``)
control_change 123, 124..127    ``{"op": "all_notes_off"}`` (all notes off, sent by DAWs on every
                                transport stop; omni/mono/poly mode changes imply it): a note-off
                                for every note, the sustain pedal still holds them
control_change 121              ``{"op": "bend", "value": 0}``, ``{"op": "sustain", "on": False}``
                                (reset all controllers; knobs stay where they are)
control_change mapped to a knob ``{"op": "knob", "slot", "name", "value"}``: 0..127 scaled to
                                the knob's range in its own units (see :class:`KnobRanges`), once
                                the control has picked the knob up (below)
program_change and the rest     nothing (a program change does not switch packs)
==============================  =============================================================

CC -> knob, in this order: a binding by name (:meth:`MidiMap.bind`, MIDI learn, ``hatbox device
run --midi-cc 74=effect.drive``), else the default mapping :data:`DEFAULT_CC`: CC 70..85 turn the
effect pack's knobs 1..16 in manifest order (CC 70..79 are MIDI's "sound controllers", the knobs of
many keyboards out of the box).  The mod wheel (CC 1) is not in it: it rests at 0, so touching it
would pull the first knob towards its minimum; bind it by name (``--midi-cc 1=effect.drive``) to use
it.  :data:`RESERVED_CC` (sustain 64, the channel mode messages 120..127) never moves a knob; bank
select (:data:`BANK_SELECT`, CC 0/32) moves one only when bound by name (some controllers send CC 0
from a fader, e.g. a Korg nanoKONTROL2's slider 1), never by default or through MIDI learn.

Pick-up (soft takeover): a control moves its knob only while it is "in step" with it.  It gets in
step when its value reaches the knob's current value: crosses it (the previous and the new value of
that CC lie on either side of it, or one is on it) or comes within :data:`PICKUP` (2 %) of the
knob's range of it.  It falls out of step whenever the knob is set by anything else: a pack load
(the knob starts at its default), the panel, the API, OSC, another CC.  So a DAW's setup bar
(CC 7/10/71/74 = 64, CC 1 = 0 on every play) or a control resting elsewhere never makes a knob
jump.  The knob's current value comes from :attr:`KnobRanges.values`, which the box's control
(hatbox/cmd_device.py ``BoxControl``: every front end of the box sends through it) keeps as each
pack loads and each knob message passes, and which this map writes as it moves a knob; a knob whose
value is unknown there (ranges given without values) follows its CC at once.

MIDI learn: :meth:`MidiMap.learn` arms a knob; the next control change that is neither reserved
nor bank select binds to it (replacing any previous binding of that CC) and turns it from then on,
picking it up as any other CC does.

The transport opens an ALSA sequencer port through mido's python-rtmidi backend and calls back
with each translated message (rtmidi's thread; the callback should be quick, e.g.
``EngineProcess.send``).
"""
from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from hatbox.errors import HatboxError

SUSTAIN_CC, ALL_SOUND_OFF, RESET_CONTROLLERS, ALL_NOTES_OFF = 64, 120, 121, 123
MOD_WHEEL = 1
MODE_CHANGES = (124, 125, 126, 127)      # omni off/on, mono, poly: each implies all notes off
RESERVED_CC = frozenset({SUSTAIN_CC, *range(120, 128)})   # sustain, channel mode: never turn a knob
BANK_SELECT = frozenset({0, 32})         # MSB, LSB: turn a knob only when bound by name (--midi-cc 0=...)
KNOB_CC = tuple(range(70, 86))           # knobs 1..16 of the effect pack (export.manifest.MAX_KNOBS)
DEFAULT_CC: dict[int, tuple[str, int]] = {cc: ("effect", i + 1) for i, cc in enumerate(KNOB_CC)}
KNOB_SLOTS = ("effect", "synth")         # slots whose packs have knobs
PICKUP = 0.02                            # a CC within this fraction of the knob's range of it picks it up
IN_STEP = 1e-6                           # a knob still at what its CC last set (fraction of its range)
BACKEND = "mido.backends.rtmidi"
SEQ_DEVICE = "/dev/snd/seq"              # the ALSA sequencer (kernel module snd-seq)


class MidiError(HatboxError):
    """The MIDI system or a port cannot be opened."""


@dataclass
class KnobRanges:
    """Knob ranges per slot, ``{(slot, name): (min, max)}`` in the knob's units, and the value each
    knob holds now where known (``values``, same keys and units: what the last load or knob message
    through the box's control set it to; MIDI pick-up compares a CC with it)."""

    ranges: dict[tuple[str, str], tuple[float, float]] = field(default_factory=dict)
    values: dict[tuple[str, str], float] = field(default_factory=dict)

    def set_from_manifest(self, slot: str, manifest: Any) -> None:
        """Replace the slot's knobs with a pack manifest's (export.manifest.Manifest); the slot's
        knob values become unknown (:meth:`loaded` also sets them to the pack's defaults)."""
        self.ranges = {k: v for k, v in self.ranges.items() if k[0] != slot}
        self.values = {k: v for k, v in self.values.items() if k[0] != slot}
        for knob in manifest.knobs:
            self.ranges[(slot, knob.name)] = (float(knob.min), float(knob.max))

    def loaded(self, slot: str, manifest: Any) -> None:
        """The slot now plays the pack with this manifest: its knobs' ranges, each knob at its default
        (as the engine starts a freshly loaded pack, device/audio/swap.py)."""
        self.set_from_manifest(slot, manifest)
        for knob in manifest.knobs:
            self.values[(slot, knob.name)] = float(knob.default)

    def set_value(self, slot: str, name: str, value: float) -> None:
        """Knob ``name`` of ``slot`` was set to ``value`` (its units); ignored for an unknown knob."""
        if (slot, name) in self.ranges:
            self.values[(slot, name)] = float(value)

    def fraction(self, slot: str, name: str) -> float | None:
        """The knob's current value as a fraction of its range, in [0, 1] (None: knob or value unknown)."""
        rng, value = self.ranges.get((slot, name)), self.values.get((slot, name))
        if rng is None or value is None:
            return None
        span = rng[1] - rng[0]
        return 0.0 if span <= 0 else min(1.0, max(0.0, (value - rng[0]) / span))

    def scale(self, slot: str, name: str, fraction: float) -> float | None:
        """A fraction in [0, 1] -> the knob's units (None when the knob is unknown)."""
        rng = self.ranges.get((slot, name))
        if rng is None:
            return None
        f = min(1.0, max(0.0, float(fraction)))
        return rng[0] + f * (rng[1] - rng[0])

    def names(self, slot: str) -> list[str]:
        """The slot's knob names in manifest order ([] when none are known)."""
        return [name for s, name in self.ranges if s == slot]


def _get(msg: Any, key: str, default: Any = None) -> Any:
    return msg.get(key, default) if isinstance(msg, dict) else getattr(msg, key, default)


@dataclass
class MidiMap:
    """MIDI -> control messages (pure: no ports, no threads)."""

    knobs: KnobRanges = field(default_factory=KnobRanges)
    cc: dict[int, tuple[str, str]] = field(default_factory=dict)     # CC number -> (slot, knob name)
    channel: int | None = None                                       # None: omni (all 16)
    learning: tuple[str, str] | None = None
    defaults: dict[int, tuple[str, int]] = field(default_factory=lambda: dict(DEFAULT_CC))
    # CC number -> (slot, knob position 1..16 in manifest order); a binding of the CC in ``cc`` wins
    last: dict[int, float] = field(default_factory=dict)             # CC number -> its last value / 127
    held: dict[tuple[str, str], tuple[int, float]] = field(default_factory=dict)
    # (slot, knob name) -> (the CC that last moved it, the fraction it set): in step while the knob is there

    def learn(self, slot: str, name: str) -> None:
        """Bind the next incoming control change (not a reserved one, not bank select) to knob ``name`` of ``slot``."""
        self.learning = (slot, name)

    def bind(self, cc: int, slot: str, name: str) -> None:
        """Let control change ``cc`` turn knob ``name`` of ``slot`` (no other CC bound by name does any more).
        Bank select (CC 0/32) may be bound here, as ``--midi-cc 0=effect.drive`` does.
        Raises HatboxError for a CC outside 0..127 or one of :data:`RESERVED_CC`."""
        _check_cc(cc)
        self.cc = {c: t for c, t in self.cc.items() if t != (slot, name)}
        self.cc[int(cc)] = (slot, name)

    def unbind(self, cc: int) -> None:
        """Control change ``cc`` turns nothing (its binding and its default mapping are dropped)."""
        self.cc.pop(int(cc), None)
        self.defaults.pop(int(cc), None)

    def target(self, cc: int) -> tuple[str, str] | None:
        """The (slot, knob name) control change ``cc`` turns now (None: nothing)."""
        if cc in RESERVED_CC:
            return None
        if cc in self.cc:
            return self.cc[cc]
        default = None if cc in BANK_SELECT else self.defaults.get(cc)
        if default is None:
            return None
        names = self.knobs.names(default[0])
        return (default[0], names[default[1] - 1]) if default[1] <= len(names) else None

    def mapping(self) -> dict[int, tuple[str, str]]:
        """Every CC that turns a knob now, ``{cc: (slot, knob name)}`` in CC order."""
        out = {cc: self.target(cc) for cc in range(128)}
        return {cc: t for cc, t in out.items() if t is not None}

    def translate(self, msg: Any) -> list[dict[str, Any]]:
        """One MIDI message (mido.Message or a dict with ``type`` etc.) -> control messages."""
        kind = _get(msg, "type")
        if self.channel is not None and _get(msg, "channel", self.channel) != self.channel:
            return []
        handler = getattr(self, f"_{kind}", None)
        return handler(msg) if handler is not None else []

    def _note_on(self, msg: Any) -> list[dict[str, Any]]:
        note, vel = int(_get(msg, "note")), int(_get(msg, "velocity"))
        if vel == 0:
            return [{"op": "note_off", "note": note}]
        return [{"op": "note_on", "note": note, "velocity": vel}]

    def _note_off(self, msg: Any) -> list[dict[str, Any]]:
        return [{"op": "note_off", "note": int(_get(msg, "note"))}]

    def _pitchwheel(self, msg: Any) -> list[dict[str, Any]]:
        pitch = int(_get(msg, "pitch"))
        return [{"op": "bend", "value": max(-1.0, min(1.0, pitch / 8192.0))}]

    def _control_change(self, msg: Any) -> list[dict[str, Any]]:
        number, value = int(_get(msg, "control")), int(_get(msg, "value"))
        if number == SUSTAIN_CC:
            return [{"op": "sustain", "on": value >= 64}]
        if number == ALL_SOUND_OFF:
            return [{"op": "panic"}]
        if number == ALL_NOTES_OFF or number in MODE_CHANGES:
            return [{"op": "all_notes_off"}]
        if number == RESET_CONTROLLERS:
            return [{"op": "bend", "value": 0.0}, {"op": "sustain", "on": False}]
        if number in RESERVED_CC:
            return []
        if self.learning is not None and number not in BANK_SELECT:
            self.bind(number, *self.learning)
            self.learning = None
        return self._knob(number, value)

    def _knob(self, number: int, value: int) -> list[dict[str, Any]]:
        """CC ``number`` at ``value`` (0..127) -> a knob message, when it turns a knob and has picked it up."""
        fraction = min(1.0, max(0.0, value / 127.0))
        previous, self.last[number] = self.last.get(number), fraction
        target = self.target(number)
        if target is None:
            return []
        units = self.knobs.scale(target[0], target[1], fraction)
        if units is None or not self._picks_up(number, target, previous, fraction):
            return []
        self.held[target] = (number, fraction)
        self.knobs.set_value(target[0], target[1], units)
        return [{"op": "knob", "slot": target[0], "name": target[1], "value": units}]

    def _picks_up(self, number: int, target: tuple[str, str], previous: float | None, fraction: float) -> bool:
        """Whether CC ``number``, moving from ``previous`` to ``fraction`` (of 0..127; None: first value
        seen), may move knob ``target``: it is in step (it set the knob's current value), or it reaches
        the knob's value now (within :data:`PICKUP`, or crossing it), or that value is unknown."""
        current = self.knobs.fraction(*target)
        if current is None:
            return True
        held = self.held.get(target)
        if held is not None and held[0] == number and abs(held[1] - current) <= IN_STEP:
            return True
        if abs(fraction - current) <= PICKUP:
            return True
        return previous is not None and (previous - current) * (fraction - current) <= 0.0


def _check_cc(cc: int) -> None:
    """HatboxError unless ``cc`` is a control change number a knob may be bound to by name."""
    if not 0 <= int(cc) <= 127:
        raise HatboxError(f"MIDI CC number must be 0..127, got {cc}")
    if int(cc) in RESERVED_CC:
        raise HatboxError(f"MIDI CC {cc} cannot turn a knob: it is {_reserved_name(int(cc))}",
                          hint="pick another CC, e.g. one of 70..85 or 16..19")


def _reserved_name(cc: int) -> str:
    return {SUSTAIN_CC: "the sustain pedal", ALL_SOUND_OFF: "all sound off", RESET_CONTROLLERS: "reset all controllers",
            ALL_NOTES_OFF: "all notes off"}.get(cc, "a channel mode message")


def bank_select_note(cc: int) -> str | None:
    """What to tell someone binding CC ``cc`` by name when it is bank select (None otherwise)."""
    if cc not in BANK_SELECT:
        return None
    which = "bank select" if cc == 0 else "bank select (LSB)"
    return (f"CC {cc} is {which} on most gear: a keyboard or DAW that sends it before a program change "
            f"turns this knob too; right for a controller that sends CC {cc} from a fader or knob (e.g. a "
            f"Korg nanoKONTROL2's slider 1)")


def parse_binding(text: str) -> tuple[int, tuple[str, str] | None]:
    """``"74=effect.drive"`` -> (74, ("effect", "drive")); ``"1=off"`` -> (1, None) (CC 1 turns nothing).

    The slot is one of :data:`KNOB_SLOTS`; the knob is named as in the pack's manifest (``hatbox
    pack inspect PACK`` lists them), it need not be loaded yet.  Bank select (CC 0/32) is accepted
    (:func:`bank_select_note` says what to know).  Raises HatboxError saying what is wrong."""
    cc_text, sep, target = str(text).partition("=")
    if not sep or not cc_text.strip().isdigit():
        raise HatboxError(f"MIDI CC binding {text!r} is not CC=SLOT.KNOB",
                          hint="e.g. --midi-cc 74=effect.drive, or --midi-cc 70=off to make CC 70 turn nothing")
    cc = int(cc_text.strip())
    _check_cc(cc)
    target = target.strip()
    if target == "off":
        return cc, None
    slot, dot, name = target.partition(".")
    if slot not in KNOB_SLOTS or not dot or not name:
        raise HatboxError(f"MIDI CC binding {text!r}: the target must be SLOT.KNOB (effect.drive, "
                          f"synth.brightness) or off",
                          hint=f"SLOT is {' or '.join(KNOB_SLOTS)}; KNOB as the pack names it "
                               f"(`hatbox pack inspect PACK` lists them)")
    return cc, (slot, name)


def list_inputs() -> list[str]:
    """Names of the MIDI input ports the ALSA sequencer offers.  MidiError when there is none."""
    backend = _backend()
    try:
        return list(backend.get_input_names())
    except Exception as exc:  # noqa: BLE001 - rtmidi raises its own SystemError types
        raise MidiError(f"cannot list the MIDI inputs: {exc}",
                        hint="check that the ALSA sequencer works: `aconnect -l` lists its clients") from None


def _check_sequencer() -> None:
    """MidiError in words when this (Linux) machine has no ALSA sequencer device: rtmidi would
    only say "MidiInAlsa::initialize: error creating ALSA sequencer client object"."""
    if sys.platform.startswith("linux") and not Path(SEQ_DEVICE).exists():
        raise MidiError(f"no MIDI sequencer on this machine ({SEQ_DEVICE} is missing): the box runs without MIDI",
                        hint="load the ALSA sequencer with `sudo modprobe snd-seq` (add snd-seq to "
                             "/etc/modules to keep it) and start the box again")


def _backend() -> Any:
    _check_sequencer()
    import mido
    try:
        return mido.Backend(BACKEND, load=True)
    except Exception as exc:  # noqa: BLE001 - missing rtmidi or no ALSA sequencer
        raise MidiError(f"MIDI is not available ({exc})",
                        hint="install python-rtmidi and make sure /dev/snd/seq exists") from None


def open_input(name: str | None, mapping: MidiMap, send: Callable[[dict[str, Any]], None], *,
               virtual: bool = False) -> Any:
    """Open MIDI input ``name`` (None: the first port; ``virtual``: create a port called ``name``
    that other programs connect to) and feed ``send`` with translated messages.

    Returns the open mido port (``close()`` it to stop).  MidiError names the port on failure.
    """
    backend = _backend()

    def on_message(message: Any) -> None:
        for control in mapping.translate(message):
            try:
                send(control)
            except (HatboxError, ValueError):   # ValueError: device.control.ControlError
                pass                        # e.g. a knob with no pack loaded: nothing to play

    try:
        return backend.open_input(name or ("hatbox" if virtual else None), virtual=virtual,
                                  callback=on_message)
    except Exception as exc:  # noqa: BLE001 - rtmidi raises its own types and IOError
        ports = ", ".join(_safe_names(backend)) or "none"
        raise MidiError(f"cannot open MIDI input '{name or 'default'}': {exc} (inputs: {ports})") from None


def _safe_names(backend: Any) -> Iterable[str]:
    try:
        return list(backend.get_input_names())
    except Exception:  # noqa: BLE001 - listing is best effort inside an error message
        return []

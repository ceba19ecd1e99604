"""MIDI in: pure message translation (:class:`MidiMap`) apart from the transport (:func:`open_input`).

Translation (MIDI -> device/control.py messages):

==============================  =============================================================
note_on (velocity > 0)          ``{"op": "note_on", "note", "velocity"}``; by default on channel 10 (the drums')
                                with ``"slot": "sampler"``: the kit plays it (device/kit.py), the synth does not
                                (which channel plays which: :class:`~device.midi_channels.Channels`)
note_off, note_on velocity 0    ``{"op": "note_off", "note"}`` (the same ``slot``)
pitchwheel (-8192..8191)        ``{"op": "bend", "value"}`` in [-1, 1]
control_change 64 (sustain)     ``{"op": "sustain", "on"}`` (on when value >= 64)
control_change 120              ``{"op": "panic"}`` (all sound off: every voice fades out in ~5 ms; the
                                effect's tail is cleared unless the live input plays through it, and a
                                second panic within 2 s clears it anyway: device/audio/engine.py ``_on_panic``)
control_change 123, 124..127    ``{"op": "all_notes_off"}`` (all notes off, sent by DAWs on every
                                transport stop; omni/mono/poly mode changes imply it): a note-off
                                for every note, the sustain pedal still holds them
control_change 121              ``{"op": "bend", "value": 0}``, ``{"op": "sustain", "on": False}``
                                (reset all controllers; knobs stay where they are)
control_change mapped to a knob ``{"op": "knob", "slot", "name", "value"}``: 0..127 scaled to
                                the knob's range in its own units (see :class:`KnobRanges`), once
                                the control has picked the knob up (below)
polytouch (poly aftertouch)     on channel 10, ``{"op": "choke", "note"}`` when a note's pressure rises to 64
                                or more: the sampler's voices of that note fade out in 4 ms (an electronic
                                kit's cymbal grab: Roland, Alesis and Yamaha modules send it); otherwise
                                nothing (on other channels it is a keyboard's expression)
control_change 4 (foot)        on a channel that plays the kit alone (by default 10), the hi-hat pedal: its value
                                rising to :data:`HAT_CLOSED_AT` (90) or more after it was open (under
                                :data:`HAT_OPEN_BELOW`, 82) gives ``{"op": "choke", "note": 44, "group": True}``: the
                                hi-hat's ringing voices fade out in 4 ms; otherwise nothing (elsewhere CC 4 is a
                                keyboard's foot controller, a knob only when bound by name)
program_change                  nothing here: :class:`MidiHub` hands it to the box's program map, which
                                switches the pack mapped to it (device/midi_programs.py)
the rest                        nothing
==============================  =============================================================

CC -> knob, in this order: a binding by name (:meth:`MidiMap.bind`, MIDI learn, ``hatbox device
run --midi-cc 74=effect.drive``), else the default mapping :data:`DEFAULT_CC`: CC 70..85 turn the
effect pack's knobs 1..16 in manifest order (CC 70..79 are MIDI's "sound controllers", the knobs of
many keyboards out of the box).  The mod wheel (CC 1) is not in it: it rests at 0, so touching it
would pull the first knob towards its minimum; bind it by name (``--midi-cc 1=effect.drive``) to use
it.  :data:`RESERVED_CC` (sustain 64, the channel mode messages 120..127) never moves a knob; bank
select (:data:`BANK_SELECT`, CC 0/32) moves one only when bound by name (some controllers send CC 0
from a fader, e.g. a Korg nanoKONTROL2's slider 1), never by default or through MIDI learn.

CC -> pad: a CC bound to ``pad.x`` or ``pad.y`` (by name or MIDI learn) moves the synth's pad on that axis,
``{"op": "xy", "x", "y"}`` (the other axis where :attr:`KnobRanges.pad` has it), picked up as a knob is.

Pick-up (soft takeover), per physical control (source port, channel, CC: device/midi_pickup.py): a control moves
its knob only while it is "in step" with it.  It gets in
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
picking it up as any other CC does.  Each binding by name remembers where it comes from
(:attr:`MidiMap.origins`: :data:`LEARNED` or :data:`COMMAND_LINE`); a CC whose binding is dropped
(:meth:`MidiMap.release`, or another CC bound to its knob) falls back to its default mapping.

On the box (``hatbox device run``) the map is shared through a :class:`MidiHub`: the MIDI input's
thread translates through it, the API (device/api/midi_routes.py: ``GET /midi``, ``POST /midi/learn``)
reads and changes it, each under the hub's lock, whether or not a MIDI port is open (bindings apply
when MIDI comes); its :class:`KnobRanges`, which the box's control writes outside that lock, is
copy-on-write.  Learned bindings are kept in the box's store (:data:`BINDINGS_FILE`, written
atomically) and come back at the next start, under the command line's ``--midi-cc`` for the same CC;
a damaged file is reported and ignored (the defaults apply), never stopping the box.

The transport (device/midi_ports.py: :func:`~device.midi_ports.open_input`, the controllers) opens ALSA sequencer
ports through mido's python-rtmidi backend and calls back with each translated message (rtmidi's thread; the
callback should be quick, e.g. ``EngineProcess.send``).

Modules: this one translates (:class:`MidiMap`, :func:`parse_binding`) and reads the learned bindings
(:func:`load_learned`); :class:`KnobRanges` is device/midi_knobs.py's, :class:`MidiHub` device/midi_hub.py's (both
importable from here, as before).
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from device.midi_channels import DRUM_CHANNEL, Channels  # noqa: F401 - DRUM_CHANNEL: device.midi's since p19
from device.midi_knobs import KnobRanges
from device.midi_pickup import IN_STEP, PICKUP, Control, PickUp  # noqa: F401 - IN_STEP, PICKUP: likewise
from hatbox.errors import HatboxError, first_line

SUSTAIN_CC, ALL_SOUND_OFF, RESET_CONTROLLERS, ALL_NOTES_OFF = 64, 120, 121, 123
MOD_WHEEL = 1
MODE_CHANGES = (124, 125, 126, 127)      # omni off/on, mono, poly: each implies all notes off
CHOKE_AT = 64                    # a polyphonic aftertouch of this value or more chokes its note (a cymbal grab)
# The hi-hat pedal (CC 4, 0 open .. 127 closed on Roland, Alesis and Yamaha modules): closing it past HAT_CLOSED_AT
# (70 % of its travel: past the half-open range, short of a closed pedal's 127 a module's calibration may not reach)
# chokes the hi-hat; it chokes again only once it has opened under HAT_OPEN_BELOW (a pedal resting near 90 jitters)
FOOT_CC, HAT_CLOSED_AT, HAT_OPEN_BELOW, PEDAL_HAT = 4, 90, 82, 44   # PEDAL_HAT: General MIDI's pedal hi-hat note
RESERVED_CC = frozenset({SUSTAIN_CC, *range(120, 128)})   # sustain, channel mode: never turn a knob
BANK_SELECT = frozenset({0, 32})         # MSB, LSB: turn a knob only when bound by name (--midi-cc 0=...)
KNOB_CC = tuple(range(70, 86))           # knobs 1..16 of the effect pack (export.manifest.MAX_KNOBS)
DEFAULT_CC: dict[int, tuple[str, int]] = {cc: ("effect", i + 1) for i, cc in enumerate(KNOB_CC)}
KNOB_SLOTS = ("effect", "synth")         # slots whose packs have knobs
PAD, PAD_AXES = "pad", ("x", "y")       # the synth's pad (its four timbres' blend) as a CC target: pad.x, pad.y
DEFAULT, COMMAND_LINE, LEARNED = "default", "command line", "learned"   # where a CC's knob binding comes from
BINDINGS_FILE = "midi-bindings.json"     # in the box's store: the learned bindings, {"learned": {"74": "effect.drive"}}
log = logging.getLogger("hatbox.midi")


class MidiError(HatboxError):
    """The MIDI system or a port cannot be opened."""


def field_of(msg: Any, key: str, default: Any = None) -> Any:
    """``msg``'s field ``key`` (a mido message's attribute, or a dict's key: the tests' and OSC's messages)."""
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
    pickup: PickUp = field(default_factory=PickUp)   # per (source, channel, CC): device/midi_pickup.py
    channels: Channels = field(default_factory=Channels)   # which channel plays the kit, which the synth
    origins: dict[int, str] = field(default_factory=dict)             # CC in ``cc`` -> LEARNED or COMMAND_LINE
    pressure: dict[int, int] = field(default_factory=dict)           # drum note -> its last polyphonic aftertouch
    hat_closed: dict[tuple[str, int], bool] = field(default_factory=dict)   # (source, channel) -> its hi-hat pedal shut

    def learn(self, slot: str, name: str) -> None:
        """Bind the next incoming control change (not a reserved one, not bank select) to knob ``name`` of ``slot``."""
        self.learning = (slot, name)

    def bind(self, cc: int, slot: str, name: str, origin: str = COMMAND_LINE) -> None:
        """Let control change ``cc`` turn knob ``name`` of ``slot``; ``origin`` says where the binding comes
        from (:data:`COMMAND_LINE`, :data:`LEARNED`).  No other CC bound by name turns the knob any more: such
        a CC falls back to its default mapping.  Bank select (CC 0/32) may be bound here, as ``--midi-cc
        0=effect.drive`` does.  Raises HatboxError for a CC outside 0..127 or one of :data:`RESERVED_CC`."""
        _check_cc(cc)
        for other in [c for c, t in self.cc.items() if t == (slot, name) and c != int(cc)]:
            self.release(other)
        self.cc[int(cc)] = (slot, name)
        self.origins[int(cc)] = origin

    def unbind(self, cc: int) -> None:
        """Control change ``cc`` turns nothing (its binding and its default mapping are dropped)."""
        self.cc.pop(int(cc), None)
        self.origins.pop(int(cc), None)
        self.defaults.pop(int(cc), None)

    def release(self, cc: int) -> tuple[str, tuple[str, str] | None] | None:
        """Drop CC ``cc``'s binding by name, or its ``=off``: it falls back to its default mapping
        (:data:`DEFAULT_CC`), if it has one.  Returns (where the dropped binding came from, the knob it
        turned; None: the CC was off), or None when the CC had neither (nothing changes)."""
        cc = int(cc)
        if cc in self.cc:
            dropped: tuple[str, tuple[str, str] | None] = (self.origins.pop(cc, COMMAND_LINE), self.cc.pop(cc))
        elif cc in self.off():
            dropped = (COMMAND_LINE, None)
        else:
            return None
        if cc in DEFAULT_CC:
            self.defaults[cc] = DEFAULT_CC[cc]
        return dropped

    def off(self) -> list[int]:
        """The CCs of the default mapping made to turn nothing (``--midi-cc CC=off``), in order."""
        return [cc for cc in DEFAULT_CC if cc not in self.defaults and cc not in self.cc]

    def origin(self, cc: int) -> str:
        """Where CC ``cc``'s knob binding comes from: :data:`LEARNED`, :data:`COMMAND_LINE` or :data:`DEFAULT`."""
        return self.origins.get(cc, COMMAND_LINE) if cc in self.cc else DEFAULT

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

    def translate(self, msg: Any, source: str = "") -> list[dict[str, Any]]:
        """One MIDI message (mido.Message or a dict with ``type`` etc.) -> control messages; ``source``: the port it
        came in on (pick-up is per source, channel and CC: device/midi_pickup.py)."""
        kind = field_of(msg, "type")
        if self.channel is not None and field_of(msg, "channel", self.channel) != self.channel:
            return []
        if kind == "control_change":
            return self._control_change(msg, source)
        handler = getattr(self, f"_{kind}", None)
        return handler(msg) if handler is not None else []

    def _note_on(self, msg: Any) -> list[dict[str, Any]]:
        note, vel = int(field_of(msg, "note")), int(field_of(msg, "velocity"))
        if vel > 0 and field_of(msg, "channel", None) == self.channels.drums():
            self.pressure.pop(note, None)        # a new strike of the drum: the next grab of it chokes again
        if vel == 0:
            return self._note_off(msg)
        route = self.channels.route(field_of(msg, "channel", None))
        return [] if route is None else [{"op": "note_on", "note": note, "velocity": vel, **route}]

    def _note_off(self, msg: Any) -> list[dict[str, Any]]:
        route = self.channels.route(field_of(msg, "channel", None))
        return [] if route is None else [{"op": "note_off", "note": int(field_of(msg, "note")), **route}]

    def _polytouch(self, msg: Any) -> list[dict[str, Any]]:
        """A cymbal grab: on the drums' channel, a note's pressure rising to :data:`CHOKE_AT` (an electronic kit's
        module sends it once as the cymbal is grabbed).  Elsewhere polyphonic pressure is a keyboard's or a pad
        controller's expression while a key is held, never a choke (QA: a pad sending pressure as it was pressed
        cut its own note)."""
        if field_of(msg, "channel", None) != self.channels.drums():
            return []
        note, value = int(field_of(msg, "note")), int(field_of(msg, "value"))
        was = self.pressure.get(note, 0)
        self.pressure[note] = value
        return [{"op": "choke", "note": note}] if value >= CHOKE_AT > was else []

    def _pitchwheel(self, msg: Any) -> list[dict[str, Any]]:
        pitch = int(field_of(msg, "pitch"))
        return [{"op": "bend", "value": max(-1.0, min(1.0, pitch / 8192.0))}]

    def _control_change(self, msg: Any, source: str = "") -> list[dict[str, Any]]:
        number, value = int(field_of(msg, "control")), int(field_of(msg, "value"))
        channel = field_of(msg, "channel", None)
        pedal = self._hat_pedal((source, 0 if channel is None else int(channel)), value) if number == FOOT_CC else []
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
            self.bind(number, *self.learning, origin=LEARNED)
            self.learning = None
        return pedal + self._knob((source, 0 if channel is None else int(channel), number), value)

    def _hat_pedal(self, where: tuple[str, int], value: int) -> list[dict[str, Any]]:
        """The hi-hat pedal (CC 4) of port and channel ``where`` at ``value``: a choke of the hi-hat's group when it
        closes past :data:`HAT_CLOSED_AT` after having been open, on a channel the kit alone plays (elsewhere CC 4 is
        a keyboard's foot controller: nothing)."""
        if self.channels.plays(where[1]) != (True, False):
            return []
        shut = self.hat_closed.get(where, False)
        self.hat_closed[where] = value >= HAT_CLOSED_AT or (shut and value >= HAT_OPEN_BELOW)
        return [{"op": "choke", "note": PEDAL_HAT, "group": True}] if value >= HAT_CLOSED_AT and not shut else []

    def _knob(self, control: Control, value: int) -> list[dict[str, Any]]:
        """Physical control ``control`` (source, channel, CC) at ``value`` (0..127) -> a knob message (or the pad's
        ``xy``), when its CC turns one and the control has picked it up (one pick-up path for knobs and the pad)."""
        fraction = min(1.0, max(0.0, value / 127.0))
        previous = self.pickup.moved(control, fraction)
        target = self.target(control[2])
        aim = None if target is None else self._aim(target, fraction)
        if aim is None or not self.pickup.claims(control, target, aim[0], previous, fraction):
            return []
        if target[0] == PAD:
            self.knobs.set_pad(aim[1]["x"], aim[1]["y"])
        else:
            self.knobs.set_value(target[0], target[1], aim[1]["value"])
        return [aim[1]]

    def _aim(self, target: tuple[str, str], fraction: float) -> tuple[float | None, dict[str, Any]] | None:
        """(where ``target`` is now, a fraction of its travel (None: unknown), the message that moves it to
        ``fraction``: ``knob``, or for ``pad.x`` / ``pad.y`` the pad's ``xy``); None for an unknown knob."""
        if target[0] == PAD:
            x, y = self.knobs.pad                     # one look: the API thread may swap it meanwhile
            xy = {"op": "xy", "x": x, "y": y}
            return xy[target[1]], {**xy, target[1]: fraction}
        units = self.knobs.scale(target[0], target[1], fraction)
        return None if units is None else (self.knobs.fraction(*target),
                                           {"op": "knob", "slot": target[0], "name": target[1], "value": units})


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
    if slot == PAD and name.lower() in PAD_AXES:
        return cc, (PAD, name.lower())
    if slot not in KNOB_SLOTS or not dot or not name:
        raise HatboxError(f"MIDI CC binding {text!r}: the target must be SLOT.KNOB (effect.drive, "
                          f"synth.brightness) or off",
                          hint=f"SLOT is {' or '.join(KNOB_SLOTS)}; KNOB as the pack names it "
                               f"(`hatbox pack inspect PACK` lists them); pad.x and pad.y move the synth's pad")
    return cc, (slot, name)


Binding = tuple[str, str]                  # (slot, knob name)



def load_learned(path: Path) -> tuple[dict[int, Binding], str | None]:
    """The learned bindings kept in ``path`` (:data:`BINDINGS_FILE`): ``({cc: (slot, knob)}, None)``; no file:
    nothing learned.  A file that cannot be read or is not what :meth:`MidiHub.save` writes: ``({}, what is
    wrong)``: the box goes on with the default mapping and the command line's bindings."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        learned: dict[int, Binding] = {}
        for cc, target in data["learned"].items():
            number, binding = parse_binding(f"{cc}={target}")
            if binding is None:
                raise ValueError(f"CC {number} is 'off'")
            learned[number] = binding
    except (FileNotFoundError, NotADirectoryError):
        return {}, None
    except (OSError, ValueError, TypeError, KeyError, AttributeError, HatboxError) as exc:
        why = exc.strerror if isinstance(exc, OSError) else first_line(exc)
        return {}, (f"the learned MIDI bindings in {path} are unreadable ({why or type(exc).__name__}): ignored, the "
                    f"default CCs and --midi-cc apply; the next MIDI learn writes the file anew")
    return learned, None


_HUB_NAMES = ("MidiHub",)     # device/midi_hub.py's, named here as before the forty-fifth stop


def __getattr__(name: str) -> Any:
    """:class:`MidiHub` from device/midi_hub.py, loaded on first use (that module builds on this one, so it cannot
    be imported here at the top)."""
    if name in _HUB_NAMES:
        from device import midi_hub
        return getattr(midi_hub, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

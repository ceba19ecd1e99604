"""MIDI in: pure message translation (:class:`MidiMap`) apart from the transport (:func:`open_input`).

Translation (MIDI -> device/control.py messages):

==============================  =============================================================
note_on (velocity > 0)          ``{"op": "note_on", "note", "velocity"}``
note_off, note_on velocity 0    ``{"op": "note_off", "note"}``
pitchwheel (-8192..8191)        ``{"op": "bend", "value"}`` in [-1, 1]
control_change 64 (sustain)     ``{"op": "sustain", "on"}`` (on when value >= 64)
control_change 120 / 123        ``{"op": "panic"}`` (all sound off / all notes off)
control_change mapped to a knob ``{"op": "knob", "slot", "name", "value"}``: 0..127 scaled to
                                the knob's range in its own units (see :class:`KnobRanges`)
==============================  =============================================================

MIDI learn: :meth:`MidiMap.learn` arms a knob; the next control change that is not sustain
or a panic binds to it (replacing any previous binding of that CC) and moves it at once.

The transport opens an ALSA sequencer port through mido's python-rtmidi backend and calls back
with each translated message (rtmidi's thread; the callback should be quick, e.g.
``EngineProcess.send``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from hatbox.errors import HatboxError

SUSTAIN_CC, ALL_SOUND_OFF, ALL_NOTES_OFF = 64, 120, 123
BACKEND = "mido.backends.rtmidi"


class MidiError(HatboxError):
    """The MIDI system or a port cannot be opened."""


@dataclass
class KnobRanges:
    """Knob ranges per slot, ``{(slot, name): (min, max)}`` in the knob's units."""

    ranges: dict[tuple[str, str], tuple[float, float]] = field(default_factory=dict)

    def set_from_manifest(self, slot: str, manifest: Any) -> None:
        """Replace the slot's knobs with a pack manifest's (export.manifest.Manifest)."""
        self.ranges = {k: v for k, v in self.ranges.items() if k[0] != slot}
        for knob in manifest.knobs:
            self.ranges[(slot, knob.name)] = (float(knob.min), float(knob.max))

    def scale(self, slot: str, name: str, fraction: float) -> float | None:
        """A fraction in [0, 1] -> the knob's units (None when the knob is unknown)."""
        rng = self.ranges.get((slot, name))
        if rng is None:
            return None
        f = min(1.0, max(0.0, float(fraction)))
        return rng[0] + f * (rng[1] - rng[0])


def _get(msg: Any, key: str, default: Any = None) -> Any:
    return msg.get(key, default) if isinstance(msg, dict) else getattr(msg, key, default)


@dataclass
class MidiMap:
    """MIDI -> control messages (pure: no ports, no threads)."""

    knobs: KnobRanges = field(default_factory=KnobRanges)
    cc: dict[int, tuple[str, str]] = field(default_factory=dict)     # CC number -> (slot, knob)
    channel: int | None = None                                       # None: omni (all 16)
    learning: tuple[str, str] | None = None

    def learn(self, slot: str, name: str) -> None:
        """Bind the next incoming control change to knob ``name`` of ``slot``."""
        self.learning = (slot, name)

    def bind(self, cc: int, slot: str, name: str) -> None:
        if not 0 <= int(cc) <= 127:
            raise HatboxError(f"MIDI CC number must be 0..127, got {cc}")
        self.cc = {c: t for c, t in self.cc.items() if t != (slot, name)}
        self.cc[int(cc)] = (slot, name)

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
        if number in (ALL_SOUND_OFF, ALL_NOTES_OFF):
            return [{"op": "panic"}]
        if self.learning is not None:
            self.bind(number, *self.learning)
            self.learning = None
        return self._knob(number, value)

    def _knob(self, number: int, value: int) -> list[dict[str, Any]]:
        target = self.cc.get(number)
        if target is None:
            return []
        units = self.knobs.scale(target[0], target[1], value / 127.0)
        if units is None:
            return []
        return [{"op": "knob", "slot": target[0], "name": target[1], "value": units}]


def list_inputs() -> list[str]:
    """Names of the MIDI input ports the ALSA sequencer offers."""
    return list(_backend().get_input_names())


def _backend() -> Any:
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

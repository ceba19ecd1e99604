"""The Control that ``hatbox device run``'s front ends share (MIDI, OSC, the API, the panel): :class:`BoxControl`.
hatbox/cmd_device.py re-exports it."""
from __future__ import annotations

import time
from typing import Any

from hatbox.errors import HatboxError


class BoxControl:
    """The Control the front ends share: forwards to the engine and keeps knob ranges current, and each
    knob's value as the last load (its default) or knob message sent through here set it (``knobs.values``:
    every front end of the box sends through this, so MIDI pick-up, device/midi.py, knows where a knob is);
    an unload drops the slot's knobs.  ``midi``: the box's MIDI map (device.midi.MidiHub, set by
    :func:`_start_midi` whether or not MIDI runs), which the API reaches through this control
    (device/api/app.py ``Box.midi``) for MIDI learn."""

    def __init__(self, engine: Any) -> None:
        from device.midi import KnobRanges
        self.engine = engine
        self.knobs = KnobRanges()
        self.midi: Any = None
        # called with every status read here (the panel's, the API's): the status watcher sees those instead
        # of reading its own, since a read takes the engine's peaks and limiter figures ("since the last status")
        self.watchers: list[Any] = []
        self.last_status_at = 0.0            # time.monotonic() of the last status read

    def send(self, message: dict[str, Any]) -> None:
        self.engine.send(message)
        if message.get("op") == "load":
            self._learn_ranges(message["slot"], message["path"])
            self._learn_values(str(message["slot"]))
        elif message.get("op") == "unload":
            self.knobs.forget(str(message["slot"]))
        else:
            self._kept(message)

    def _kept(self, message: dict[str, Any]) -> None:
        """A knob (or pad) message the engine took: its value is the knob's now (MIDI pick-up reads it)."""
        if message.get("op") == "knob":
            self.knobs.set_value(str(message["slot"]), str(message["name"]), float(message["value"]))
        elif message.get("op") == "xy":      # the pad, where MIDI's pad.x / pad.y pick it up
            self.knobs.set_pad(float(message["x"]), float(message["y"]))

    def send_many(self, messages: list[dict[str, Any]]) -> list[str | None]:
        """Several control messages (no load or unload) in one round trip where the engine takes them so
        (device.audio.server.EngineProcess.send_many: the MIDI relay's chords), else one :meth:`send` each; returns
        each one's error in words, or None.  A knob message the engine took sets its value here as :meth:`send`
        does.  HatboxError when the engine has ended."""
        many = getattr(self.engine, "send_many", None)
        if many is None:
            return [self._sent_alone(m) for m in messages]
        errors = list(many(messages))
        for message, error in zip(messages, errors):
            if error is None:
                self._kept(message)
        return errors

    def _sent_alone(self, message: dict[str, Any]) -> str | None:
        from device.control import EngineStoppedError, refusal
        try:
            self.send(message)
        except EngineStoppedError:
            raise
        except Exception as exc:  # noqa: BLE001 - as the engine process's batch: the rest still go, its words too
            return refusal(exc)
        return None

    def status(self) -> dict[str, Any]:
        st = self.engine.status()
        self.last_status_at = time.monotonic()
        for watcher in list(self.watchers):
            watcher(st)
        return st

    def _learn_ranges(self, slot: str, path: str) -> None:
        from export.pack import read_pack
        self.knobs.loaded(slot, read_pack(path).manifest)

    def _learn_values(self, slot: str) -> None:
        """After a load: the new pack's knob values as the engine has them (``slot_knobs``), not only its
        defaults: a knob turned while it loaded went to it (device/audio/engine.py ``Engine.install``)."""
        if not callable(getattr(self.engine, "status", None)):
            return
        try:
            values = self.status().get("slot_knobs", {}).get(slot)
        except HatboxError:
            return                               # the engine has ended: the end of the run says the rest
        for name, value in (values.items() if isinstance(values, dict) else ()):
            self.knobs.set_value(slot, str(name), float(value))

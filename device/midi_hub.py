"""The box's MIDI map as its front ends share it (:class:`MidiHub`: the MIDI readers translate through it, the API
and the panel read and change it), saving the learned bindings in the box's store (:meth:`MidiHub.save`:
:data:`device.midi.BINDINGS_FILE`, read back by :func:`device.midi.load_learned`).  Split out of device/midi.py,
which re-exports it."""
from __future__ import annotations

import json
import logging
import threading
import time
from pathlib import Path
from typing import Any, Callable

from device import midi_saved
from device.midi import LEARNED, PAD, PAD_AXES, Binding, MidiMap, field_of
from device.midi_channels import Channels, unheard_words
from device.midi_ports import short_name

log = logging.getLogger("hatbox.midi")

UNHEARD_LOG_S = 60.0     # s: notes on a channel that nothing plays are said in the log once a minute per channel
UNHEARD_SHOW_S = 300.0   # s: ... and in GET /midi while the last came this recently


class MidiHub:
    """The box's :class:`MidiMap` as its front ends share it: the MIDI input's thread translates through it
    (:meth:`translate`, as :func:`open_input` calls it), the API reads and changes it (:meth:`snapshot`,
    :meth:`arm`, :meth:`cancel`, :meth:`release`), each under :attr:`lock`.  Learned bindings are saved in
    ``path`` (None: kept in memory only) each time one is learned or dropped.  ``saved``: the learned
    bindings the map started from (:func:`device.midi.load_learned`); those the command line overrode for this run
    (:attr:`overridden`) are kept in the file unless a CC or the knob is bound anew."""

    def __init__(self, mapping: MidiMap, path: Path | None = None, saved: dict[int, Binding] | None = None) -> None:
        self.map, self.path = mapping, path
        self.lock, self._saving = threading.Lock(), threading.Lock()
        # held by each MIDI reader from translating a message to queueing its controls (device.midi_ports.translator):
        # the engine gets two sources' knob CCs in the order the map's pick-up read them
        self.order = threading.Lock()
        self.port: str | None = None                     # the open MIDI input; None: MIDI is off
        self.note = "MIDI has not started"               # why MIDI is off (when it is)
        self.warnings: list[str] = []                    # a damaged bindings file, a save that failed
        # the controllers connected beside the port (device.midi_ports.PortWatcher.connected, set by the box)
        self.controllers: Callable[[], list[str]] = list
        self.overridden = {cc: t for cc, t in (saved or {}).items()
                           if mapping.cc.get(cc) != t or mapping.origin(cc) != LEARNED}
        self.programs: Any = None          # program change -> pack (device.midi_programs.ProgramSwitcher, the API's)
        self.kept_channels: Channels | None = None       # the channels set from the laptop, kept (device/midi_saved.py)
        midi_saved.at_start(self)                        # those read; a learn the restart cancelled is said
        # MIDI channel (0..15) -> [note-ons that played nothing there, when the last came, when it was last logged]
        # (monotonic s): a keyboard left on the wrong channel is said, not just silent (p46 stage QA)
        self.unheard: dict[int, list[float]] = {}

    def opened(self, port: str) -> None:
        """MIDI input ``port`` is open: control changes reach the map."""
        self.port, self.note = port, ""
        midi_saved.apply_kept(self)

    def closed(self, why: str) -> None:
        """No MIDI input is open, ``why`` in words; the map still takes bindings for when MIDI comes."""
        self.port, self.note = None, why
        midi_saved.apply_kept(self)

    def warn(self, text: str) -> None:
        """Log ``text`` and show it in :meth:`snapshot` (each text once; the last 8)."""
        log.warning("%s", text)
        if text not in self.warnings:
            self.warnings = [*self.warnings, text][-8:]

    def translate(self, msg: Any, source: str = "") -> list[dict[str, Any]]:
        """:meth:`MidiMap.translate` under the lock (``source``: the port it came in on); a MIDI learn it completes
        is saved; a program change goes to :attr:`programs` (which returns at once) with its port's short name, so
        its log line says which controller sent it (p56)."""
        if field_of(msg, "type") == "program_change" and self.programs is not None:
            self.programs.received(int(field_of(msg, "program")), field_of(msg, "channel", None),
                                   port=short_name(source) if source else "")
        with self.lock:
            armed = self.map.learning
            out = self.map.translate(msg, source)
            learned = armed is not None and self.map.learning is None
            said = self._unheard(msg) if not out else None
        if learned:
            self.save()
        if said:
            log.warning("%s", said)
        return out

    def _unheard(self, msg: Any) -> str | None:
        """Count a note-on that played nothing (its channel routes to neither kit nor synth: under :attr:`lock`);
        the words for the log once per :data:`UNHEARD_LOG_S` per channel, else None."""
        channel = field_of(msg, "channel", None)
        if field_of(msg, "type") != "note_on" or int(field_of(msg, "velocity", 0)) == 0 or channel is None:
            return None
        now = time.monotonic()
        seen = self.unheard.setdefault(int(channel), [0.0, now, -UNHEARD_LOG_S])
        seen[0], seen[1] = seen[0] + 1, now
        if now - seen[2] < UNHEARD_LOG_S:
            return None
        seen[2] = now
        return f"{unheard_words(int(channel) + 1, self.map.channels.words())} (said once a minute while they come)"

    def arm(self, slot: str, name: str) -> Binding | None:
        """Arm MIDI learn for knob ``name`` of ``slot`` (the caller checked it exists); returns the knob
        armed before (replaced), if any."""
        with self.lock:
            before, self.map.learning = self.map.learning, (slot, name)
        self.save()                        # kept, so that a restart can say it cancelled it (device/midi_saved.py)
        return before

    def cancel(self, only: Binding | None = None) -> Binding | None:
        """Disarm MIDI learn; returns the knob that was armed (None: none was).  ``only`` (slot, knob):
        disarm only if that knob is the one armed, in one step under the lock, so a learn armed elsewhere
        for another knob in the meantime (the API) stays armed; returns it when it was cancelled, None when
        it was not armed (nothing changed)."""
        with self.lock:
            before = self.map.learning
            if only is not None and (before is None or tuple(before) != tuple(only)):
                return None
            self.map.learning = None
        if before is not None:
            self.save()
        return before

    def release(self, cc: int) -> tuple[str, Binding | None, Binding | None] | None:
        """Drop CC ``cc``'s learned or command-line binding (:meth:`MidiMap.release`), and a learned one the
        command line overrode for this run; returns (where it came from, what it turned (None: the CC was
        off), what the CC turns now (its default, if any)), or None when it had no such binding."""
        with self.lock:
            dropped = self.map.release(cc)
            kept = self.overridden.pop(int(cc), None)
            if dropped is None and kept is None:
                return None
            origin, target = dropped if dropped is not None else (LEARNED, kept)
            now = self.map.target(int(cc))
        if origin == LEARNED or kept is not None:
            self.save()
        return origin, target, now

    def knob_names(self, slot: str) -> list[str]:
        """The knobs of the pack loaded in ``slot``, in manifest order ([]: none loaded); the pad's axes for
        :data:`PAD`."""
        if slot == PAD:
            return list(PAD_AXES)
        with self.lock:
            return self.map.knobs.names(slot)

    def pack_name(self, slot: str) -> str | None:
        """The name of the pack loaded in ``slot`` (with knobs or without); None: none is loaded, or not known."""
        return self.map.knobs.packs.get(slot)

    def snapshot(self) -> dict[str, Any]:
        """What ``GET /midi`` answers (device/api/models.py ``MidiState``)."""
        with self.lock:
            m, row = self.map, self._row
            return {"midi": "on" if self.port else "off", "port": self.port, "note": self.note,
                    "controllers": self.controllers() if self.port else [],
                    "bindings": [row(cc, t, m.origin(cc)) for cc, t in m.mapping().items()], "off": m.off(),
                    "overridden": [row(cc, t, LEARNED) for cc, t in sorted(self.overridden.items())],
                    "learning": None if m.learning is None else {"slot": m.learning[0], "knob": m.learning[1]},
                    "warnings": list(self.warnings), "unheard": self._unheard_rows(), **m.channels.state()}

    def _unheard_rows(self) -> list[dict[str, Any]]:
        """``GET /midi``'s ``unheard``: the channels whose notes played nothing in the last :data:`UNHEARD_SHOW_S`
        (``channel`` 1..16, ``notes`` since the box started, ``ago_s`` since the last), under :attr:`lock`; a channel
        that plays now (set since: p46 reg QA) is dropped."""
        now, routes = time.monotonic(), self.map.channels.route
        self.unheard = {ch: seen for ch, seen in self.unheard.items() if routes(ch) is None}   # a channel set since
        return [{"channel": ch + 1, "notes": int(seen[0]), "ago_s": round(now - seen[1], 1)}
                for ch, seen in sorted(self.unheard.items()) if now - seen[1] <= UNHEARD_SHOW_S]

    def _row(self, cc: int, target: Binding, origin: str) -> dict[str, Any]:
        """One binding as ``GET /midi`` lists it; ``loaded``: the pack loaded in the slot has the knob."""
        return {"cc": cc, "slot": target[0], "knob": target[1], "source": origin,
                "loaded": target[0] == PAD or target[1] in self.map.knobs.names(target[0])}

    def _learned(self) -> dict[int, Binding]:
        """The learned bindings to keep (under the lock): the map's, and those the command line overrode whose
        CC and knob have no learned binding now (pruned from :attr:`overridden`)."""
        learned = {cc: t for cc, t in self.map.cc.items() if self.map.origin(cc) == LEARNED}
        self.overridden = {cc: t for cc, t in self.overridden.items()
                           if cc not in learned and t not in learned.values()}
        return {**self.overridden, **learned}

    def save(self) -> None:
        """Write the learned bindings to :attr:`path` atomically; a failure (a full or read-only disk) is a
        warning: the bindings hold until the box restarts."""
        if self.path is None:
            return
        from export.atomic import write_atomic
        with self._saving:
            with self.lock:
                learned = self._learned()
                extras = midi_saved.saved_extras(self.map.learning, self.kept_channels)
            data = {"version": 1, "learned": {str(cc): f"{s}.{n}" for cc, (s, n) in sorted(learned.items())},
                    **extras}
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                write_atomic(self.path, (json.dumps(data, indent=1) + "\n").encode())
            except OSError as exc:
                self.warn(f"the learned MIDI bindings could not be saved in {self.path} ({exc.strerror or exc}): "
                          f"they hold until the box stops")

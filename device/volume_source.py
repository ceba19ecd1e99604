"""Who set the box's output volume, or bypassed a slot, from the network (OSC, the API), and when.

The engine reports the volume (its status's ``volume_db``) but did not say who set it: a stranger's
``/hatbox/volume -60`` over OSC left a silent box and no reason (forty-eighth stop's QA).  OSC (device/osc.py) and the
API's ``PUT /volume`` (device/api/knob_routes.py) send the volume in one message that says who (``by``:
:data:`OSC` or :data:`API`, ``source``: the sender's address or the paired device's name), as they send a bypass;
the engine keeps who from it (device/kept_play.py ``who_of``, which stamps ``set_at`` as it arrives) until a volume
message that says nobody (the panel's, MIDI's), reports it in its status as ``volume_set``
(device/kept_play.py ``volume_set``) and device/knob_store.py keeps it in knobs.json
across a restart.  ``GET /status`` and ``GET /volume`` say that one record (p57 F1: the main process kept a second
copy, with pieces only to keep the two in step; the API's simulated engine, device/api/sim.py, keeps it as the
engine does).

:class:`VolumeSource` keeps who bypassed a slot over the network in this run (:meth:`VolumeSource.note_bypass`; OSC's
``/hatbox/bypass``, the API's ``PUT /bypass/{slot}``): a stranger's ``/hatbox/bypass sampler 1`` silenced the drums
and `hatbox status` said nothing of it (forty-eighth stop's QA).  ``GET /status`` lays those notes over the engine's
own ``bypass_set`` (kept across a restart, p55) while the engine still has that slot bypassed; a bypass message
through the box's control forgets the slot's note (:meth:`VolumeSource.sent`), so a panel's bypass is never claimed
as the stranger's.  One :class:`VolumeSource` per control (:func:`volume_source`: the BoxControl's own), so the OSC
server and the API of one box share it.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any, Callable

from device.kept_play import Who, published_note

OSC, API = "osc", "api"          # how a volume or bypass was set: ``by`` in its message and the published note


@dataclass(frozen=True)
class BypassSet:
    """One bypass of a slot from the network: ``slot``, ``on`` (bypassed, or back in), ``by`` (:data:`OSC` or
    :data:`API`), ``source`` (the OSC sender's address, or the paired device's name), ``at`` (seconds since the
    epoch, the box's clock)."""

    slot: str
    on: bool
    by: str
    source: str
    at: float

    def who(self) -> Who:
        """Who bypassed it, as device/kept_play.py ``who_of`` says it: ``{"by", "source", "set_at"}``."""
        return {"by": self.by, "source": self.source, "set_at": self.at}


class VolumeSource:
    """This run's network bypass of each slot (thread-safe: the OSC thread and the API's workers note them)."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self._bypass: dict[str, BypassSet] = {}

    def sent(self, message: dict[str, Any]) -> None:
        """A control message the box's control sent to the engine: a bypass message forgets the note of its slot
        (OSC and the API note theirs after the send)."""
        if message.get("op") == "bypass":
            with self._lock:
                self._bypass.pop(str(message.get("slot")), None)

    def note_bypass(self, slot: str, on: bool, by: str, source: str) -> BypassSet:
        """Note that ``source`` (by ``by``) bypassed ``slot`` (``on``) or turned it back on, now."""
        change = BypassSet(str(slot), bool(on), by, source, self.clock())
        with self._lock:
            self._bypass[change.slot] = change
        return change

    def bypass_published(self, bypassed: Any) -> dict[str, dict[str, Any]]:
        """The bypass notes as ``GET /status`` gives them, ``{slot: {"by", "source", "at", "ago_s"}}``, of the slots
        the engine's ``bypassed`` ({slot: bool}) has bypassed that were bypassed over the network; {} for none."""
        now = self.clock()
        with self._lock:
            notes = list(self._bypass.values())
        return {n.slot: published_note(n.who(), now)
                for n in notes if n.on and isinstance(bypassed, dict) and bypassed.get(n.slot) is True}

    def bypass_notes(self, engine: dict[str, Any]) -> dict[str, dict[str, Any]]:
        """Who bypassed each slot, as ``GET /status`` and ``GET /bypass`` say it: the engine status ``engine``'s
        own ``bypass_set`` (kept across a restart, p55) with this run's notes laid over it
        (:meth:`bypass_published` of its ``bypassed``); {} for none."""
        kept = engine.get("bypass_set") if isinstance(engine.get("bypass_set"), dict) else {}
        return {**kept, **self.bypass_published(engine.get("bypassed"))}


ATTRIBUTE = "volume_source"     # where a control holds its VolumeSource (hatbox.box_control.BoxControl: its own)
_LOCK = threading.Lock()


def volume_source(control: Any) -> VolumeSource:
    """The :class:`VolumeSource` of ``control`` (the box's engine control, shared by OSC and the API): the
    BoxControl's own (its send forgets a slot's note at each bypass message, :meth:`VolumeSource.sent`), or, for
    another control (the API's simulated one), one set on it as its attribute ``volume_source`` on first use."""
    with _LOCK:
        source = getattr(control, ATTRIBUTE, None)
        if not isinstance(source, VolumeSource):
            source = VolumeSource()
            setattr(control, ATTRIBUTE, source)
        return source


def with_volume_source(control: Any, engine: dict[str, Any]) -> dict[str, Any]:
    """The engine status ``engine`` (as ``GET /status`` answers it) with ``bypass_set``: who bypassed the slots it
    reports bypassed (:meth:`VolumeSource.bypass_notes`); ``engine`` itself when none is known.  Who set the volume
    is the engine's own ``volume_set``, left as it is."""
    source = getattr(control, ATTRIBUTE, None)
    if not isinstance(source, VolumeSource):
        return engine
    bypass = source.bypass_notes(engine)
    return {**engine, "bypass_set": bypass} if bypass else engine

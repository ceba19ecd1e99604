"""Who last set the box's output volume from the network, and when (:class:`VolumeSource`).

The engine reports the volume (its status's ``volume_db``) but not who set it: a stranger's ``/hatbox/volume -60``
over OSC left a silent box and no reason (forty-eighth stop's QA).  OSC (device/osc.py) and the API's ``PUT /volume``
(device/api/knob_routes.py) send each change with who made it, which is noted here; ``GET /status`` publishes the
note in the engine's status as ``volume_set`` while the engine's volume is still the one noted.  Every other volume
message through the box's control (hatbox.box_control.BoxControl: the panel's, MIDI's) forgets the note once the
engine took it, so a turn of the panel clears it for good (a detour back to the noted value is not claimed again).  One
:class:`VolumeSource` per control (:func:`volume_source`: the BoxControl's own), so the OSC server and the API of
one box share it.

The same record keeps who bypassed a slot over the network (:meth:`VolumeSource.note_bypass`; OSC's
``/hatbox/bypass``, the API's ``PUT /bypass/{slot}``): a stranger's ``/hatbox/bypass sampler 1`` silenced the drums and
`hatbox status` said nothing of it (forty-eighth stop's QA).  ``GET /status`` publishes it as the engine's
``bypass_set`` ({slot: note}) while the engine still has that slot bypassed; a bypass message through the box's
control forgets the slot's note (:meth:`VolumeSource.sent`), so a panel's bypass is never claimed as the stranger's.

p56 QA_A: who set the volume is kept with it across a restart, as a bypass's who is (device/kept_play.py).  OSC and
PUT /volume send the volume in one message that says who (``by``, ``source``, ``set_at``: :meth:`VolumeSource.stamp`);
the engine keeps who set its volume (its status's ``volume_set``, :func:`engine_volume_set`) until a volume message
that says nobody (the panel's, MIDI's), and device/knob_store.py writes it in knobs.json beside ``volume_db`` and puts
it back at the start, so ``GET /volume`` and `hatbox status` say "set by 'vm' at 14:11" again (they read the
engine's ``volume_set`` when this run noted nothing, p56 MR2).  The box's
control notes who from that same message as it sends it (:meth:`VolumeSource.sent`); only a control that does not
(the API's simulated one) has it noted after the send (:meth:`VolumeSource.heard`).  p56 review R4: a second message
of the same value, sent after the first to say who, undid a panel turn that came in between.
"""
from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable, Optional

OSC, API = "osc", "api"          # how a volume was set: ``by`` in the published note
SAME_DB = 1e-6                   # dB: the engine's volume_db is the float that was sent; this only absorbs rounding
WHO_KEYS = ("by", "source", "set_at")   # what a volume message (or knobs.json's "volume_set") says of who set it


@dataclass(frozen=True)
class VolumeSet:
    """One change of the output volume: ``db`` (dB), ``by`` (:data:`OSC` or :data:`API`), ``source`` (the OSC
    sender's address, or the paired laptop's name), ``at`` (seconds since the epoch, the box's clock)."""

    db: float
    by: str
    source: str
    at: float


@dataclass(frozen=True)
class BypassSet:
    """One bypass of a slot from the network: ``slot``, ``on`` (bypassed, or back in), ``by``, ``source``, ``at``
    (as :class:`VolumeSet`)."""

    slot: str
    on: bool
    by: str
    source: str
    at: float


class VolumeSource:
    """The last network change of the output volume, and of each slot's bypass (thread-safe: the OSC thread and the
    API's workers note them)."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self._last: Optional[VolumeSet] = None
        self._bypass: dict[str, BypassSet] = {}
        self.fed = False           # the box's control hands this every message it sends (:meth:`sent`)

    def stamp(self, message: dict[str, Any], by: str, source: str) -> dict[str, Any]:
        """``message`` (a volume message) saying who sends it and when (now: :func:`stamped`)."""
        return stamped(message, by, source, self.clock())

    def note(self, db: float, by: str, source: str) -> VolumeSet:
        """Note that ``source`` set the volume to ``db`` dB (by ``by``) now."""
        change = VolumeSet(float(db), by, source, self.clock())
        with self._lock:
            self._last = change
        return change

    def heard(self, message: dict[str, Any]) -> None:
        """A volume message that says who (:meth:`stamp`) went to the engine: noted here unless the control that sent
        it noted it as it sent it (:attr:`fed`: noted again now, it would undo a panel turn that came in between)."""
        change = None if self.fed else _change_of(message)
        if change is not None:
            with self._lock:
                self._last = change

    def forget(self) -> None:
        """Forget the note: the volume was set otherwise (the panel's turn through the box's control: a note kept
        would be claimed again once the volume came back to its value, p48 review)."""
        with self._lock:
            self._last = None

    def last(self) -> Optional[VolumeSet]:
        with self._lock:
            return self._last

    def sent(self, message: dict[str, Any]) -> None:
        """A control message the box's control sent to the engine: a volume message forgets the volume's note, a
        bypass message the note of its slot (OSC and the API note theirs after the send); a volume message that says
        who (:meth:`stamp`) is that note."""
        self.fed = True
        if message.get("op") == "volume":
            change = _change_of(message)
            with self._lock:                 # a message that says who (:meth:`stamp`) is the note; any other forgets it
                self._last = change
        elif message.get("op") == "bypass":
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
        return {n.slot: {"by": n.by, "source": n.source, "at": n.at, "ago_s": max(0.0, now - n.at)}
                for n in notes if n.on and isinstance(bypassed, dict) and bypassed.get(n.slot) is True}

    def bypass_notes(self, engine: dict[str, Any]) -> dict[str, dict[str, Any]]:
        """Who bypassed each slot, as ``GET /status`` and ``GET /bypass`` say it: the engine status ``engine``'s
        own ``bypass_set`` (kept across a restart, p55) with this run's notes laid over it
        (:meth:`bypass_published` of its ``bypassed``); {} for none."""
        kept = engine.get("bypass_set") if isinstance(engine.get("bypass_set"), dict) else {}
        return {**kept, **self.bypass_published(engine.get("bypassed"))}

    def published(self, volume_db: Any) -> Optional[dict[str, Any]]:
        """The note as ``GET /status`` gives it (``{"db", "by", "source", "at", "ago_s"}``) when the engine's
        ``volume_db`` is still the volume noted; None when nothing was noted or the volume moved since."""
        last = self.last()
        if last is None or not _number(volume_db) or abs(float(volume_db) - last.db) > SAME_DB:
            return None
        return {"db": last.db, "by": last.by, "source": last.source, "at": last.at,
                "ago_s": max(0.0, self.clock() - last.at)}


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def stamped(message: dict[str, Any], by: str, source: str, at: float) -> dict[str, Any]:
    """``message`` (a volume message) saying who sent it and when: ``by``, ``source``, ``set_at`` (``at``, seconds
    since the epoch), the keys the engine keeps with the volume (device.kept_play.who_of) and knobs.json too."""
    return {**message, "by": by, "source": source, "set_at": at}


def _change_of(message: dict[str, Any]) -> Optional[VolumeSet]:
    """The note a volume message says (``by``, ``source``, ``set_at``: :meth:`VolumeSource.stamp`'s), None for one
    that says nobody (the panel's, MIDI's)."""
    by, source, at = (message.get(k) for k in WHO_KEYS)
    if not (isinstance(by, str) and by and isinstance(source, str) and _number(at) and _number(message.get("db"))):
        return None
    return VolumeSet(float(message["db"]), by, source, float(at))


def engine_volume_set(volume_db: float, who: dict[str, Any], now: float) -> dict[str, Any]:
    """The engine status's ``volume_set``: ``{"db", "by", "source", "at", "ago_s"}`` of the volume it plays when the
    volume message that set it said who (``who``: device.kept_play.who_of of it; {} for nobody), else {}."""
    if not who:
        return {}
    return {"volume_set": {"db": float(volume_db), "by": who["by"], "source": who["source"], "at": who["set_at"],
                           "ago_s": max(0.0, now - who["set_at"])}}


ATTRIBUTE = "volume_source"     # where a control holds its VolumeSource (hatbox.box_control.BoxControl: its own)
_LOCK = threading.Lock()


def volume_source(control: Any) -> VolumeSource:
    """The :class:`VolumeSource` of ``control`` (the box's engine control, shared by OSC and the API): the
    BoxControl's own (its send notes who from each volume message, :meth:`VolumeSource.sent`), or, for another
    control (the API's simulated one), one set on it as its attribute ``volume_source`` on first use."""
    with _LOCK:
        source = getattr(control, ATTRIBUTE, None)
        if not isinstance(source, VolumeSource):
            source = VolumeSource()
            setattr(control, ATTRIBUTE, source)
        return source


def with_volume_source(control: Any, engine: dict[str, Any]) -> dict[str, Any]:
    """The engine status ``engine`` (as ``GET /status`` answers it) with ``volume_set``: who set the volume it
    reports, and when (:meth:`VolumeSource.published`), and ``bypass_set``: who bypassed the slots it reports
    bypassed (:meth:`VolumeSource.bypass_notes`); ``engine`` itself when neither is known."""
    source = getattr(control, ATTRIBUTE, None)
    if not isinstance(source, VolumeSource):
        return engine
    said, bypass = source.published(engine.get("volume_db")), source.bypass_notes(engine)
    return {**engine, **({"volume_set": said} if said else {}), **({"bypass_set": bypass} if bypass else {})}

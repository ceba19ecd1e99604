"""Who last set the box's output volume from the network, and when (:class:`VolumeSource`).

The engine reports the volume (its status's ``volume_db``) but not who set it: a stranger's ``/hatbox/volume -60``
over OSC left a silent box and no reason (forty-eighth stop's QA).  OSC (device/osc.py) and the API's ``PUT /volume``
(device/api/knob_routes.py) note each change here; ``GET /status`` publishes the note in the engine's status as
``volume_set`` while the engine's volume is still the one noted (a later turn on the panel, which notes nothing,
makes it stale: then nothing is claimed).  One :class:`VolumeSource` per control (:func:`volume_source`), so the
OSC server and the API of one box share it.
"""
from __future__ import annotations

import threading
import time
import weakref
from dataclasses import dataclass
from typing import Any, Callable, Optional

OSC, API = "osc", "api"          # how a volume was set: ``by`` in the published note
SAME_DB = 1e-6                   # dB: the engine's volume_db is the float that was sent; this only absorbs rounding


@dataclass(frozen=True)
class VolumeSet:
    """One change of the output volume: ``db`` (dB), ``by`` (:data:`OSC` or :data:`API`), ``source`` (the OSC
    sender's address, or the paired laptop's name), ``at`` (seconds since the epoch, the box's clock)."""

    db: float
    by: str
    source: str
    at: float


class VolumeSource:
    """The last network change of the output volume (thread-safe: the OSC thread and the API's workers note it)."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self._last: Optional[VolumeSet] = None

    def note(self, db: float, by: str, source: str) -> VolumeSet:
        """Note that ``source`` set the volume to ``db`` dB (by ``by``) now."""
        change = VolumeSet(float(db), by, source, self.clock())
        with self._lock:
            self._last = change
        return change

    def last(self) -> Optional[VolumeSet]:
        with self._lock:
            return self._last

    def published(self, volume_db: Any) -> Optional[dict[str, Any]]:
        """The note as ``GET /status`` gives it (``{"db", "by", "source", "at", "ago_s"}``) when the engine's
        ``volume_db`` is still the volume noted; None when nothing was noted or the volume moved since."""
        last = self.last()
        if last is None or not _number(volume_db) or abs(float(volume_db) - last.db) > SAME_DB:
            return None
        return {"db": last.db, "by": last.by, "source": last.source, "at": last.at,
                "ago_s": max(0.0, self.clock() - last.at)}


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


_SOURCES: dict[int, tuple[Any, VolumeSource]] = {}     # id(control) -> (a weak reference to it, its source)
_SOURCES_LOCK = threading.Lock()


def _forget(key: int) -> Callable[[Any], None]:
    def forget(_ref: Any) -> None:
        with _SOURCES_LOCK:
            _SOURCES.pop(key, None)
    return forget


def _ref(control: Any) -> Any:
    """A weak reference to ``control`` that forgets its source when it goes (a strong one if it cannot be weak)."""
    try:
        return weakref.ref(control, _forget(id(control)))
    except TypeError:
        return lambda: control


def _held(control: Any) -> Optional[VolumeSource]:
    """``control``'s source, if any (under the lock): an entry of a control gone whose id came back is not it."""
    entry = _SOURCES.get(id(control))
    return entry[1] if entry is not None and entry[0]() is control else None


def volume_source(control: Any) -> VolumeSource:
    """The :class:`VolumeSource` of ``control`` (the box's engine control, shared by OSC and the API), made on first
    use; kept apart from the control object (any object: hashable or not), for as long as it lives."""
    with _SOURCES_LOCK:
        source = _held(control)
        if source is None:
            source = VolumeSource()
            _SOURCES[id(control)] = (_ref(control), source)
        return source


def with_volume_source(control: Any, engine: dict[str, Any]) -> dict[str, Any]:
    """The engine status ``engine`` (as ``GET /status`` answers it) with ``volume_set``: who set the volume it
    reports, and when (:meth:`VolumeSource.published`); ``engine`` itself when that is not known."""
    with _SOURCES_LOCK:
        source = _held(control)
    said = source.published(engine.get("volume_db")) if source is not None else None
    return engine if said is None else {**engine, "volume_set": said}

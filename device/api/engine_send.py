"""One control message from a route to the audio engine, through the box's control (as the panel, MIDI and OSC send
theirs), its failure turned into the HTTP answer in the route's own words (:class:`Unsent`): a stopped engine is a
503 "engine stopped" (device/api/errors.py ``_engine_stopped``), a message the engine refused a 422 "rejected".

The knob, volume and bypass routes (device/api/knob_routes.py, device/api/bypass_routes.py) send through it; before
(forty-ninth stop) each had its own copy of this, differing only in words."""
from __future__ import annotations

from typing import Any, NamedTuple

from fastapi import Request

from device.api.errors import ApiError, _engine_stopped
from device.api.state import box_of
from device.control import EngineStoppedError
from hatbox.errors import HatboxError, first_line


class Unsent(NamedTuple):
    """What a route says when its message did not reach the engine, e.g. for a knob: ``undone`` "knob 'gain' was
    not turned", ``kept`` "it stays where it was", ``later`` "it may yet turn once the engine answers" (said only
    when the engine may still act on it), ``refused`` "the engine did not turn knob 'gain'" (the engine's reason
    follows it)."""

    undone: str
    kept: str
    later: str
    refused: str


def send(request: Request, msg: dict[str, Any], words: Unsent) -> None:
    """Send ``msg`` (a control message: a dict with "op") to the engine; 503 when the engine did not take it, 422
    with the engine's reason (its first line) when it refused it, both in ``words``."""
    try:
        box_of(request).control.send(msg)
    except EngineStoppedError as exc:
        raise _engine_stopped(exc, words.undone, words.kept, words.later) from None
    except HatboxError as exc:
        raise ApiError(422, "rejected", f"{words.refused}: {first_line(exc)}") from None

"""The knob routes (device/api/app.py adds them): ``GET /knobs`` lists the knobs of the packs the engine plays, each
with its value, range, unit and default; ``PUT /knobs/{slot}/{name}`` turns one, through the same control as the
panel, MIDI and OSC (the box's BoxControl: MIDI pick-up learns the value).  Before (forty-second stop's QA) only the
panel, a MIDI CC and unauthenticated OSC turned knobs, and nothing on the laptop showed where they stood.

``GET /volume`` and ``PUT /volume`` ``{"db"}`` read and set the output volume (-60..+6 dB, as OSC and the panel set
it), with who set it over the network (OSC's sender, or a paired device: the engine status's ``volume_set``,
device/kept_play.py).  Before (forty-eighth stop's QA) only the panel or OSC itself could bring back a volume a
stranger's OSC had set to -60 dB."""
from __future__ import annotations

import logging
import time
from typing import Any, Callable, Literal, Optional

from fastapi import FastAPI, Request
from pydantic import BaseModel, Field

from device.api.engine_send import Unsent, send
from device.api.errors import ApiError, _engine_stopped, _errors
from device.api.state import box_of, say_in_log
from device.control import VOLUME_DB_RANGE, EngineStoppedError
from device.knob_words import knob_number, volume_number
from device.midi import KNOB_SLOTS
from device.kept_play import API, OSC
from export.manifest import Knob, Manifest
from hatbox.errors import HatboxError, first_line
from hatbox.text import number_outside

log = logging.getLogger("hatbox.api")

KnobSlot = Literal["effect", "synth"]        # device.midi.KNOB_SLOTS, as the path parameter's type


class BoxKnob(BaseModel):
    """One knob of a pack the engine plays, in the pack's own units."""

    slot: str = Field(description="effect or synth")
    pack: str = Field(description="the name of the pack playing in the slot")
    name: str = Field(description="the knob's name, as its pack spells it")
    value: float = Field(description="where the knob stands now")
    min: float
    max: float
    default: float = Field(description="where the pack starts it (a knob the player set carries over to a pack "
                                       "switched in with the same knob: docs/engine.md)")
    unit: str = Field(description="e.g. dB, Hz, %; empty for none")
    scale: str = Field(description="linear or log (how the panel's dial and a MIDI CC travel it)")
    warning: Optional[str] = Field(None, description="set while the box cannot keep the knobs on its disk (e.g. it "
                                                     "is full): they play as turned, but a restart brings them back "
                                                     "as last kept (the engine status's knobs_not_kept)")


class KnobTurn(BaseModel):
    value: float = Field(allow_inf_nan=False, description="the new value, in the knob's unit, within min..max")


def _manifest(path: Any) -> Optional[Manifest]:
    """The manifest of the pack file at ``path`` (what the engine reports it plays), or None when it cannot be
    read (its file went: the knob's range is then not known here)."""
    from export.pack import read_manifest
    try:
        return read_manifest(str(path))
    except (HatboxError, OSError, ValueError) as exc:
        log.warning("cannot read the knobs of %s: %s", path, first_line(exc))
        return None


def _engine(request: Request, unread: str = "the knobs could not be read", kept: str = "nothing was changed",
            ) -> dict[str, Any]:
    """The engine's status; 503 when the engine does not answer, in words of what was being read (``unread``) and
    what stands (``kept``): after a change was sent, that it was made (p48 review: "nothing was changed" after a
    volume the engine took)."""
    try:
        return dict(box_of(request).control.status())
    except EngineStoppedError as exc:
        raise _engine_stopped(exc, unread, kept, "") from None


def _knob(slot: str, pack: str, knob: Knob, values: dict[str, Any]) -> BoxKnob:
    value = values.get(knob.name)
    return BoxKnob(slot=slot, pack=pack, name=knob.name, value=float(value if value is not None else knob.default),
                   min=knob.min, max=knob.max, default=knob.default, unit=knob.unit, scale=knob.scale)


def slot_knobs(status: dict[str, Any], slot: str) -> tuple[Optional[Manifest], list[BoxKnob]]:
    """The manifest of the pack ``slot`` plays (None: empty, or its file unreadable) and its knobs as
    :class:`BoxKnob`, their values from the engine's ``slot_knobs`` (a knob never turned: its default)."""
    info = (status.get("active") or {}).get(slot)
    if not isinstance(info, dict) or not info.get("path"):
        return None, []
    manifest = _manifest(info["path"])
    if manifest is None:
        return None, []
    values = (status.get("slot_knobs") or {}).get(slot) or {}
    pack = str(info.get("name") or manifest.name)
    return manifest, [_knob(slot, pack, k, values) for k in manifest.knobs]


def _find(status: dict[str, Any], slot: str, name: str) -> BoxKnob:
    """The knob ``name`` (any case) of the pack in ``slot``; 409 for an empty slot, 404 for no such knob."""
    manifest, knobs = slot_knobs(status, slot)
    if manifest is None:
        raise ApiError(409, "no pack", f"no pack plays in the {slot} slot, so it has no knob '{name}' to turn",
                       hint=f"make a {slot} pack active first (hatbox box-pack ID --activate)")
    found = next((k for k in knobs if k.name.casefold() == name.casefold()), None)
    if found is None:
        have = f"its knobs: {', '.join(k.name for k in knobs)}" if knobs else "it has no knobs"
        raise ApiError(404, "not found", f"the {slot} pack '{manifest.name}' has no knob '{name}' ({have})",
                       hint="hatbox box-knob lists the knobs of what plays")
    return found


def _now(knob: BoxKnob, status: dict[str, Any]) -> BoxKnob:
    """``knob`` as it stands in the engine's ``status`` (its ``slot_knobs``) after a turn, its pack's manifest not read
    again (the pack playing: a switch meanwhile reads as the knob's value of the pack playing now)."""
    value = ((status.get("slot_knobs") or {}).get(knob.slot) or {}).get(knob.name)
    return knob if value is None else knob.model_copy(update={"value": float(value)})


KEEP_WAIT_S = 0.5        # how long a turn's answer waits for the box to write its knob file (at once when idle)


def _unkept(status: dict[str, Any]) -> Optional[str]:
    """The engine's warning that the knobs are not being kept on the box's disk (device/knob_store.py), or None."""
    words = status.get("knobs_not_kept")
    return words if isinstance(words, str) and words else None


def _kept_after_turn(request: Request, knob: BoxKnob) -> dict[str, Any]:
    """The engine's status once the knob file's write that a turn set off is done (it starts at once unless one was
    written less than a second ago; then the last write's outcome is what is known), at most :data:`KEEP_WAIT_S`."""
    words = (f"knob '{knob.name}' was turned; where it stands now could not be read",
             "hatbox box-knob shows it once the engine answers")
    return status_until(lambda: _engine(request, *words), lambda s: not (s.get("knobs_keep") or {}).get("pending"))


def status_until(read: Callable[[], dict[str, Any]], done: Callable[[dict[str, Any]], bool],
                 status: Optional[dict[str, Any]] = None, every: float = 0.01,
                 seconds: Optional[float] = None) -> dict[str, Any]:
    """The engine's status (``read``; ``status``: one read already) once ``done`` says so, read again every ``every``
    seconds for at most ``seconds`` (None: :data:`KEEP_WAIT_S`); the last one read when the time is up."""
    end = time.monotonic() + (KEEP_WAIT_S if seconds is None else seconds)
    status = read() if status is None else status
    while not done(status) and time.monotonic() < end:
        time.sleep(every)
        status = read()
    return status


def _warned(knob: BoxKnob, status: dict[str, Any]) -> BoxKnob:
    """``knob`` with the status's warning of knobs not kept, if any."""
    words = _unkept(status)
    return knob if words is None else knob.model_copy(update={"warning": words})


def _in_range(knob: BoxKnob, value: float) -> float:
    """``value`` checked against ``knob``'s range as the engine checks it (export.manifest.Knob.check); 422
    naming the range otherwise, and where the knob was left as `hatbox box-knob` shows it (``knob_number``: "0.1 dB",
    p57 FR3 1: the refusal said "0.115407 dB" where box-knob had printed "0.1 dB")."""
    spec = Knob(knob.name, knob.min, knob.max, knob.default, knob.unit, knob.scale)
    try:
        return spec.check(value)
    except HatboxError:
        unit = f" {knob.unit}" if knob.unit else ""
        raise ApiError(422, "out of range", f"knob '{knob.name}' of the {knob.slot} pack '{knob.pack}' goes from "
                       f"{knob.min:g} to {knob.max:g}{unit}, not {value:g}{unit}; it was left at "
                       f"{knob_number(knob.value, knob.min, knob.max, knob.scale)}{unit}") from None


def _turn(request: Request, knob: BoxKnob, value: float) -> None:
    """Send the knob message through the box's control (as the panel, MIDI and OSC do)."""
    send(request, {"op": "knob", "slot": knob.slot, "name": knob.name, "value": value},
         Unsent(f"knob '{knob.name}' was not turned", "it stays where it was",
                "it may yet turn once the engine answers", f"the engine did not turn knob '{knob.name}'"))


class OutputVolume(BaseModel):
    """The box's output volume (after the mix and the effect, before the protective output stage), in dB."""

    db: float = Field(description="the output volume now, dB (0: as the packs play)")
    min: float = Field(VOLUME_DB_RANGE[0], description="the quietest it goes, dB")
    max: float = Field(VOLUME_DB_RANGE[1], description="the loudest it goes, dB")
    default: float = Field(0.0, description="where the box starts it, dB")
    unit: str = "dB"
    set_by: Optional[str] = Field(None, description="how it was set, when it was set over the network and has not "
                                                    "moved since: 'osc' or 'api' (absent: the panel, or not known)")
    set_from: Optional[str] = Field(None, description="the OSC sender's address, or the paired device's name")
    set_ago_s: Optional[float] = Field(None, description="how long ago it was set, s")


class VolumeTurn(BaseModel):
    # the range is in the schema (minimum, maximum) but checked by the route: its refusal says it in words (a 422)
    db: float = Field(allow_inf_nan=False, description="the new output volume in dB, within min..max",
                      json_schema_extra={"minimum": VOLUME_DB_RANGE[0], "maximum": VOLUME_DB_RANGE[1]})


def _volume_db(status: dict[str, Any]) -> float:
    """The engine status's ``volume_db`` (0 dB when it gives none: an engine from before it)."""
    value = status.get("volume_db")
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0.0


def _output_volume(status: dict[str, Any]) -> OutputVolume:
    """The volume ``status`` reports, with who set it while that is still so: the engine's own ``volume_set``
    (kept across a restart), as ``GET /status`` says it."""
    said = status.get("volume_set") if isinstance(status.get("volume_set"), dict) else {}
    return OutputVolume(db=_volume_db(status), set_by=said.get("by"), set_from=said.get("source"),
                        set_ago_s=said.get("ago_s"))


UNREAD_VOLUME = "the output volume could not be read"


def _volume_in_range(db: float, was: float) -> float:
    """``db`` checked against :data:`VOLUME_DB_RANGE`; 422 naming the range otherwise (OSC clamps: a fader's
    overshoot; a number typed on the laptop out of range is a mistake to say); ``was``: the volume left, written as
    everywhere (``volume_number``)."""
    lo, hi = VOLUME_DB_RANGE
    if not lo <= db <= hi:           # the number with the digits that show it outside: "not 6.0000001 dB", never "6"
        raise ApiError(422, "out of range", f"the output volume goes from {lo:g} to {hi:+g} dB, not "
                       f"{number_outside(db, lo, hi)} dB; it was left at {volume_number(was)} dB")
    return db


UNSET_VOLUME = Unsent("the volume was not set", "it stays where it was", "it may yet change once the engine answers",
                      "the engine did not set the volume")


def _set_volume(request: Request, db: float, who: str) -> None:
    """Send the volume message through the box's control (as the panel and OSC do), saying ``who`` set it (the
    paired device's name) in that one message, as a bypass says it: the engine keeps who, stamped as it arrives,
    with the volume across a restart (a second message that said who undid a panel turn made in between: p56
    review R4)."""
    send(request, {"op": "volume", "db": db, "by": API, "source": who}, UNSET_VOLUME)


def _was_words(volume: OutputVolume) -> str:
    """"was -60 dB, set over OSC from 192.0.2.7": the volume before a change, for the log line."""
    how = {OSC: "over OSC from", API: "by"}.get(volume.set_by or "")
    return f"was {volume.db:g} dB" + (f", set {how} {volume.set_from}" if how else "")


def _add_volume_routes(app: FastAPI, auth: Any) -> None:
    @app.get("/volume", response_model=OutputVolume, response_model_exclude_none=True, dependencies=[auth],
             responses=_errors(401, 503))
    def get_volume(request: Request) -> OutputVolume:
        return _output_volume(_engine(request, UNREAD_VOLUME))

    @app.put("/volume", response_model=OutputVolume, response_model_exclude_none=True,
             responses=_errors(401, 422, 503))
    def put_volume(request: Request, body: VolumeTurn, token_id: str = auth) -> OutputVolume:
        before = _output_volume(_engine(request, UNREAD_VOLUME))
        db = _volume_in_range(body.db, before.db)
        _set_volume(request, db, box_of(request).tokens.name(token_id))
        say_in_log(request, f"output volume set to {db:g} dB ({_was_words(before)})")
        after = (f"the output volume was set to {db:g} dB; its new value could not be read",
                 "hatbox box-knob volume shows it once the engine answers")
        return _output_volume(_engine(request, *after))


def _add_knob_routes(app: FastAPI, auth: Any) -> None:
    _add_volume_routes(app, auth)
    @app.get("/knobs", response_model=list[BoxKnob], response_model_exclude_none=True, dependencies=[auth],
             responses=_errors(401, 503))
    def list_knobs(request: Request) -> list[BoxKnob]:
        status = _engine(request)
        return [_warned(k, status) for slot in KNOB_SLOTS for k in slot_knobs(status, slot)[1]]

    @app.put("/knobs/{slot}/{name}", response_model=BoxKnob, response_model_exclude_none=True, dependencies=[auth],
             responses=_errors(401, 404, 409, 422, 503))
    def turn_knob(request: Request, slot: KnobSlot, name: str, body: KnobTurn) -> BoxKnob:
        knob = _find(_engine(request), slot, name)
        value = _in_range(knob, body.value)
        _turn(request, knob, value)
        say_in_log(request, f"knob {slot}.{knob.name} turned to {value:g}{' ' + knob.unit if knob.unit else ''}")
        status = _kept_after_turn(request, knob)
        return _warned(_now(knob, status), status)

"""The box's MIDI program map routes (device/midi_programs.py): which pack a program change switches in.

``GET /midi/programs`` lists the map (each program's pack, whether it is still on the box and what plays for it now)
and what the last program change did; ``PUT /midi/programs/{program}`` maps a program (0..127, optionally on one
MIDI channel) to an installed effect or synth pack, by id or by name (a name follows the newest pack of that name);
``DELETE /midi/programs/{program}`` clears it; ``POST /midi/programs/{program}/fire`` does what a MIDI program change
does (for a laptop or a script with no MIDI port: :func:`fire_program`).  Authenticated as every route.

:func:`attach_programs` (called per app by device/api/app.py) makes the box's
:class:`~device.midi_programs.ProgramSwitcher` (kept on
``app.state.programs``), hands it to the box's MIDI map (``Box.midi``: the MIDI reader's program changes reach it)
and, where the box's control takes status watchers (hatbox/box_control.py ``BoxControl``), puts what the last
program change did in the engine status (``midi_program``: ``GET /status``, hatbox status).
"""
from __future__ import annotations

from typing import Any, Optional

from fastapi import FastAPI, Path, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from device.api.errors import ApiError, _errors
from device.api.slot_routes import device_of
from device.api.state import box_of, say_in_log
from device.api.box import stopping_error
from device.api.change_words import mapped_words, pack_label
from device.api.program_mapping import LIST_HINT, map_program, who_mapped
from device.midi_programs import (PROGRAMS_FILE, SETTLE_S, STOPPED, SUPERSEDED, UNMAPPED, Entry, Hooks, ProgramMap,
                                  ProgramSwitcher, broken_by_delete, broken_words, check_program, program_words,
                                  resolve)
from hatbox.errors import HatboxError, first_line

PROGRAM = Path(ge=0, le=127, description="the MIDI program, 0..127 as the message carries it")


class ProgramRow(BaseModel):
    program: int = Field(description="the MIDI program, 0..127 as the message carries it")
    channel: Optional[int] = Field(description="the MIDI channel 1..16 it answers on; null: any channel")
    pack: str = Field(description="the id of the pack it was mapped to")
    kind: str
    name: str
    version: str
    follow: bool = Field(description="mapped by name: the newest installed pack of that kind and name plays")
    installed: bool = Field(description="the pack mapped is still on the box")
    plays: Optional[str] = Field(description="the id of the pack a program change switches in now; null: none")
    note: str = Field(description="why another pack plays for it, or none ('' when the pack mapped does)")
    plays_name: Optional[str] = Field(None, description="the name of the pack it plays now (null: none)")
    plays_version: Optional[str] = Field(None, description="the version of the pack it plays now (null: none)")


class ProgramList(BaseModel):
    programs: list[ProgramRow]
    last: Optional[dict[str, Any]] = Field(description="what the last program change did: program, channel, at "
                                           "(seconds since the epoch), ok, result (switched, playing, unmapped, "
                                           "refused), source (MIDI, 'OSC 192.0.2.7', or the paired device's name in "
                                           "quotes), pack, slot, message, waited_ms, switch_ms")
    midi: str = Field(description="on or off: whether the box's MIDI input is open (program changes come in)")
    settle_ms: int = Field(description="a program change switches once no other has come for this long")
    warnings: list[str]


class ProgramSet(BaseModel):
    pack: str = Field(max_length=256, description="an installed effect or synth pack's id, or its name")
    channel: Optional[int] = Field(None, ge=1, le=16, description="answer on this MIDI channel only (null: any)")
    follow: Optional[bool] = Field(None, description="play the newest pack of this name (default: true when `pack` "
                                   "is a name, false when it is an id)")


class ProgramResult(BaseModel):
    mapped: Optional[ProgramRow] = Field(description="the program's mapping now; null: cleared")
    replaced: Optional[ProgramRow] = Field(description="the mapping it replaced (or cleared)")
    message: str


class ProgramFired(BaseModel):
    program: int = Field(description="the MIDI program fired, 0..127")
    channel: Optional[int] = Field(description="the MIDI channel 1..16 it was fired on; null: any channel's mapping")
    pack: Optional[str] = Field(description="the id of the pack that plays for it now")
    slot: Optional[str] = Field(description="the slot it plays in: effect or synth")
    switched: bool = Field(description="true: it was switched in now; false: it played already")
    switch_ms: Optional[float] = Field(description="how long the switch took (null: nothing was switched)")
    message: str


FIRE_WAIT_S = 20.0          # how long POST /midi/programs/{program}/fire waits for its switch (a cold load: ~0.5 s)


class BrokenProgram(BaseModel):
    program: int
    channel: Optional[int] = Field(description="the MIDI channel 1..16 of the mapping; null: any channel")
    plays: Optional[str] = Field(description="the id of the pack it plays now; null: it switches nothing")
    message: str


class PackDeleted(BaseModel):
    """``DELETE /packs/{id}`` with ``Prefer: return=representation``: the set-list programs the deletion changed."""
    id: str
    programs: list[BrokenProgram] = Field(description="the programs that played the pack: what each plays now")


def pack_deleted(request: Request, pack_id: str) -> Response:
    """The answer of ``DELETE /packs/{pack_id}`` once the pack is deleted (device/api/pack_routes.py calls it through
    ``app.state.pack_deleted``): the programs that played it (p44 regression QA: a set list silently switched
    nothing), said in the box's log and, with ``Prefer: return=representation``, answered (200, :class:`PackDeleted`);
    a plain 204 otherwise, as before."""
    box, switcher = box_of(request), request.app.state.programs
    gone = box.store.deleted.get(pack_id)
    broken = [] if gone is None else broken_by_delete(switcher.programs.listed(), box.store.list() + [gone], pack_id)
    rows = [BrokenProgram(program=e.program, channel=e.to_json()["channel"], plays=None if after is None else
                          str(after["id"]), message=broken_words(e, after, done=True)) for e, after in broken]
    _say_deleted(request, pack_id, gone, [r.message + mapped_words(who_mapped(box, e)) for r, (e, _) in
                                          zip(rows, broken)])
    if "return=representation" not in request.headers.get("prefer", ""):
        return Response(status_code=204)
    return JSONResponse(PackDeleted(id=pack_id, programs=rows).model_dump())


def _say_deleted(request: Request, pack_id: str, gone: dict[str, Any] | None, programs: list[str]) -> None:
    """The deletion's line in the box's log: "pack fuzz 1.0.0 (ID, laptopA's) deleted" by whom, then the set-list
    programs it changed, each with who mapped it (p57 QA_D 6: "DELETE /packs/ID by ...", or the "by" after the set
    list's clause and the mapping's author not named)."""
    said = pack_label(gone) if gone is not None else f"pack {pack_id}"
    say_in_log(request, f"{said} deleted", ": " + "; ".join(programs) if programs else "")


def _switcher(request: Request) -> ProgramSwitcher:
    """The box's program switcher, handed to the box's MIDI map if that came after the app (tests, a late start)."""
    switcher: ProgramSwitcher = request.app.state.programs
    hub = box_of(request).midi
    if hub is not None and getattr(hub, "programs", None) is not switcher:
        hub.programs = switcher
    return switcher


def make_switcher(box: Any) -> ProgramSwitcher:
    """The switcher for ``box`` (device/api/box.py Box): its store's map, its own activation, which asks whether
    the switcher is stopping once it holds the box's install lock (``Box.activate``'s ``stopping``)."""
    def activate(pid: str) -> str | None:
        return box.activate(pid, stopping=lambda: switcher.stopping).previous
    hooks = Hooks(packs=box.store.list, playing=box.playing, activate=activate,
                  prewarm=lambda kind, pid: box.control.send({"op": "prewarm", "slot": kind,
                                                              "path": str(box.store.pack_path(pid))}))
    switcher = ProgramSwitcher(ProgramMap(box.store.root / PROGRAMS_FILE), hooks)
    return switcher


def attach_programs(app: FastAPI) -> None:
    """The app's own program switcher, on its box's MIDI hub, control watchers and install hooks (one per app)."""
    box = app.state.box
    app.state.pack_deleted = pack_deleted       # DELETE /packs/{id}'s answer (device/api/pack_routes.py: one line)
    app.state.programs = box.programs = switcher = make_switcher(box)     # box.programs: stopped with the box
    if box.midi is not None:
        box.midi.programs = switcher
    watchers = getattr(box.control, "watchers", None)
    if isinstance(watchers, list):
        watchers[:] = [w for w in watchers if not isinstance(getattr(w, "__self__", None), ProgramSwitcher)]
        watchers.append(switcher.add_status)
    hooks = box.store.on_install          # a new version a program follows is prepared ahead as it is installed
    hooks[:] = [h for h in hooks if not isinstance(getattr(h, "__self__", None), ProgramSwitcher)]
    hooks.append(switcher.installed)


def _row(entry: Entry, packs: list[dict[str, Any]]) -> ProgramRow:
    pack, note = resolve(entry, packs)
    return ProgramRow(**entry.to_json(), installed=any(p.get("id") == entry.pack for p in packs),
                      plays=None if pack is None else str(pack["id"]), note=note,
                      plays_name=None if pack is None else str(pack.get("name", "")),
                      plays_version=None if pack is None else str(pack.get("version", "")))


def _check(program: int, channel: Optional[int]) -> Optional[int]:
    """The channel 0..15 (None: any); 422 for a program outside 0..127 or a channel outside 1..16."""
    zero = None if channel is None else channel - 1
    try:
        check_program(program, zero)
    except HatboxError as exc:
        raise ApiError(422, "rejected", first_line(exc), hint="a program is 0..127, a channel 1..16") from None
    return zero


def _channels_of(switcher: ProgramSwitcher, program: int) -> str:
    """" (it is mapped on channel 3, 10: give the channel)" for a program mapped on channels of their own only."""
    channels = [str(e.channel + 1) for e in switcher.programs.listed()
                if e.program == program and e.channel is not None]
    return f"; it is mapped on channel {', '.join(channels)}: give ?channel=N" if channels else ""


def fire_program(request: Request, program: int, channel: Optional[int]) -> ProgramFired:
    """What a MIDI program change ``program`` on ``channel`` (0..15; None: no channel's own mapping) does, through the
    box's program switcher (the same switch, log lines and status as one from MIDI, its source the paired device's
    name), once it is done, by its own outcome (never another program change's): 404 for a program with no mapping,
    409 for one that switched nothing (its pack is gone, the engine refused it, or a later program change came
    before it ran and won), 503 (the box's "the box is stopping" words) for one the box's stop came before: nothing
    switched, 504 when the switch takes over :data:`FIRE_WAIT_S`.  A switch is logged once, by the switcher, in
    switches.log within its source's budget; the API's change log (device/api/change_log.py) adds no line of its own
    (it did before: changes.log, unbudgeted, and `box-logs --changes` showed each fire twice, p56 review R2)."""
    switcher = _switcher(request)
    job = switcher.received(program, channel, source=repr(device_of(request) or "?"))
    done = job.wait(FIRE_WAIT_S)
    if done is None:
        raise ApiError(504, "still switching", f"{program_words(program, channel)} is still switching after "
                       f"{FIRE_WAIT_S:g} s", hint="GET /midi/programs says what it did once done (`last`)")
    said = str(done["message"])
    if done["result"] == STOPPED:
        raise stopping_error()
    if done["result"] == SUPERSEDED:
        raise ApiError(409, "not switched", said, hint="fire it again once the other program change is done")
    if done["result"] == UNMAPPED:
        raise ApiError(404, "not found", said + _channels_of(switcher, program), hint="hatbox box-midi lists the "
                       "program map; hatbox box-midi --program N PACK maps one")
    if not done["ok"]:
        raise ApiError(409, "not switched", said, hint=LIST_HINT)
    say_in_log(request, "")     # the switch's one line is the switcher's ("...; sent by 'studio-mac'", switches.log)
    return ProgramFired(program=program, channel=done["channel"], pack=done["pack"], slot=done["slot"],
                        switched=done["switch_ms"] is not None, switch_ms=done["switch_ms"], message=said)


def _add_program_routes(app: FastAPI, auth: Any) -> None:
    @app.get("/midi/programs", response_model=ProgramList, dependencies=[auth], responses=_errors(401))
    def programs_list(request: Request) -> ProgramList:
        switcher = _switcher(request)
        packs, hub = box_of(request).store.list(), box_of(request).midi
        return ProgramList(programs=[_row(e, packs) for e in switcher.programs.listed()], last=switcher.last,
                           midi="on" if hub is not None and hub.port else "off", settle_ms=round(SETTLE_S * 1000),
                           warnings=list(switcher.programs.warnings))

    @app.put("/midi/programs/{program}", response_model=ProgramResult, dependencies=[auth],
             responses=_errors(401, 404, 409, 422, 507))
    def program_set(request: Request, body: ProgramSet, program: int = PROGRAM) -> ProgramResult:
        channel = _check(program, body.channel)
        done = map_program(box_of(request), _switcher(request), program, channel, body.pack, body.follow,
                           device_of(request))
        say_in_log(request, f"MIDI {done.words}")
        return ProgramResult(mapped=_row(done.entry, done.packs),
                             replaced=None if done.before is None else _row(done.before, done.packs),
                             message=done.message)

    @app.delete("/midi/programs/{program}", response_model=ProgramResult, dependencies=[auth],
                responses=_errors(401, 404, 422, 507))
    def program_clear(request: Request, program: int = PROGRAM,
                      channel: Optional[int] = Query(None, ge=1, le=16, description="the channel 1..16 of the "
                                                     "mapping to clear (left out: the any-channel one)")
                      ) -> ProgramResult:
        zero = _check(program, channel)
        switcher = _switcher(request)
        try:
            before = switcher.programs.clear(program, zero)
        except OSError as exc:
            raise ApiError(507, "not kept", f"the program map could not be written ({exc.strerror or exc}): "
                           "nothing was cleared") from None
        said = program_words(program, zero)
        if before is None:
            raise ApiError(404, "not found", f"{said} has no pack mapped: nothing was cleared",
                           hint="hatbox box-midi lists the program map")
        switcher.forget_said()
        say_in_log(request, f"MIDI {said} cleared")
        return ProgramResult(mapped=None, replaced=_row(before, box_of(request).store.list()),
                             message=f"{said} no longer switches a pack (it switched {before.kind} pack "
                                     f"{before.name} {before.version}{who_mapped(box_of(request), before)})")

    @app.post("/midi/programs/{program}/fire", response_model=ProgramFired, dependencies=[auth],
              responses=_errors(401, 404, 409, 422, 503, 504))
    def program_fire(request: Request, program: int = PROGRAM,
                     channel: Optional[int] = Query(None, ge=1, le=16, description="the MIDI channel 1..16 to fire "
                                                    "it on (left out: the any-channel mapping)")) -> ProgramFired:
        return fire_program(request, program, _check(program, channel))

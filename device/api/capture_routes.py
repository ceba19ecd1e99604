"""Capture mode over the API (device/api/app.py adds these routes; every one needs the token): the box plays its
capture signal through the musician's gear and records the return (device/audio/capture.py), for
``hatbox box-capture`` (hatbox/cmd_capture.py) to turn into a set ``hatbox train effect`` trains on.

- ``POST /captures`` ``{"name", "knobs": {name: value}, "seconds"}`` starts one (202): 507 "no space" when the
  box's disk has less free than its dry signal and take need (nothing written), 409 "busy" while another
  plays or is written, 409 "no capture mode" when the API drives no audio engine (``device/api/sim.py``), 503 when
  the engine is not running;
- ``GET /captures`` lists them, ``GET /captures/{id}`` says one's state (playing, writing, done, failed, cancelled,
  lost), progress 0..1, and once done its round trip, levels and ``problem`` (in words: a silent or clipped return);
- ``GET /captures/{id}/take.wav`` and ``/dry.wav``: the recorded take (lined up with the dry signal, as long) and the
  dry signal, 32-bit float WAV; 409 until the capture is done, and for a failed one (its problem in the message);
- ``POST /captures/{id}/cancel`` fades it out (the box plays as before, nothing is kept: its folder, state
  "cancelled", goes at the next capture's start, or a day later at a listing, as does one the box's stop cut off:
  :func:`sweep`); ``DELETE /captures/{id}`` removes a finished one's files (a finished one never deleted, its take
  not downloaded, goes a day after it finished);
- ``POST /captures/session/end``: the capture session ends (from its first capture on the box mutes its live input, so
  that gear left in the loop from its output to its input cannot howl between captures; else it ends 5 minutes after
  the last capture): ``hatbox box-capture`` calls it as its run ends, however it ends.  A session belongs to the
  laptop that opened it (device/api/capture_session.py): another laptop's capture meanwhile is refused (409
  "session open"), and its ``session/end`` leaves the session open (409 "not your session") unless ``?force=true``;
  ``GET /captures/session`` says whose it is;
- ``POST /captures/session/keep``: the owner's ``box-capture`` waits at its Enter prompt (the musician sets the gear):
  the session lasts 5 minutes from now (409 "not your session" from another laptop; ``{"kept": false}`` when none
  lasts, or a capture holds it).

On the box a capture is the folder STORE/captures/ID: ``request.json`` (what was asked, written first) and what the
engine writes when it ends (device/audio/capture_result.py: ``dry.wav``, ``take.wav``, ``capture.json``).
"""
from __future__ import annotations

import json
import re
import secrets
import shutil
import time
from pathlib import Path
from typing import Any, Optional

from fastapi import FastAPI, Query, Request
from fastapi.responses import FileResponse, Response
from pydantic import BaseModel, Field

from device.api.capture_session import (SessionInfo, Sessions, info, owner_fields, refuse_end, refuse_end_playing,
                                        refuse_start)
from device.api.errors import ApiError, _disk_error, _errors
from device.api.state import box_of
from device.audio.capture_result import DRY, RECORD, TAKE, read_record
from device.control import CAPTURE_SECONDS_RANGE, EngineStoppedError

CAPTURES = "captures"                 # under the store
REQUEST = "request.json"
LIVE = ("playing", "writing")
STALE_S = 86400.0                     # a left-over capture (cancelled, lost, or done and never downloaded) is
                                      # removed after a day
DEFAULT_RATE = 48000                  # the rate a capture's room is reckoned at when the engine does not say its own
RECORD_ROOM = 64 * 1024               # request.json and capture.json, with room to spare
SAID_FULL = "the box's disk is full"
ROOM_HINT = ("make room on the box (hatbox box-pack lists the packs, hatbox box-pack ID --delete removes an old one; "
             "hatbox box-library lists the libraries) and run the same command again, or capture fewer --seconds")
_ID = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,63}$")


class CaptureRequest(BaseModel):
    """A capture to start: its name, the knob settings the gear is at (as the musician says), its length."""

    name: str = Field(min_length=1, max_length=64, pattern=r"^[^\x00-\x1f\x7f]+$")
    knobs: dict[str, float] = Field(default_factory=dict, max_length=16)
    seconds: float = Field(60.0, ge=CAPTURE_SECONDS_RANGE[0], le=CAPTURE_SECONDS_RANGE[1])


class CaptureInfo(BaseModel):
    """A capture: what was asked, how far it is, and once finished what it found."""

    id: str
    name: str
    knobs: dict[str, float]
    seconds: float
    state: str = Field(description="playing, writing, done, failed, cancelled, cancelling (just asked), or lost (the "
                       "box stopped meanwhile)")
    progress: float = 0.0
    problem: Optional[str] = Field(default=None, description="why it is no good take, in words")
    created_at: float = 0.0
    rate: Optional[int] = None
    latency_samples: Optional[int] = Field(default=None, description="the round trip found (the onset of the return's "
                                           "impulse response against the capture signal: device/audio/align.py)")
    latency_ms: Optional[float] = None
    shift_samples: Optional[int] = Field(default=None, description="what the take was moved by: the round trip less "
                                         "1 ms (the take is lined up 1 ms late, never early)")
    peak_dbfs: Optional[float] = None
    rms_dbfs: Optional[float] = None
    clipped_fraction: Optional[float] = None
    signal_version: Optional[int] = None
    dry_sha256: Optional[str] = None
    take_sha256: Optional[str] = None
    notes: list[str] = Field(default_factory=list, description="what the box's simulated gear (--sim-gear) did other "
                             "than the knobs asked, in words: a value held to its range, a knob it has not")
    by: Optional[str] = Field(default=None, description="the paired device that started it")
    session_note: Optional[str] = Field(default=None, description="said once, as a capture starts, to the laptop "
                                        "whose capture session another laptop ended (hatbox box-capture "
                                        "--end-session): who, and when")


def _root(request: Request) -> Path:
    return box_of(request).store.root / CAPTURES


def _new_id(name: str) -> str:
    """A fresh capture id from ``name``: its plain characters and 6 random hex digits."""
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-")[:40] or "capture"
    return f"{slug}-{secrets.token_hex(3)}"


def _engine_status(request: Request) -> dict[str, Any] | None:
    """The engine's status (None when it cannot answer)."""
    try:
        status = box_of(request).control.status()
    except Exception:  # noqa: BLE001 - an engine that cannot answer has no capture playing
        return None
    return status if isinstance(status, dict) else None


def _engine_capture(request: Request, status: Any = KeyError) -> tuple[bool, dict[str, Any] | None]:
    """(whether the engine has capture mode, its capture status: the one playing or last played, or None), from
    ``status`` (the engine's, asked when not given)."""
    status = _engine_status(request) if status is KeyError else status
    if status is None:
        return True, None
    live = status.get("capture", KeyError)
    return live is not KeyError, live if isinstance(live, dict) else None


def capture_bytes(seconds: float, rate: int) -> int:
    """About the bytes a capture of ``seconds`` at ``rate`` Hz keeps on the box's disk: its dry signal and its take
    (32-bit float WAVs, as long as each other) and its records (:data:`RECORD_ROOM`)."""
    from device.audio.audiofile import expected_bytes
    return 2 * int(expected_bytes(int(round(seconds * rate)), 1, "FLOAT") or 0) + RECORD_ROOM


def _check_room(root: Path, seconds: float, rate: int) -> None:
    """507 "no space" when the disk holding ``root`` (the store) has less free than a ``seconds`` capture keeps
    (:func:`capture_bytes`): said before it plays, nothing written."""
    from device.audio.audiofile import free_bytes, full_disk_words
    needed = capture_bytes(seconds, rate)
    free = free_bytes(root if root.is_dir() else root.parent)
    if free is not None and free < needed:
        raise ApiError(507, "no space", f"the capture did not start: {full_disk_words(needed, free, SAID_FULL)} "
                       f"(a {seconds:g} s capture keeps its dry signal and its take); nothing was written",
                       hint=ROOM_HINT)


def _info(request: Request, cid: str, live: Any = KeyError) -> CaptureInfo:
    """Capture ``cid``'s record: what was asked, overlaid by the engine's live status, or by its finished record;
    ``live``: the engine's capture status (:func:`_engine_capture`), asked when not given."""
    folder = _folder(request, cid)
    try:
        asked = json.loads((folder / REQUEST).read_text())
    except (OSError, ValueError):
        raise ApiError(404, "not found", f"no capture '{cid}'") from None
    done = read_record(folder)
    if live is KeyError:
        _, live = _engine_capture(request)
    if done is not None:
        merged = {**asked, **{k: v for k, v in done.items() if k not in ("id", "name")}, "progress": 1.0}
    elif live is not None and live.get("id") == cid:
        merged = {**asked, **{k: v for k, v in live.items() if k not in ("id", "name")}}
    else:
        merged = {**asked, "state": "lost", "problem": "the box stopped during this capture: nothing was kept"}
    return CaptureInfo(**{k: v for k, v in merged.items() if k in CaptureInfo.model_fields})


def _folder(request: Request, cid: str) -> Path:
    """Capture ``cid``'s folder (404 for an id that names none)."""
    if not _ID.match(cid) or not (_root(request) / cid).is_dir():
        raise ApiError(404, "not found", f"no capture '{cid}'", hint="GET /captures lists them")
    return _root(request) / cid


def _left_over(folder: Path, live_id: str | None, now: float, older_than: float) -> bool:
    """Whether capture ``folder`` is a left-over: cancelled (Ctrl-C in box-capture) or lost (the box stopped during
    it: a request.json and no record, not the capture playing ``live_id``) and at least ``older_than`` s old; or
    finished (done or failed) and never deleted (``box-capture`` deletes each take it downloads: a laptop whose disk
    filled up did not) and a day (:data:`STALE_S`) old, as long as the same command may come back for its take."""
    done = read_record(folder)
    state = done.get("state") if done is not None else None if folder.name == live_id else "lost"
    if state not in ("cancelled", "lost", "done", "failed") or not (folder / REQUEST).is_file():
        return False
    newest = max(p.stat().st_mtime for p in (folder / REQUEST, folder / RECORD) if p.is_file())
    return now - newest >= (older_than if state in ("cancelled", "lost") else max(older_than, STALE_S))


def sweep(root: Path, live_id: str | None, older_than: float = STALE_S, now: float | None = None) -> list[str]:
    """Remove the left-over captures under ``root`` (:func:`_left_over`) at least ``older_than`` s old (a finished
    one: a day old); returns their ids.  At each capture's start every cancelled or lost one goes (``older_than``
    0), at each listing those a day old."""
    now = time.time() if now is None else now
    gone = []
    for folder in sorted(root.iterdir()) if root.is_dir() else []:
        try:
            stale = folder.is_dir() and _ID.match(folder.name) and _left_over(folder, live_id, now, older_than)
        except OSError:
            continue
        if stale:
            shutil.rmtree(folder, ignore_errors=True)
            gone.append(folder.name)
    return gone


def _sessions(request: Request) -> Sessions:
    """The capture session's owner kept by this API (device/api/capture_session.py)."""
    return request.app.state.capture_sessions  # type: ignore[no-any-return]


def _start(request: Request, body: CaptureRequest, tid: str) -> CaptureInfo:
    """Start a capture for token ``tid`` (see the module); refused while another laptop's capture session lasts.
    Its request.json first, so it is listed from the start.  The cancelled captures left before it are removed
    (:func:`sweep`)."""
    sessions = _sessions(request)
    with sessions.lock:
        status = _engine_status(request)
        owner = sessions.current(status)
        name = box_of(request).tokens.name(tid)
        if owner is not None and owner.tid != tid:
            raise _told(sessions, tid, refuse_start(owner, _engine_capture(request, status)[1], name))
        started = _start_capture(request, body, status, name)
        sessions.started(tid, name)
        note = sessions.note_for(tid)
    return started.model_copy(update={"session_note": note}) if note else started


def _told(sessions: Sessions, tid: str, error: ApiError) -> ApiError:
    """``error`` for token ``tid``, its message led by the note that another laptop ended ``tid``'s session, if one
    waits for it (:meth:`Sessions.note_for`: said once)."""
    note = sessions.note_for(tid)
    if note:
        error.body = error.body.model_copy(update={"message": f"{note}; {error.body.message}"})
    return error


def _by(request: Request, cid: str) -> str | None:
    """The paired device that started capture ``cid`` (its request.json's ``by``; None when it does not say)."""
    try:
        by = json.loads((_root(request) / cid / REQUEST).read_text()).get("by")
    except (OSError, ValueError, AttributeError):
        return None
    return by if isinstance(by, str) and by else None


def _busy(request: Request, live: dict[str, Any]) -> ApiError:
    """409 "busy": capture ``live`` (the engine's status of it) plays or is written; whose it is, in words."""
    cid = str(live.get("id"))
    by = _by(request, cid)
    left = max(0.0, (1.0 - float(live.get("progress") or 0.0)) * float(live.get("seconds") or 0.0))
    whose = f"{by}'s capture" if by else "capture"
    return ApiError(409, "busy", f"{whose} '{cid}' is {live.get('state')}: one capture at a time",
                    hint=f"wait for it to end{f' (about {left:.0f} s more)' if left >= 1 else ''}, then run the same "
                         "hatbox box-capture command again: it captures what is missing")


def _start_capture(request: Request, body: CaptureRequest, status: dict[str, Any] | None, by: str) -> CaptureInfo:
    """Start the capture ``body`` asks for, by device ``by``, with the engine's ``status`` (see :func:`_start`)."""
    has_mode, live = _engine_capture(request, status)
    if not has_mode:
        raise ApiError(409, "no capture mode", "this box's API drives no audio engine, so it cannot capture",
                       hint="run the box with its engine: hatbox device run (--sim --sim-gear drive to try it)")
    if live is not None and live.get("state") in LIVE:
        raise _busy(request, live)
    sweep(_root(request), None, 0.0)          # none plays now: every left-over goes
    _check_room(_root(request), body.seconds, int((status or {}).get("rate") or DEFAULT_RATE))
    cid = _new_id(body.name)
    folder = _root(request) / cid
    asked = {"id": cid, "name": body.name, "knobs": dict(body.knobs), "seconds": body.seconds, "state": "playing",
             "created_at": time.time(), "by": by}
    _write_request(folder, asked)
    try:
        box_of(request).control.send({"op": "capture", "name": cid, "path": str(folder), "seconds": body.seconds,
                                      "knobs": dict(body.knobs), "by": by})
    except EngineStoppedError as exc:
        shutil.rmtree(folder, ignore_errors=True)
        raise ApiError(503, "engine stopped", f"the capture did not start: {exc}") from None
    except Exception as exc:  # noqa: BLE001 - refused by the engine (another capture began meanwhile)
        shutil.rmtree(folder, ignore_errors=True)
        raise ApiError(409, "busy" if "one capture at a time" in str(exc) else "refused",
                       f"the capture did not start: {exc}") from None
    return CaptureInfo(**{**asked, "progress": 0.0})


def _write_request(folder: Path, asked: dict[str, Any]) -> None:
    """Make capture ``folder`` with its ``request.json`` (atomically); on a disk that fills meanwhile (or fails) the
    folder goes again and the answer says so (507 / 500)."""
    from export.atomic import atomic_output
    try:
        folder.mkdir(parents=True)
        with atomic_output(folder / REQUEST) as fh:
            fh.write(json.dumps(asked).encode())
    except OSError as exc:
        shutil.rmtree(folder, ignore_errors=True)
        raise _disk_error(exc, "capture", "starting the capture", "nothing was written", ROOM_HINT) from None


class SessionEnd(BaseModel):
    """What ending the capture session did."""

    ended: bool = Field(description="a capture session muted the live input; it fades back in now (or, with a "
                        "capture still playing or written, as soon as that one ends)")
    note: Optional[str] = Field(default=None, description="said once to the laptop whose capture session another "
                                "laptop ended meanwhile: who, and when")


def _end_session(request: Request, tid: str, force: bool) -> SessionEnd:
    """End the capture session for token ``tid`` (the live input fades back in): 409 "not your session" when another
    laptop owns it, unless ``force``; a box with no capture mode has none to end."""
    sessions = _sessions(request)
    with sessions.lock:
        status = _engine_status(request)
        has_mode, live = _engine_capture(request, status)
        if not has_mode:
            return SessionEnd(ended=False)
        owner = sessions.current(status)
        if owner is not None and owner.tid != tid and not force:
            raise _told(sessions, tid, refuse_end(owner, live, box_of(request).tokens.name(tid)))
        if live is not None and live.get("state") in LIVE and (owner is None or owner.tid != tid):
            raise refuse_end_playing(owner.name if owner else _by(request, str(live.get("id"))) or "another laptop",
                                     live)
        try:
            box_of(request).control.send({"op": "capture_end"})
        except EngineStoppedError as exc:
            raise ApiError(503, "engine stopped", f"the capture session was not ended: {exc}") from None
        tokens = box_of(request).tokens
        sessions.ended(tid, tokens.name(tid), [t["id"] for t in tokens.list()])
        note = sessions.note_for(tid)
    session = live.get("session") if isinstance(live, dict) else None
    return SessionEnd(ended=bool(isinstance(session, dict) and session.get("muted")), note=note)


class SessionKeep(BaseModel):
    """What keeping the capture session did."""

    kept: bool = Field(description="the caller's session lasts SESSION_S (5 minutes) from now; false: no session "
                       "lasts to keep (it ended, or its laptop is not known), or a capture holds it anyway")
    ends_in_s: Optional[float] = Field(default=None, description="seconds before it ends by itself now")


def _keep_session(request: Request, tid: str) -> SessionKeep:
    """Keep token ``tid``'s capture session (its box-capture waits at the Enter prompt): the engine's
    ``capture_keep``; 409 "not your session" from another laptop (nothing sent)."""
    from device.audio.capture import SESSION_S
    sessions = _sessions(request)
    with sessions.lock:
        status = _engine_status(request)
        has_mode, live = _engine_capture(request, status)
        owner = sessions.current(status)
        if not has_mode or owner is None:
            return SessionKeep(kept=False)
        if owner.tid != tid:
            raise _told(sessions, tid, refuse_end(owner, live, box_of(request).tokens.name(tid), "kept"))
        if live is not None and live.get("state") in LIVE:
            return SessionKeep(kept=False)         # the capture playing holds it; its end starts the 5 minutes
        try:
            box_of(request).control.send({"op": "capture_keep"})
        except EngineStoppedError as exc:
            raise ApiError(503, "engine stopped", f"the capture session was not kept: {exc}") from None
    return SessionKeep(kept=True, ends_in_s=SESSION_S)


def _session_info(request: Request, tid: str) -> SessionInfo:
    """The capture session and whose it is (``GET /captures/session``)."""
    sessions = _sessions(request)
    with sessions.lock:
        status = _engine_status(request)
        owner = sessions.current(status)
    return info(owner, _engine_capture(request, status)[1], tid)


def with_session_owner(request: Request, engine: dict[str, Any], tid: str) -> dict[str, Any]:
    """The engine status ``engine`` (as ``GET /status`` answers it to token ``tid``) with its capture session's owner
    in ``capture.session`` (:func:`device.api.capture_session.owner_fields`: ``owner``, ``yours``, ``since``,
    ``takes``), as far as this API knows it; ``engine`` itself when no session lasts."""
    capture = engine.get("capture")
    session = capture.get("session") if isinstance(capture, dict) else None
    if not isinstance(session, dict):
        return engine
    sessions = getattr(request.app.state, "capture_sessions", None)
    if not isinstance(sessions, Sessions):
        return engine
    with sessions.lock:
        fields = owner_fields(sessions.current(engine), tid)
    if not fields:
        return engine
    return {**engine, "capture": {**capture, "session": {**session, **fields}}}


def _audio(request: Request, cid: str, name: str) -> FileResponse:
    """The WAV ``name`` of a finished capture (409 before it is done, or for a failed one)."""
    info = _info(request, cid)
    if info.state != "done":
        said = f": {info.problem}" if info.problem else ""
        raise ApiError(409, "not ready" if info.state in LIVE else "no take",
                       f"capture '{cid}' is {info.state}{said}", hint="GET /captures/ID says when it is done")
    path = _folder(request, cid) / name
    if not path.is_file():
        raise ApiError(404, "not found", f"capture '{cid}' has no {name}")
    return FileResponse(path, media_type="audio/wav", filename=f"{cid}-{name}")


def init_capture_state(app: FastAPI) -> None:
    """The app's own capture sessions (one per app: the routes are shared, device/api/app.py)."""
    app.state.capture_sessions = Sessions()


def _add_capture_routes(app: FastAPI, auth: Any) -> None:

    @app.post("/captures", status_code=202, response_model=CaptureInfo, dependencies=[auth],
              responses=_errors(401, 409, 500, 503, 507))
    def start_capture(request: Request, body: CaptureRequest, token_id: str = auth) -> CaptureInfo:
        return _start(request, body, token_id)

    @app.post("/captures/session/end", response_model=SessionEnd, dependencies=[auth],
              responses=_errors(401, 409, 503), response_model_exclude_none=True)   # "note" only when said
    def end_capture_session(request: Request, token_id: str = auth,
                            force: bool = Query(False, description="end another laptop's session too (one that "
                                                "went away: hatbox box-capture --end-session)")) -> SessionEnd:
        return _end_session(request, token_id, force)

    @app.post("/captures/session/keep", response_model=SessionKeep, dependencies=[auth],
              responses=_errors(401, 409, 503), response_model_exclude_none=True)
    def keep_capture_session(request: Request, token_id: str = auth) -> SessionKeep:
        return _keep_session(request, token_id)

    @app.get("/captures/session", response_model=SessionInfo, dependencies=[auth], responses=_errors(401))
    def get_capture_session(request: Request, token_id: str = auth) -> SessionInfo:
        return _session_info(request, token_id)

    @app.get("/captures", response_model=list[CaptureInfo], dependencies=[auth], responses=_errors(401))
    def list_captures(request: Request) -> list[CaptureInfo]:
        root = _root(request)
        _, live = _engine_capture(request)
        sweep(root, str(live.get("id")) if live else None)
        ids = sorted(p.name for p in root.iterdir() if p.is_dir() and _ID.match(p.name)) if root.is_dir() else []
        found = []
        for cid in ids:
            try:
                found.append(_info(request, cid, live))
            except ApiError:                       # a folder with no request.json: not a capture
                continue
        return sorted(found, key=lambda c: c.created_at)

    @app.get("/captures/{capture_id}", response_model=CaptureInfo, dependencies=[auth], responses=_errors(401, 404))
    def get_capture(request: Request, capture_id: str) -> CaptureInfo:
        return _info(request, capture_id)

    @app.get("/captures/{capture_id}/take.wav", response_class=FileResponse, dependencies=[auth],
             responses={**_errors(401, 404, 409), 200: {"content": {"audio/wav": {}}}})
    def get_take(request: Request, capture_id: str) -> FileResponse:
        return _audio(request, capture_id, TAKE)

    @app.get("/captures/{capture_id}/dry.wav", response_class=FileResponse, dependencies=[auth],
             responses={**_errors(401, 404, 409), 200: {"content": {"audio/wav": {}}}})
    def get_dry(request: Request, capture_id: str) -> FileResponse:
        return _audio(request, capture_id, DRY)

    @app.post("/captures/{capture_id}/cancel", response_model=CaptureInfo, dependencies=[auth],
              responses=_errors(401, 404, 409, 503))
    def cancel_capture(request: Request, capture_id: str) -> CaptureInfo:
        info = _info(request, capture_id)
        if info.state != "playing":
            raise ApiError(409, "not playing", f"capture '{capture_id}' is {info.state}: nothing to cancel")
        try:
            box_of(request).control.send({"op": "capture_cancel"})
        except EngineStoppedError as exc:
            raise ApiError(503, "engine stopped", f"the capture was not cancelled: {exc}") from None
        return info.model_copy(update={"state": "cancelling"})

    @app.delete("/captures/{capture_id}", status_code=204, dependencies=[auth], responses=_errors(401, 404, 409))
    def delete_capture(request: Request, capture_id: str) -> Response:
        info = _info(request, capture_id)
        if info.state in LIVE:
            raise ApiError(409, "busy", f"capture '{capture_id}' is {info.state}: cancel it first",
                           hint=f"POST /captures/{capture_id}/cancel")
        shutil.rmtree(_folder(request, capture_id))
        return Response(status_code=204)


"""The box's HTTP API (FastAPI): pairing, pack upload/validate/install/activate, libraries, status.

Build it with :func:`create_app` (``store_dir``, the engine's ``Control``, an
:class:`ApiConfig`); serve it with device/api/server.py.  Every route but ``/health`` and
``/pair`` needs ``Authorization: Bearer <token>``.  Errors are always an :class:`ErrorBody` (device/api/errors.py).
No route opens the owner window that ends a pairing pause (device/api/auth.py): that is the
panel's button, physical presence only; whoever starts the panel beside the API hands it
``app.state.box.pairing`` in-process.  Uploads are raw request bodies
(``application/octet-stream``), streamed to disk with a size limit checked against
Content-Length first and then byte by byte; a Content-Length over the store's free space (less
:data:`UPLOAD_RESERVE_BYTES`) is refused with 507 before a byte of the body is read.  A full disk
anywhere on the way is 507 "no space", any other storage failure 500 "storage failed" (a JSON
:class:`ErrorBody` like every error); either way the box keeps nothing of the upload.  The token is
checked when a request starts and, for an upload, again where it commits (under
:meth:`TokenStore.held`): a token revoked while its upload runs gets 401 and the box keeps nothing of
that upload.

The box the routes share is device/api/box.py (:class:`Box`, :class:`ApiConfig`, re-exported here); the routes
live in device/api/*_routes.py, each module adding its own; a push's checks and install (``_install``) are here.
"""
from __future__ import annotations

import functools
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, Request, Security
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from device.api.auth import AuthError
from device.api.body_limit import BodyLimit
from device.api.box import ACTIVATE_WAYS, PUT_BACK_ROOM_HINT, ApiConfig, Box, log_code  # noqa: F401  (re-exported)
from device.api.box_routes import _add_box_routes
from device.api.bypass_routes import _add_bypass_routes
from device.api.audition import init_audition_state
from device.api.capture_routes import _add_capture_routes, init_capture_state
from device.api.change_log import ChangeLog
from device.api.cutoff import CutOffAnswer, StopGate
from device.api.errors import ApiError, _disk_error, _from_hatbox, _handlers, _unauthorized
from device.api.kit_routes import _add_kit_routes
from device.api.knob_routes import _add_knob_routes
from device.api.library_routes import _add_library_routes
from device.api.library_words_route import add_words_routes
from device.api.log_routes import _add_log_routes
from device.api.midi_routes import _add_midi_routes, init_midi_state
from device.api.pack_routes import _add_pack_routes
from device.api.program_routes import _add_program_routes, attach_programs
from device.api.prune_routes import _add_prune_routes
from device.api.slot_routes import _add_slot_routes
from device.api.state import box_of
from device.api.uploads import (  # noqa: F401  (re-exported: how an upload reaches the disk moved there)
    _BINARY, UPLOAD_RESERVE_BYTES, _check_room, _new_upload, disk_space, free_bytes, receive_upload)
from device.control import Control
from device.store import StoreError, pack_id
from device.validate import validate_pack
from hatbox import __version__
from hatbox.errors import PackError

log = logging.getLogger("hatbox.api")


# ---------------------------------------------------------------------------- query
def strict_query(request: Request) -> None:
    """Refuse query parameters a route does not declare: a typo such as ``?activte=true``
    must not be silently ignored."""
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None:
        return
    known = {p.alias for p in dependant.query_params}
    unknown = sorted(set(request.query_params) - known)
    if unknown:
        accepted = ", ".join(sorted(known)) or "none"
        raise ApiError(400, "bad request", f"unknown query parameter {unknown[0]!r} (accepted: {accepted})")


# ----------------------------------------------------------------------------- auth
_bearer = HTTPBearer(auto_error=False, description="the token from POST /pair (`hatbox pair`)")


def require_token(request: Request, creds: HTTPAuthorizationCredentials | None = Security(_bearer)) -> str:
    try:
        return box_of(request).tokens.check(creds.credentials if creds else None)
    except AuthError as exc:
        raise _unauthorized(exc) from None


# --------------------------------------------------------------------------- routes
def _install(box: Box, upload: Path, sha256: str, activate: bool, token_id: str, gate: StopGate | None = None
             ) -> tuple[dict[str, Any], bool, float, bool, list[str]]:
    """Validate, install and (``activate``) activate an upload; returns (meta, activated, seconds spent
    validating and installing, whether the same pack was installed before, the libraries its activation started
    tagging: SlotResult.tagging).  AuthError, the store untouched, when token ``token_id`` has been
    revoked since the upload began: the token is checked before validating and held (no revoke can
    slip in) from the last check through the install and the activation.  ``gate``: StoppedBeforeCommit, nothing
    installed, when the request was cut off by the box stopping before the install began (device/api/cutoff.py)."""
    t, gate = time.perf_counter(), gate or StopGate()
    with gate.guard(functools.partial(box.tokens.held, token_id))():
        pass                                   # revoked during the upload: not even validated
    with box.install_lock:
        try:
            report = validate_pack(upload, box.config.engine, trusted=box.trusted(), keys_dir=box.keys_dir,
                                   require_signature=box.config.require_signature, uploaded=True)
        except PackError as exc:
            raise _from_hatbox(422, "pack rejected", exc) from None
        with box.tokens.held(token_id), gate.committing():
            pid = pack_id(report.pack.manifest, sha256)
            fresh = pid not in box.store.ids()
            try:
                meta = box.store.install(upload, report.pack.manifest, sha256,
                                         {"checks": report.checks, "signed_by": report.signed_by})
            except OSError as exc:              # the store took nothing of it (device/store.py)
                log.error("installing pack %s failed: %s", pid, exc)
                raise _disk_error(exc, "pack", "installing the pack") from None
            seconds = time.perf_counter() - t
            who = box.tokens.name(token_id)     # said now: a power cut before the activation keeps the install's line
            log.info("pack %s %s by %r", pid, "installed" if fresh else "sent again", who)
            if not fresh:                       # what this push's checks found (the keys trusted now), not the record's
                meta = {**meta, "checks": report.checks}
            if activate and not fresh and box.playing(meta["kind"], pid):
                activate = False                # sent again with --activate: nothing to switch, no reload
            tagging: list[str] = []
            if activate:
                try:
                    done = box.activate_locked(pid)
                except OSError as exc:          # the pointer was not switched: the old pack plays on
                    log.error("activating pack %s failed: %s", pid, exc)
                    raise _disk_error(exc, "pack", "making the pack active", _unactivated(box, pid, fresh, who)
                                      ) from None
                tagging = done.tagging
                log.info("pack %s made the active %s pack%s by %r (its push)", pid, done.slot,
                         f" (was {done.previous})" if done.previous and done.previous != pid else "", who)
    return meta, activate, seconds, not fresh, tagging


def _unactivated(box: Box, pid: str, fresh: bool, who: str) -> str:
    """Take back pack ``pid``, installed by an upload (of paired device ``who``) whose activation failed for a full
    disk or failing storage, when that upload installed it (``fresh``); returns what the box kept, for the 507's (or
    the 500 "storage failed"'s) message.  The change log, which has the install's line already, gets the taking
    back."""
    if not fresh:
        return "the pack stays installed as it was before, not active; the active pack is unchanged"
    try:
        box.store.delete(pid)
    except (OSError, StoreError):
        log.exception("could not take back pack %s after its activation failed", pid)
        return "the pack was installed but not made active; the active pack is unchanged"
    log.info("pack %s taken back (its activation failed) from the push by %r", pid, who)
    return "nothing of the pack was kept; the active pack is unchanged"


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """The app's life in uvicorn (``hatbox device run``, RunningServer.stop) or a TestClient's ``with``: when it
    ends, the box's worker thread and the MIDI relays into its control end too (:meth:`Box.stop`, at most
    :data:`device.api.box.VALIDATE_STOP_S` for a push's checks still running)."""
    yield
    app.state.box.stop()


def _new_app() -> FastAPI:
    """A bare API app: its title, its strict query parameters (one app-wide dependency) and its lifespan."""
    return FastAPI(title="hatbox device API", version=__version__,
                   description="Pair, push packs and sample libraries, and look at the box.",
                   dependencies=[Depends(strict_query)], redirect_slashes=False,   # /packs/: a JSON 404, no 307
                   lifespan=_lifespan)


@functools.cache
def route_table() -> tuple[APIRoute, ...]:
    """Every route of the API, built once per process and shared by each app :func:`create_app` makes.

    Building them (FastAPI reads each parameter's type into a pydantic adapter) costs 0.13-0.3 s, more than the
    rest of an app; the routes hold no state of their own: every handler reaches its box and the app's state
    through ``request.app.state`` (:func:`_init_app_state`).  (``app.dependency_overrides`` is therefore not
    consulted: nothing uses it.)"""
    app, auth = _new_app(), Depends(require_token)
    _add_box_routes(app, auth)
    _add_pack_routes(app, auth, _install)
    _add_slot_routes(app, auth)
    _add_library_routes(app, auth)
    add_words_routes(app, auth)                # GET/POST /libraries/{id}/words (p49 F8)
    _add_midi_routes(app, auth)
    _add_program_routes(app, auth)
    _add_prune_routes(app, auth)
    _add_kit_routes(app, auth)
    _add_knob_routes(app, auth)
    _add_bypass_routes(app, auth)
    _add_log_routes(app, auth)
    _add_capture_routes(app, auth)
    return tuple(r for r in app.router.routes if isinstance(r, APIRoute))


def _init_app_state(app: FastAPI) -> None:
    """What each app keeps of its own beside its box: the audition playing, the MIDI channels' setters, the
    program switcher (hooked into the box), the capture sessions."""
    init_audition_state(app)
    init_midi_state(app)
    attach_programs(app)
    init_capture_state(app)


def create_app(store_dir: str | Path, control: Control, config: ApiConfig | None = None) -> FastAPI:
    """The API app for the pack store at ``store_dir``, driving the engine through ``control``.

    Recovers the store (see device/store.py), shows a pairing code and loads the active
    packs into the engine before returning.  When the app stops (its lifespan's end), :meth:`Box.stop`.
    The routes are :func:`route_table`'s (built once per process).
    """
    box = Box(Path(store_dir), control, config or ApiConfig())
    app = _new_app()
    app.state.box = box
    _handlers(app)
    app.add_middleware(ChangeLog, box=box)
    app.add_middleware(BodyLimit)              # outermost but one: before a byte of a large body is read
    app.add_middleware(CutOffAnswer)           # a request cut off by the box stopping: a JSON 503, not plain text
    app.router.routes.extend(route_table())
    _init_app_state(app)
    box.start()
    return app

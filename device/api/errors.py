"""How the box's HTTP API answers errors: :class:`ApiError` and the helpers that build one, the exception
handlers that turn every error into an :class:`~device.api.models.ErrorBody`, and the error responses
routes declare for OpenAPI.  Split out of device/api/app.py, which re-exports these names."""
from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from device.api import models as M
from device.api.auth import AuthError
from device.control import EngineStoppedError
from device.library.archive import NO_ROOM_HINT, STORAGE_HINT, is_disk_full
from hatbox.errors import HatboxError, first_line

log = logging.getLogger("hatbox.api")


class ApiError(Exception):
    def __init__(self, status: int, error: str, message: str, check: str | None = None,
                 hint: str | None = None, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.headers = status, headers
        self.body = M.ErrorBody(error=error, message=message, check=check, hint=hint)


def _from_hatbox(status: int, error: str, exc: HatboxError) -> ApiError:
    return ApiError(status, error, Exception.__str__(exc), getattr(exc, "check", None), exc.hint)


def _unauthorized(exc: AuthError, kept: str = "") -> ApiError:
    """401 for ``exc``; ``kept`` says what the box did not keep (a revoked upload's ``nothing was installed``)."""
    message = Exception.__str__(exc) + (f"; {kept}" if kept else "")
    return ApiError(401, "unauthorized", message, hint=exc.hint, headers={"WWW-Authenticate": "Bearer"})


def _no_room(exc: OSError, what: str, doing: str, kept: str | None = None, hint: str = NO_ROOM_HINT) -> ApiError:
    """507 for the box's disk (or quota) filling up (``exc``, ENOSPC or EDQUOT) while ``doing``; ``kept``
    says what the box kept of the ``what`` ("pack" or "library"; nothing of it, by default).  Unlike a 413
    it does not hang up: the server discards the rest of the body, so the sender gets to read this answer."""
    return ApiError(507, "no space", f"the box's disk filled up while {doing} "
                    f"({exc.strerror or 'no space left'}); {kept or f'nothing of the {what} was kept'}",
                    hint=hint)


def _storage_failed(exc: OSError, what: str, doing: str, kept: str | None = None) -> ApiError:
    """500 "storage failed" for the box's storage failing (``exc``: EIO, a read-only or vanished card...: any
    OSError but a full disk) while ``doing``; ``kept`` says what the box kept of the ``what`` ("pack" or
    "library"; nothing of it, by default).  The message gives the OS's words only, never a path."""
    return ApiError(500, "storage failed", f"the box's storage failed while {doing} "
                    f"({exc.strerror or type(exc).__name__}); {kept or f'nothing of the {what} was kept'}",
                    hint=STORAGE_HINT)


def _disk_error(exc: OSError, what: str, doing: str, kept: str | None = None,
                room_hint: str = NO_ROOM_HINT) -> ApiError:
    """The answer for ``exc`` met writing to the box's disk while ``doing``: 507 for a full disk (or quota,
    :func:`_no_room`, with ``room_hint``), 500 "storage failed" for any other failure (:func:`_storage_failed`)."""
    if is_disk_full(exc):
        return _no_room(exc, what, doing, kept, room_hint)
    return _storage_failed(exc, what, doing, kept)


ENGINE_STOPPED_HINT = ("the box's log says why its engine stopped or stalled (hatbox box-logs); restart the box if "
                       "it does not answer")


def _engine_stopped(exc: EngineStoppedError, undone: str, kept: str, later: str) -> ApiError:
    """503 "engine stopped" for a message the audio engine did not take (``exc``): the box's trouble, not the pack's
    or the file's.  ``undone``: what was not done; ``kept``: what the box keeps; ``later``: what the engine may still
    do once it answers, said only when it may (``exc.may_apply``: it did not answer in time)."""
    may = f"; {later}" if exc.may_apply else ""
    return ApiError(503, "engine stopped", f"{undone}: {first_line(exc)}{may}; {kept}", hint=ENGINE_STOPPED_HINT)


def _too_large(size: int, limit: int) -> ApiError:
    return ApiError(413, "too large", f"upload of {size} bytes or more is over this box's limit of {limit} bytes",
                    headers={"Connection": "close"})     # hang up: the rest of the body is never read


HTTP_WORDS = {404: "not found", 405: "method not allowed"}     # starlette's own answers (no route, wrong method)
NO_ROUTE_HINT = "the box's routes and their methods are listed at /docs (docs/api.md)"


def _errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    return {c: {"model": M.ErrorBody} for c in (400, *codes)}


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(exc.body.model_dump(), status_code=exc.status, headers=exc.headers)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        error = HTTP_WORDS.get(exc.status_code, "bad request" if exc.status_code < 500 else "error")
        hint = NO_ROUTE_HINT if exc.status_code in (404, 405) else None
        message, path = str(exc.detail), _request.url.path
        if exc.status_code == 404 and len(path) > 1 and path.endswith("/"):    # was an empty 307 before auth (p42)
            message = f"the box has no {_request.method} {path}: its routes end without a slash"
            hint = f"leave the slash at the end out: {_request.method} {path.rstrip('/')}; {NO_ROUTE_HINT}"
        body = M.ErrorBody(error=error, message=message, hint=hint)
        return JSONResponse(body.model_dump(), status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        """Whatever no route turned into an answer (a bug, or a request cut off by the box stopping): a worded 500,
        not starlette's bare "Internal Server Error".  The traceback goes to the box's log after this line (starlette
        raises the error on to uvicorn, which logs it)."""
        log.error("%s %s failed unexpectedly (%s)", request.method, request.url.path, type(exc).__name__)
        return JSONResponse(unexpected_body(request.method, request.url.path, exc).model_dump(), status_code=500)

    @app.exception_handler(RequestValidationError)
    async def bad_request(_request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(x) for x in first.get("loc", ()))
        said = f"{where}: {first.get('msg', 'invalid request')}"
        if first.get("type") == "json_invalid":      # was "body.1: JSON decode error" (thirty-third stop's QA)
            why, at = (first.get("ctx") or {}).get("error", "not JSON"), (list(first.get("loc", ())) + [None])[1]
            said = f"the body is not valid JSON: {why}" + (f" (at character {at})" if isinstance(at, int) else "")
        body = M.ErrorBody(error="bad request", message=said)
        return JSONResponse(body.model_dump(), status_code=400)


def unexpected_body(method: str, path: str, exc: BaseException) -> M.ErrorBody:
    """The answer to a request that failed on an error no route expected: what it was, in the box's words when it is
    one of hatbox's own (an engine stopped as the box stops), else its type."""
    said = first_line(exc) if isinstance(exc, HatboxError) else type(exc).__name__
    return M.ErrorBody(error="error", message=f"the box could not answer {method} {path}: {said}",
                       hint="if the box was stopping, try again once it is back; otherwise the box's log has the "
                            "details (hatbox box-logs)")


# a full disk met switching the active pointer: deleting makes room, then the same call again
POINTER_ROOM_HINT = ("make room: hatbox box-pack lists the packs, hatbox box-pack ID --delete removes an old one "
                     "(or hatbox box-library ID --delete a library); then try again")


def _pointer_failed(exc: OSError, doing: str) -> ApiError:
    """507 (a full disk) or 500 "storage failed" for ``exc``, met writing active.json while ``doing``; the store
    writes it atomically, so nothing changed and the answer says so."""
    log.error("%s failed: %s", doing, exc)
    return _disk_error(exc, "pack", doing, "nothing was changed: the active packs are as they were",
                       POINTER_ROOM_HINT)

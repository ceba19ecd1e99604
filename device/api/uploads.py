"""How an upload reaches the box's disk: streamed to a file in the store's tmp/, checked against its size limit and
the disk's free space, every storage failure answered as an :class:`~device.api.errors.ApiError` (507 "no space" for
a full disk, 500 "storage failed" for any other).  Used by device/api/pack_routes.py and library_routes.py.
"""
from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import shutil
from pathlib import Path
from typing import Any

from fastapi import Request
from starlette.requests import ClientDisconnect

from device.api.errors import ApiError, _disk_error, _too_large
from device.audio.audiofile import free_bytes   # the one reading of a disk's free space (tests replace it here)
from device.library.archive import NO_ROOM_HINT

log = logging.getLogger("hatbox.api")

UPLOAD_RESERVE_BYTES = 16 << 20      # room an upload must leave free on the store's disk (meta, pointer, records)
UPLOAD_IDLE_S = 60.0                 # an upload that sends nothing for this long is given up (its file removed)
STALLED = "upload stalled"           # the error of an upload that stopped sending (:func:`_idle_bounded`)
FORM_HINT = ("send the file itself as the request body: hatbox push / hatbox push-library, or curl --data-binary @FILE "
             "(not curl -F, not a browser form)")


def disk_space(folder: Path) -> tuple[int | None, int | None]:
    """(free, total) bytes of the disk that holds ``folder``, as ``GET /status`` reports them: free as
    :func:`~device.audio.audiofile.free_bytes` gives it (what the upload checks go by), total from
    shutil.disk_usage; None for a figure that cannot be read (the storage failing: logged, never raised)."""
    free = free_bytes(folder)
    if free is None:
        log.warning("cannot read the free space of the store's disk")
    try:
        total: int | None = shutil.disk_usage(folder).total
    except OSError as exc:
        log.warning("cannot read the size of the store's disk: %s", exc)
        total = None
    return free, total


def room_bytes(folder: Path) -> int | None:
    """Bytes that may still be written on the disk holding ``folder``: its free space (audiofile's
    :func:`free_bytes`) less :data:`UPLOAD_RESERVE_BYTES`, at least 0; None when the free space cannot be read
    (writing then says what is wrong).  What a library's unpacked files must fit in (device/api/library_routes.py)."""
    free = free_bytes(folder)
    return None if free is None else max(free - UPLOAD_RESERVE_BYTES, 0)


def _check_room(declared: int, folder: Path, what: str) -> None:
    """507 when an upload of ``declared`` bytes (its Content-Length) would not fit in the free space of the
    disk holding ``folder`` less :data:`UPLOAD_RESERVE_BYTES`; nothing when the free space cannot be read
    (writing then says what is wrong)."""
    free = free_bytes(folder)
    if free is None:
        return
    room = max(free - UPLOAD_RESERVE_BYTES, 0)
    if declared > room:
        raise ApiError(507, "no space", f"the {what} is {declared} bytes but the box has room for {room} "
                       f"({free} bytes free, {UPLOAD_RESERVE_BYTES} kept in reserve); nothing of the {what} "
                       "was received", hint=NO_ROOM_HINT)


def cut_off_line(called: str, received: int, total: int | None, by: str) -> str:
    """The box's log line for an upload cut off while its bytes came (the laptop gone, stalled): "upload of 'kitF' cut
    off after 112 of 224 MiB: nothing kept (from laptopB)" (``called``: "'kitF'", "a pack"; ``total``: the bytes
    declared, None: "after 112 MiB"; ``by``: the paired device sending it, "": not said)."""
    from hatbox.text import part_of
    return (f"upload of {called} cut off after {part_of(received, total)}: nothing kept"
            + (f" (from {by})" if by else ""))


def _say_cut_off(request: Request, called: str, received: int) -> None:
    """Log :func:`cut_off_line` of the upload ``request`` brought, ``received`` bytes of it taken (a pack's: p57
    QA_D 4, a laptop killed midway through a push left no line, where a library's left one)."""
    from device.api.state import box_of
    declared = request.headers.get("content-length", "")
    by = box_of(request).tokens.bearer_name(request.headers.get("authorization", ""))
    log.warning("%s", cut_off_line(called, received, int(declared) if declared.isdigit() else None, by))


async def receive_upload(request: Request, path: Path, limit: int, what: str = "upload",
                         logged_as: str = "") -> tuple[int, str]:
    """Stream the body to ``path``; returns (bytes, sha256). 413 past ``limit`` (nothing more read); 507 before
    reading when the declared Content-Length is over the disk's free space (:func:`_check_room`), or when the
    disk (or quota) fills up while writing it; 500 "storage failed" for any other error writing it (``what``,
    "pack" or "library", names it in the message; the caller removes ``path``).  ``logged_as`` ("a pack"): an
    upload cut off (the laptop gone, or stalled) is said in the box's log as that (:func:`cut_off_line`); a
    library's upload is said by its tracker (device/api/library_uploads_live.py), which knows its name."""
    if request.headers.get("content-type", "").lower().startswith("multipart/"):
        raise ApiError(415, "not a file", f"the {what} came wrapped in a form (multipart/form-data), which the box "
                       "would take as part of the file; nothing was received", hint=FORM_HINT,
                       headers={"Connection": "close"})     # its body is never read: hang up, as for a 413
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise _too_large(int(declared), limit)
    if declared is not None and declared.isdigit():
        _check_room(int(declared), path.parent, what)
    size, h = 0, hashlib.sha256()
    try:
        with open(path, "wb") as fh:
            async for chunk in _idle_bounded(request, what):
                size += len(chunk)
                if size > limit:
                    raise _too_large(size, limit)
                fh.write(chunk)
                h.update(chunk)
            fh.flush()
            os.fsync(fh.fileno())
    except ClientDisconnect:
        if logged_as:
            _say_cut_off(request, logged_as, size)
        raise ApiError(400, "upload cut short", "the client went away before the upload finished") from None
    except ApiError as exc:
        if logged_as and exc.body.error == STALLED:
            _say_cut_off(request, logged_as, size)
        raise
    except OSError as exc:
        log.error("writing an upload of a %s failed: %s", what, exc)
        raise _disk_error(exc, what, f"receiving the {what}") from None
    if size == 0:
        raise ApiError(400, "empty upload", "the request body is empty; send the file as the body")
    return size, h.hexdigest()


async def _idle_bounded(request: Request, what: str) -> Any:
    """The body's chunks; 408 "upload stalled" when none comes for :data:`UPLOAD_IDLE_S` seconds (a laptop whose
    Wi-Fi dropped, a script that stopped sending): the connection and the partial file are not held for as long as
    TCP keeps a dead peer."""
    chunks = request.stream().__aiter__()
    while True:
        try:
            chunk = await asyncio.wait_for(chunks.__anext__(), UPLOAD_IDLE_S)
        except StopAsyncIteration:
            return
        except asyncio.TimeoutError:
            log.warning("an upload of a %s stalled (nothing for %g s): given up", what, UPLOAD_IDLE_S)
            raise ApiError(408, STALLED, f"nothing of the {what} came for {UPLOAD_IDLE_S:g} s; what had "
                           "come was dropped", hint="send it again (check the network)",
                           headers={"Connection": "close"}) from None
        yield chunk


def _new_upload(box: Any, suffix: str, what: str) -> Path:
    """A fresh file in the store's tmp/ for an upload of a ``what``; 507 when the disk has no room even for it,
    500 "storage failed" when the store cannot make it for another reason."""
    try:
        return box.store.new_upload(suffix)
    except OSError as exc:
        log.error("starting an upload of a %s failed: %s", what, exc)
        raise _disk_error(exc, what, f"starting to receive the {what}") from None


_BINARY = {"requestBody": {"required": True, "content": {
    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}}

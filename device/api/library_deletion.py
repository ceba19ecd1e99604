"""``DELETE /libraries/{id}``'s work (device/api/library_routes.py holds the route): the library deleted and the kit
told, in one step under the kit's lock; with ``moved_to`` (p50 FC), the kit notes whose file the new library holds
the same move to it first (device/api/kit_move.py) and only the others go silent.

An older box ignores ``moved_to`` (an unknown query) and answers as before, without ``kit_moved``: the laptop says
then what it said before (the notes went silent).
"""
from __future__ import annotations

import functools
import logging
from typing import Any, Optional

from fastapi import Request
from fastapi.responses import JSONResponse, Response
from pydantic import Field

from device.api.errors import ApiError, _from_hatbox, _storage_failed
from device.api.kit_answers import GoneNote, LibraryDeleted, gone_note
from device.api.kit_move import Move, apply_move, checked_target, plan_move, why_silent
from device.api.libraries import LibraryBusy
from device.api.state import box_of, say_in_log
from device.kit import KitNote
from device.kit_history import gone_words
from hatbox.errors import first_line
from hatbox.text import count_words

log = logging.getLogger("hatbox.api")
MOVED_TO = ("the library that takes the kit's notes (the new one of a `push-library --replace`): each note that "
            "played a file it holds too (the same path and bytes) plays its copy from then on, under the kit's lock "
            "in one step with the deletion; only the others go silent (kit_silenced, each with why)")


class LibraryDeletedMoved(LibraryDeleted):
    """The DELETE's answer (``Prefer: return=representation``): :class:`LibraryDeleted`, and the notes moved."""
    moved_to: Optional[str] = Field(None, description="the library the notes moved to (moved_to asked)")
    kit_moved: list[GoneNote] = Field([], description="the kit notes that play the same file of moved_to now (as "
                                                      "they play now); [] without moved_to")


def delete_library(request: Request, library_id: str, token_id: str, moved_to: str | None,
                   representation: bool) -> Response:
    """Delete library ``library_id`` for the pairing ``token_id`` and answer (204, or 200 with the kit's notes when
    ``representation``).  Under the kit's lock throughout, so no kit change comes between the move, the deletion and
    the silencing (a deletion waits up to Libraries.delete_wait_s for a tagging it stops: kit changes wait too)."""
    box = box_of(request)
    with box.kit.lock:
        move = _planned(box, library_id, moved_to)
        info = _deleted(box, library_id, token_id)
        moved = _moved(box, move)
        name = str(info.get("name") or "")
        gone = box.kit.forget_library(box, library_id, name, box.tokens.name(token_id), token_id)
    _said(request, library_id, gone, moved, moved_to)
    if not representation:
        return Response(status_code=204)
    names = {library_id: name, **({moved_to: _name_of(box, moved_to)} if moved_to else {})}
    silenced = [gone_note(e, names, why_silent(move, e.note)) for e in gone]
    return JSONResponse(LibraryDeletedMoved(id=library_id, name=name, kit_silenced=silenced, moved_to=moved_to,
                                            kit_moved=[gone_note(e, names) for e in moved]).model_dump())


def _planned(box: Any, library_id: str, moved_to: str | None) -> Move | None:
    """The move asked (None: none), read before the deletion; 404 for no library ``library_id``, 422 for a
    ``moved_to`` the box does not hold."""
    if not moved_to:
        return None
    from device.api.library_routes import _lib
    _lib(box.libraries.get, library_id)
    checked_target(box, library_id, moved_to)
    return plan_move(box, library_id, moved_to)


def _deleted(box: Any, library_id: str, token_id: str) -> dict[str, Any]:
    """Library ``library_id`` deleted (its record as it was); 404, 409 (busy) or 500 (storage) with nothing deleted."""
    from device.api.library_routes import _lib, _not_deleted
    libraries = box.libraries
    try:
        return _lib(functools.partial(libraries.delete, by=box.tokens.name(token_id)), library_id)
    except LibraryBusy as exc:
        raise _from_hatbox(409, "conflict", exc) from None
    except OSError as exc:      # the rename aside failed: the library is still whole and listed
        log.error("deleting library %s failed: %s", library_id, exc)
        raise _storage_failed(exc, "library", f"deleting library '{library_id}'",
                              _not_deleted(libraries, library_id)) from None


def _moved(box: Any, move: Move | None) -> list[KitNote]:
    """The notes of ``move`` mapped to the new library and kept (best effort, as the silencing: the library is gone
    already; a kit that cannot be kept on the disk is said in the log, the sampler plays the move)."""
    if move is None or not move.to_move:
        return []
    try:
        return apply_move(box, move)
    except ApiError as exc:
        log.warning("keeping the kit's notes moved to library %s failed: %s", move.new, exc.body.message)
        return [e for n, e in sorted(box.kit.notes.items()) if n in move.to_move and e.library == move.new]
    except Exception as exc:  # noqa: BLE001 - the deletion stands; the notes left behind go silent with it
        log.warning("moving the kit's notes to library %s failed: %s", move.new, first_line(exc))
        return []


def _said(request: Request, library_id: str, gone: list[KitNote], moved: list[KitNote], moved_to: str | None) -> None:
    """The deletion's line in the box's log: the notes moved, the notes emptied."""
    parts = [f"{count_words(len(moved), 'kit note')} now play library {moved_to} (the same files)"] if moved else []
    if gone:
        parts.append(gone_words((e.note, e.file) for e in gone))
    if parts:
        say_in_log(request, f"library {library_id} deleted; " + "; ".join(parts))


def _name_of(box: Any, lid: str) -> str:
    try:
        return str(box.libraries.get(lid).get("name") or "")
    except KeyError:
        return ""

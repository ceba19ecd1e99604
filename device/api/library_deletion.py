"""``DELETE /libraries/{id}``'s work (device/api/library_routes.py holds the route): the library deleted, then the kit
told (``KitKeeper.forget_library``, under the kit's lock: a kit of it stored meanwhile loses those notes too).  The
deletion itself takes no kit lock: it may wait up to ``Libraries.delete_wait_s`` for a tagging it stops, then remove
the folder, and kit changes, ``box-kit --from`` and GET /kit go on meanwhile (p50 M4; FC's first cut held the kit's
lock throughout).

With ``moved_to`` (p50 FC) the kit notes whose file the new library holds the same move to it first, under the kit's
lock, while the old library's files are still there (device/api/kit_move.py): the sampler maps the new copy and
kit.json names the new library before the old one's folder is renamed away (a power cut between the two: both
libraries, the kit of the new one).  The lock is let go, the library deleted, and only the notes left behind go
silent with it.  A deletion that then fails (409 busy, 500 storage) leaves the notes moved to the same bytes.

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

from device.api.change_words import library_label
from device.api.errors import ApiError, _from_hatbox, _storage_failed
from device.api.kit_answers import GoneNote, LibraryDeleted, gone_note
from device.api.kit_move import Move, apply_move, checked_target, plan_move
from device.api.libraries import LibraryBusy
from device.api.state import box_of, say_in_log
from device.kit import KitNote
from device.kit_history import gone_words
from hatbox.errors import first_line
from hatbox.text import count_words

log = logging.getLogger("hatbox.api")
MOVED_TO = ("the library that takes the kit's notes (the new one of a `push-library --replace`): each note that "
            "played a file it holds too (the same path and bytes) plays its copy from then on, moved under the kit's "
            "lock before the deletion; only the others go silent (kit_silenced, each with why)")


class MovedNote(GoneNote):
    """A kit note that plays the new library now (``why``: null for the same file, mapped; else what to know)."""
    why: Optional[str] = Field(None, description="null: the same bytes, mapped; else kit_move.OLD_NOT_READ (moved, not "
                                                 "known to be the same) or why the sampler did not take the copy")
    plays: bool = Field(True, description="the sampler took the new library's copy; false: not yet (why says why: "
                                          "its engine not running), listed missing by GET /kit until it does")


class LibraryDeletedMoved(LibraryDeleted):
    """The DELETE's answer (``Prefer: return=representation``): :class:`LibraryDeleted`, and the notes moved."""
    moved_to: Optional[str] = Field(None, description="the library the notes moved to (moved_to asked)")
    kit_moved: list[MovedNote] = Field([], description="the kit notes that play moved_to's file of their path now "
                                                       "(as the kit holds them), each with why: null for the same "
                                                       "bytes, mapped; else why it is not counted the same or does "
                                                       "not sound yet (plays false); [] without moved_to")


def delete_library(request: Request, library_id: str, token_id: str, moved_to: str | None,
                   representation: bool) -> Response:
    """Delete library ``library_id`` for the pairing ``token_id`` and answer (204, or 200 with the kit's notes when
    ``representation``).  With ``moved_to`` the notes move first (:func:`_moved_first`, the kit's lock held only for
    that); the deletion and its tagging's stop hold no kit lock."""
    box = box_of(request)
    move, moved = _moved_first(box, library_id, moved_to)
    try:
        info = _deleted(box, library_id, token_id)
    except ApiError as exc:
        if moved:           # the notes play the new library's same bytes: they stay so
            log.warning("%s kit notes moved to library %s; deleting library %s then failed: %s", len(moved),
                        moved_to, library_id, exc.body.message)
        raise
    name = str(info.get("name") or "")
    gone = box.kit.forget_library(box, library_id, name, box.tokens.name(token_id), token_id)
    _said(request, library_label(info, library_id), gone, moved, move)
    if not representation:
        return Response(status_code=204)
    names = {library_id: name, **({moved_to: _name_of(box, moved_to)} if moved_to else {})}
    silenced = [gone_note(e, names, move.why.get(e.note) if move else None) for e in gone]
    return JSONResponse(LibraryDeletedMoved(id=library_id, name=name, kit_silenced=silenced, moved_to=moved_to,
                                            kit_moved=[_moved_note(e, names, move) for e in moved]).model_dump())


def _moved_first(box: Any, library_id: str, moved_to: str | None) -> tuple[Move | None, list[KitNote]]:
    """With ``moved_to``: under the kit's lock, library ``library_id``'s notes that ``moved_to`` holds the same are
    mapped to it and the kit kept naming it (the old files still there); (None, []) without.  404 for no library
    ``library_id``, 422 for a ``moved_to`` the box does not hold: nothing moved, nothing deleted."""
    if not moved_to:
        return None, []
    from device.api.library_routes import _lib
    with box.kit.lock:
        _lib(box.libraries.get, library_id)
        checked_target(box, library_id, moved_to)
        move = plan_move(box, library_id, moved_to)
        return move, _moved(box, move)


def _moved_note(entry: KitNote, names: dict[str, str], move: Move | None) -> MovedNote:
    said = move.said.get(entry.note) if move else None
    return MovedNote(**gone_note(entry, names, said).model_dump(), plays=not move or entry.note not in move.waiting)


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
    """The notes of ``move`` moved to the new library and kept (best effort: a kit that cannot be kept on the disk is
    said in the log, the sampler plays the move; any other failure leaves the notes to go silent with the library)."""
    if move is None or not move.to_move:
        return []
    try:
        return apply_move(box, move)
    except ApiError as exc:
        log.warning("keeping the kit's notes moved to library %s failed: %s", move.new, exc.body.message)
        return [move.to_move[n] for n in sorted(move.to_move)]     # the keeper holds them all the same (_keep)
    except Exception as exc:  # noqa: BLE001 - the deletion stands; the notes left behind go silent with it
        log.warning("moving the kit's notes to library %s failed: %s", move.new, first_line(exc))
        return []


def _said(request: Request, label: str, gone: list[KitNote], moved: list[KitNote], move: Move | None) -> None:
    """The deletion's line in the box's log: "library kit (ID, laptopA's) deleted" (``label``: change_words.
    library_label) by whom (p57 QA_D 6: a deletion that touched no kit note was "DELETE /libraries/ID by ..."), then
    the notes moved (those with a word besides "the same files" counted), the notes emptied."""
    parts = [moved_words(len(moved), move)] if moved and move else []
    if gone:
        parts.append(gone_words((e.note, e.file) for e in gone))
    say_in_log(request, f"{label} deleted", "; " + "; ".join(parts) if parts else "")


def moved_words(moved: int, move: Move) -> str:
    """The box log's "3 kit notes now play library NEW (the same files)"; "(1 not known to be the same file, 2 not
    playing yet: the sampler did not take the copy)" when some are not known the same (kit_move.OLD_NOT_READ) or
    wait for the sampler."""
    odd, waiting = len(set(move.said) - move.waiting), len(move.waiting)
    extra = ([f"{odd} not known to be the same file"] if odd else []) + (
        [f"{waiting} not playing yet: the sampler did not take the copy"] if waiting else [])
    return f"{count_words(moved, 'kit note')} now play library {move.new} ({', '.join(extra) or 'the same files'})"


def _name_of(box: Any, lid: str) -> str:
    try:
        return str(box.libraries.get(lid).get("name") or "")
    except KeyError:
        return ""

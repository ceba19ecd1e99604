"""A library replaced by a new one of the same files: its kit notes move to the new one (p50 FC, QA "liveset").

``DELETE /libraries/{old}?moved_to={new}`` (`hatbox push-library --replace` asks it once the box accepted ``new``):
under the kit's lock, before ``old`` is deleted (its files still there), each kit note that played a file of ``old``
which ``new`` holds too (the same path, the same bytes) plays ``new``'s copy from then on, its note, loop flag and tag
(a note set by hand stays one) kept, and the kit is kept naming ``new`` (kit.json names it before ``old``'s folder is
renamed away: a power cut between the two leaves both libraries and a kit of the new one).  The sampler keeps playing
it (its mapping is replaced, never emptied, and a held loop plays on).  A copy the sampler does not take (its engine
stopped) stays in the kit, moved, as the box's start leaves a note it cannot map (``KitKeeper.unmapped``: GET /kit
maps it again).  Only the notes whose file ``new`` lacks, holds changed, or that cannot be read go silent, with the
deletion, said as a plain deletion says them (with ``Move.why``).  Before this a re-push with ``--replace`` emptied
the whole kit until ``box-kit --from`` was run by hand (13 s of missing beat on stage; longer while the new library
was being tagged, as no kit can be made of it then).
"""
from __future__ import annotations

import filecmp
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from device.api.errors import ApiError
from device.control import EngineStoppedError
from device.kit import KitNote, held_file, map_message
from hatbox.errors import first_line

NOT_IN_NEW = "not in the new library"
CHANGED_IN_NEW = "changed in the new library"
OLD_NOT_READ = "its file in the old library could not be read: not known to be the same"
SILENT_WHYS = (NOT_IN_NEW, CHANGED_IN_NEW)     # the whys of a note left behind (the others move, with their why)


@dataclass
class Move:
    """What moving library ``old``'s kit notes to ``new`` found: ``to_move`` (note -> the entry as it will play
    ``new``'s copy), ``why`` (note -> why a note of ``old`` stays behind and goes silent with it), ``said`` (note ->
    what a note moved carries besides "the same file": :data:`OLD_NOT_READ`, or why the sampler did not take the copy
    yet), ``waiting`` (the notes moved whose copy the sampler did not take: GET /kit maps them again)."""

    old: str
    new: str
    to_move: dict[int, KitNote] = field(default_factory=dict)
    why: dict[int, str] = field(default_factory=dict)
    said: dict[int, str] = field(default_factory=dict)
    waiting: set[int] = field(default_factory=set)


def checked_target(box: Any, old: str, new: str) -> None:
    """422 (nothing deleted) when ``moved_to`` names no library on the box, or the library being deleted."""
    if new == old:
        raise ApiError(422, "rejected", f"moved_to names library '{old}' itself: nothing was deleted",
                       hint="moved_to is the library that takes the kit's notes (the new one)")
    try:
        box.libraries.get(new)
    except KeyError:
        raise ApiError(422, "rejected", f"moved_to names library '{new}', which the box does not hold: nothing was "
                       "deleted", hint="hatbox box-library lists the libraries with their ids") from None


def plan_move(box: Any, old: str, new: str) -> Move:
    """Which of library ``old``'s kit notes ``new`` can play (:func:`same_file`); read before ``old`` is deleted
    (its files are compared), under the kit's lock (the caller's)."""
    move = Move(old, new)
    old_files, new_files = box.libraries.files_path(old), box.libraries.files_path(new)
    for note, entry in sorted(box.kit.notes.items()):
        if entry.library != old:
            continue
        held = held_file(new_files, entry.file)
        why = same_file(old_files / entry.file, new_files / held)
        if why in SILENT_WHYS:
            move.why[note] = why
            continue
        move.to_move[note] = replace(entry, library=new, file=held)
        if why:
            move.said[note] = why
    return move


def same_file(old: Path, new: Path) -> str:
    """"" when ``new`` holds the bytes of ``old``; else why not (:data:`NOT_IN_NEW`, :data:`CHANGED_IN_NEW`), or
    :data:`OLD_NOT_READ` when ``old`` cannot be read (gone already, a read error) and ``new`` is there: it moves, but
    is not counted among "the same files".  filecmp compares the sizes first, then the bytes (8 KiB at a time: a
    kit's notes are at most 128 files)."""
    try:
        if not new.is_file():
            return NOT_IN_NEW
    except OSError:
        return NOT_IN_NEW
    try:
        if not old.is_file():
            return OLD_NOT_READ
        return "" if filecmp.cmp(old, new, shallow=False) else CHANGED_IN_NEW
    except OSError:
        return OLD_NOT_READ


def apply_move(box: Any, move: Move) -> list[KitNote]:
    """Map each note of ``move.to_move`` to ``new``'s copy and keep the kit naming ``new`` (under the kit's lock, the
    caller's, before library ``old`` is deleted).  A copy the sampler does not take stays moved, in
    ``move.waiting`` and the keeper's ``unmapped`` (GET /kit maps it again, as after the box's start), its why the
    first line of the cause in ``move.said``; after an engine that is not running the rest are not tried (each
    would wait for it).  Returns the notes moved (as the kit holds them now).  ApiError 507 when the kit cannot be
    kept on the disk (the sampler plays the move)."""
    keeper = box.kit
    files, stopped = box.libraries.files_path(move.new), ""
    for note, entry in sorted(move.to_move.items()):
        why, engine_down = (stopped, True) if stopped else _map_copy(box, entry, files)
        if why:
            move.said[note], stopped = why, why if engine_down else ""
            move.waiting.add(note)
    mapped = set(move.to_move) - move.waiting
    try:
        keeper._keep({**keeper.notes, **move.to_move})
    finally:
        keeper.unmapped = (keeper.unmapped - mapped) | move.waiting
    return [move.to_move[n] for n in sorted(move.to_move)]


def _map_copy(box: Any, entry: KitNote, files: Path) -> tuple[str, bool]:
    """("", False) once the sampler maps ``entry`` (its file in ``files``); else (the first line of why, whether the
    engine is not running)."""
    try:
        box.control.send(map_message(entry, files))
    except EngineStoppedError as exc:
        return first_line(exc), True
    except Exception as exc:  # noqa: BLE001 - the sampler's refusal: the note stays moved, not mapped yet
        return first_line(exc), False
    return "", False

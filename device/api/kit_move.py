"""A library replaced by a new one of the same files: its kit notes move to the new one (p50 FC, QA "liveset").

``DELETE /libraries/{old}?moved_to={new}`` (`hatbox push-library --replace` asks it once the box accepted ``new``):
under the kit's lock, in one step with the deletion, each kit note that played a file of ``old`` which ``new`` holds
too (the same path, the same bytes: compared on the box before ``old``'s files go) plays ``new``'s copy from then on,
its note, loop flag and tag (a note set by hand stays one) kept: the sampler keeps playing it (its mapping is
replaced, never emptied, and a held loop plays on).  Only the notes whose file ``new`` lacks, or holds changed, go
silent, said as a plain deletion says them (:func:`why_silent`).  Before this a re-push with ``--replace`` emptied
the whole kit until ``box-kit --from`` was run by hand (13 s of missing beat on stage; longer while the new library
was being tagged, as no kit can be made of it then).
"""
from __future__ import annotations

import filecmp
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from device.api.errors import ApiError
from device.kit import KitNote, held_file

NOT_IN_NEW = "not in the new library"
CHANGED_IN_NEW = "changed in the new library"


@dataclass
class Move:
    """What moving library ``old``'s kit notes to ``new`` found: ``to_move`` (note -> the entry as it will play
    ``new``'s copy), ``why`` (note -> why a note of ``old`` stays behind and goes silent with it)."""

    old: str
    new: str
    to_move: dict[int, KitNote] = field(default_factory=dict)
    why: dict[int, str] = field(default_factory=dict)


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
        if why:
            move.why[note] = why
        else:
            move.to_move[note] = replace(entry, library=new, file=held)
    return move


def same_file(old: Path, new: Path) -> str:
    """"" when ``new`` holds the bytes of ``old``; else why not (:data:`NOT_IN_NEW`, :data:`CHANGED_IN_NEW`).  Sizes
    first, then the bytes (filecmp, 8 KiB at a time: a kit's notes are at most 128 files).  An ``old`` that cannot be
    read (gone already) is taken as the same when ``new`` is there: nothing better is known of it."""
    try:
        if not new.is_file():
            return NOT_IN_NEW
        if not old.is_file():
            return ""
        if old.stat().st_size != new.stat().st_size or not filecmp.cmp(old, new, shallow=False):
            return CHANGED_IN_NEW
    except OSError:
        return NOT_IN_NEW
    return ""


def apply_move(box: Any, move: Move) -> list[KitNote]:
    """Map each note of ``move.to_move`` to ``new``'s copy and keep the kit (under the kit's lock, the caller's:
    library ``old`` is deleted by now); a note the sampler refuses stays ``old``'s and goes silent with it (its
    why said).  Returns the notes moved (as they play now)."""
    keeper = box.kit
    moved: list[KitNote] = []
    for note, entry in sorted(move.to_move.items()):
        try:
            keeper._map(box, entry)
        except ApiError as exc:
            move.why[note] = f"the sampler did not take the new library's copy ({exc.body.message})"
            continue
        moved.append(entry)
    if moved:
        keeper.unmapped -= {e.note for e in moved}
        keeper._keep({**keeper.notes, **{e.note: e for e in moved}})
    return moved


def why_silent(move: Move | None, note: int) -> str | None:
    """Why kit note ``note`` went silent although its library was replaced (``move``; None: a plain deletion)."""
    return None if move is None else move.why.get(note)


def release_message(note: int) -> dict[str, Any]:
    """The sampler's note-off for kit note ``note`` (the synth's notes left alone): a loop sounding on it fades out
    over the sampler's release (device.audio.sampler.FADE_SECONDS), as at its key's release; one-shots play to their
    end; the sustain pedal holds it until it lifts, as any released loop."""
    return {"op": "note_off", "note": note, "slot": "sampler"}

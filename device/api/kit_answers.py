"""What the kit routes answer besides the kit itself (two laptops, one box: p43 duo QA), and the refusals they share.

* :class:`KitAnswer`: ``GET /kit`` and every kit change answer the kit and, with it, ``silenced`` (notes a library's
  deletion took out, and by whom: device/kit_history.py) and ``replaced`` (the notes this change took out or gave
  another sample: `box-kit --map` says "(was FILE, library NAME)", `box-kit --from --yes` "replaced 2 notes of other
  samples"); ``hot`` (the notes it set whose sample peaks over full scale: `box-kit` warns, p43 formats QA).
* :class:`KitFromLibrarySeen`: ``POST /kit/from-library``'s body may carry ``seen``, the kit as the laptop showed it
  when it asked "replace the whole kit?": the box refuses (409, :func:`kit_changed`) when the kit is no longer that.
* :class:`LibraryDeleted`: ``DELETE /libraries/{id}`` with ``Prefer: return=representation`` answers which kit
  notes it emptied (a plain DELETE keeps its 204).
"""
from __future__ import annotations

from typing import Any, Optional

from pydantic import BaseModel, Field

from device.api import models as M
from device.api.errors import ApiError
from device.kit import KitNote
from device.kit_history import Seen, Silenced, kit_changes
from device.notes import note_name

KIT_HINT = "hatbox box-kit lists the kit (GET /kit)"


class SeenNote(BaseModel):
    note: int = Field(ge=0, le=127)
    library: str = Field(max_length=128)
    file: str = Field(max_length=4096)


class KitFromLibrarySeen(M.KitFromLibrary):
    seen: Optional[list[SeenNote]] = Field(None, max_length=128, description="the kit as the laptop saw it when it "
                                           "asked to replace it (GET /kit's notes): the box refuses with 409 when the "
                                           "kit changed since; left out, it replaces whatever the kit is")


class GoneNote(BaseModel):
    note: int
    name: str = Field(description="the note's name, e.g. C2")
    library: str
    library_name: str = ""
    file: str
    tag: Optional[str] = Field(None, description="the tag it was chosen for (a kit made from a library); null: set by "
                                                 "hand (`box-kit --map`)")
    why: Optional[str] = Field(None, description="why it went silent although its library was replaced by another "
                                                 "(DELETE ...?moved_to: not in the new library, or changed there); "
                                                 "null otherwise")


class SilencedNotes(BaseModel):
    library: str
    library_name: str = ""
    by: str = Field("", description="the paired device that deleted it ('' when the box cannot say)")
    by_you: Optional[bool] = Field(None, description="the pairing asking deleted it (it was told of these notes when "
                                                     "it did: `hatbox box-kit` says them to the other laptops only); "
                                                     "None when the box cannot say (the panel, a loss kept before p46)")
    when: float = Field(description="seconds since the epoch")
    notes: list[GoneNote]
    words: str = Field(description="the loss in a line, e.g. \"library kitB was deleted by 'studio': 4 kit notes "
                                   "went silent: C2 kick.wav, ...\"")


class KitAnswer(M.Kit):
    silenced: list[SilencedNotes] = Field([], description="kit notes taken out because their library was deleted "
                                                         "(the newest last; forgotten as each note is set again)")
    replaced: list[GoneNote] = Field([], description="the notes this change took out or gave another sample (their "
                                                     "samples before it); [] for GET /kit")
    hot: list[HotNote] = Field([], description="the notes this change set whose sample peaks over full scale (a 32-bit "
                                               "float file at +6 dBFS: the box's limiter squashes it; normalise it); "
                                               "[] for GET /kit")


class HotNote(BaseModel):
    note: int
    name: str = Field(description="the note's name, e.g. C3")
    library: str
    file: str
    peak_dbfs: float = Field(description="the peak of the sample as the sampler plays it (its first second), over "
                                         "0 dBFS: the box's output limiter takes what is over off")


class LibraryDeleted(BaseModel):
    id: str
    name: str = ""
    kit_silenced: list[GoneNote] = Field(description="the kit notes the deletion took out (they played its samples)")


def gone_note(entry: KitNote, names: dict[str, str] | None = None, why: str | None = None) -> GoneNote:
    """Kit note ``entry`` as an answer lists a note taken out; ``names``: library id -> name; ``why``: why it went
    silent although its library was replaced (device/api/kit_move.py)."""
    return GoneNote(note=entry.note, name=note_name(entry.note), library=entry.library, file=entry.file,
                    library_name=(names or {}).get(entry.library, ""), tag=entry.tag, why=why)


def hot_notes(box: Any, entries: list[KitNote]) -> list[HotNote]:
    """Those of kit notes ``entries`` whose sample peaks over full scale (device.kit.is_over, the peak as the
    sampler plays it: device.library.decode.peak_dbfs), in note order (p43 formats QA: float files at +6 dBFS were
    picked and squashed by the limiter without a word)."""
    from device.kit import is_over
    from device.library.decode import peak_dbfs
    out = []
    for entry in sorted(entries, key=lambda e: e.note):
        peak = peak_dbfs(box.libraries.files_path(entry.library) / entry.file)
        if is_over(peak):
            out.append(HotNote(note=entry.note, name=note_name(entry.note), library=entry.library, file=entry.file,
                               peak_dbfs=round(peak, 2)))
    return out


def silenced_notes(loss: Silenced, token_id: str | None = None, tokens: Any = None) -> SilencedNotes:
    """Loss ``loss`` as GET /kit answers it to the pairing ``token_id`` (``tokens``: the box's TokenStore)."""
    from device.api.library_owners import is_yours
    yours = is_yours(loss.token or None, loss.by, token_id, tokens) if tokens is not None else None
    return SilencedNotes(library=loss.library, library_name=loss.name, by=loss.by, by_you=yours, when=loss.when,
                         words=loss.words(),
                         notes=[GoneNote(note=n, name=note_name(n), library=loss.library, library_name=loss.name,
                                         file=f) for n, f in loss.notes])


def seen_of(seen: list[SeenNote]) -> dict[int, tuple[str, str]]:
    return {s.note: (s.library, s.file) for s in seen}


def kit_changed(seen: Seen, now: Seen, names: dict[str, str], library: str) -> ApiError | None:
    """409 saying how the kit changed since the laptop saw it (``seen``), None when it did not."""
    words = kit_changes(seen, now, names)
    if not words:
        return None
    return ApiError(409, "kit changed", f"the kit changed since you were asked: {'; '.join(words[:6])}"
                    + ("; ..." if len(words) > 6 else "") + "; the kit is as it is now, not replaced",
                    hint=f"run it again to be asked about the kit as it is now: hatbox box-kit --from {library}")


def library_gone(name: str, said: str = "") -> ApiError:
    """404: library ``name`` was deleted (by another laptop, or the panel) while the kit was made of it, or while the
    laptop asked whether to; ``said``: the deletion in words when the box kept who did it and when
    (device.kit_history.deleted_words: "library kitB was deleted by 'laptopB' (DATE)")."""
    return ApiError(404, "not found", f"{said or f'library {name} was deleted'}; the kit is as it was",
                    hint="it was deleted meanwhile (by another computer, or on the box): hatbox box-library lists the "
                         "libraries the box still holds")


def library_names(box: Any) -> dict[str, str]:
    """Library id -> its name, for the libraries the box holds."""
    return {str(i["id"]): str(i.get("name") or i["id"]) for i in box.libraries.list()}

"""The panel's Kit page's hands on the box's kit (device/ui/kit_desk.KitDesk): :class:`BoxKit` works on the API's
kit keeper (device/api/kit_keeper.KitKeeper), so the panel and ``hatbox box-kit`` change one kit, under one lock, and
its "from library" makes the kit as ``POST /kit/from-library`` does (kit_routes.make_kit_from_library; split from
device/api/kit_routes.py at the fifty-second stop)."""
from __future__ import annotations

import sqlite3
from collections import Counter
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from device.api.errors import ApiError
from device.api.kit_routes import KitKeeper, MadeFromLibrary, _notes_info, make_kit_from_library
from device.kit import (MOVE_KINDS, YOUR_WORDS, KitError, KitMade, KitNote, KitRefused, Loops, Pad, check_file,
                        check_note, move_kind)
from device.kit_families import empty_drum_notes
from device.kit_moves import words_by_kind
from device.panel_log import kit_note_head, kit_note_words, said_change
from hatbox.errors import HatboxError

AGAIN = "tap from library again to make it"     # the hint of the refusal when the kit kept changing meanwhile
MEANWHILE = ("the kit changed while it was made: yours was not made, the kit is as that change left it - "
             "tap from library again", "kit changed meanwhile: not made - tap from library again",
             "kit changed meanwhile: not made")     # ... as the panel says it, longest first (KitRefused)
# device.kit's MOVE_KINDS are counted in their order ("2 moved, 1 new, 1 gone") and listed a line a kind in this one:
# the words that lost their note first, then the others in that order (a kind move_kind gains is listed as well)
LINE_KINDS = ("gone", *(kind for kind in MOVE_KINDS if kind != "gone"))


class BoxKit:
    """The panel's Kit page's hands on the box's kit (device/ui/kit_desk.KitDesk): the keeper's own methods, so the
    panel and ``hatbox box-kit`` change one kit, under one lock.  The API's refusals reach the panel as HatboxError
    in the same words.  Each call may wait on the engine decoding a sample: the panel makes them off its frame."""

    def __init__(self, box: Any) -> None:
        self.box = box

    def pads(self) -> dict[int, Pad]:
        """Note -> pad; while the box's start hands the kit to the sampler (:meth:`loading`), the notes it has not
        reached yet are ``loading`` (it hands them over in the kit's own order, under the keeper's lock)."""
        keeper: KitKeeper = self.box.kit
        loading, order = keeper.loading, list(keeper.notes)
        waiting = set(order[loading[0]:]) if loading else set()
        entries = [entry for _note, entry in sorted(keeper.notes.items())]
        out = {}
        for entry, info in zip(entries, _notes_info(self.box, entries)):
            path = self._path_of(entry)
            out[entry.note] = Pad(entry.note, str(path), info.tag, entry.loop, info.missing, entry.note in waiting,
                                  entry.latch and entry.loop)
        return out

    def loading(self) -> tuple[int, int] | None:
        """(notes handed to the sampler, of how many) while the box's start loads the kit; None once loaded."""
        return self.box.kit.loading

    def assign(self, note: int, path: str, loop: bool = False, tag: str | None = None) -> Pad:
        """Note ``note`` plays the sample at ``path`` (``loop``: looped), its latch and choke group kept; a change
        line (box.log, changes.log) only when it changed the note (p56 review R2: the pad's own sample picked again
        was logged, as "one-shot (no loop)" for a pad that never looped).  The pad's own sample keeps the word it was
        chosen for (FR2 3: a kit made "from library" lost it, and logged the pad as changed)."""
        library, rel = self._library_of(Path(path))
        entry = KitNote(note=check_note(note), library=library, file=check_file(rel), loop=loop, tag=tag)
        keeper: KitKeeper = self.box.kit
        with _said(), keeper.lock:                      # an RLock: set_keeping takes it again, and reads this ``old``
            old = keeper.notes.get(note)
            # its own sample again: compared on (library, file), never on paths (the panel's is resolved: p56 FR2 6)
            same = old is not None and (old.library, old.file) == (entry.library, entry.file)
            _, entry = keeper.set_keeping(self.box, entry, carries=[old.tag] if same and old.tag else None)
        if old != entry:                                # the same sample's line names no "was"
            said_change(kit_note_words(note, path, None if same else self._path_of(old), entry.loop, same))
        return Pad(note, path, entry.tag, entry.loop, latch=entry.latch and entry.loop)

    def clear(self, note: int) -> None:
        """Note ``note`` plays nothing; its change line names what it played, read under the kit's lock with the
        clear (p56 review R2: a PUT of the note in between made it name the wrong sample)."""
        keeper: KitKeeper = self.box.kit
        with _said(), keeper.lock:                      # an RLock: drop takes it again
            was = keeper.notes.get(note)
            gone = keeper.drop(self.box, [note])
        if gone:                                         # a note that played nothing already: nothing changed
            said_change(kit_note_words(note, None, self._path_of(was)))

    def _path_of(self, entry: KitNote | None) -> str | None:
        """Where the sample of kit note ``entry`` is (None: no entry)."""
        return None if entry is None else str(self.box.libraries.files_path(entry.library) / entry.file)

    def latch(self, note: int, on: bool) -> Pad:
        """Note ``note``'s loop latched (``on``) or not, its file, tag and choke group as they are: the keeper's
        :meth:`~device.api.kit_keeper.KitKeeper.set_options`, as PATCH /kit/notes/NOTE (`hatbox box-kit --latch`)
        sets it; HatboxError for a note that plays nothing (cleared meanwhile).  A change line ("kit note 38 (D2)
        latched"/"unlatched") when it changed the note, as PATCH's is (p56 review R2)."""
        keeper: KitKeeper = self.box.kit
        with _said(), keeper.lock:                      # what it plays now read under the same lock
            changed = keeper.options_changed(self.box, note, on, None)
            if changed is None:
                raise HatboxError(f"note {note} plays nothing in the kit: nothing was changed")
            entry = keeper.notes[note]
        if changed:                                     # as PATCH /kit/notes/N is in changes.log (p56 review R2)
            said_change(f"{kit_note_head(note)} {'latched' if on else 'unlatched'}")
        return Pad(note, str(self._path_of(entry)), entry.tag, entry.loop, latch=entry.latch and entry.loop)

    def holds(self, path: str) -> bool:
        """Whether ``path`` is a file of a library on the box (a deleted library's samples are not)."""
        try:
            self._library_of(Path(path))
        except KitError:
            return False
        return Path(path).is_file()

    def from_library(self, picked: str = "") -> KitMade:
        """The kit of the library that holds ``picked`` (the sample chosen on the Library page, which lists every
        library's samples together) when it is tagged; else of the library with the most tagged files.  Made as
        ``hatbox box-kit --from`` makes it (device.api.kit_routes.make_kit_from_library: the producer's words kept on
        their notes, made again when the kit changed meanwhile, then refused with the kit as it was).  Says what it
        made (:func:`made_words`): a short first line, then the words that went, moved or are new.  A kit that kept
        changing is refused as :class:`~device.kit.KitRefused` in the panel's words (:data:`MEANWHILE`)."""
        with _said():
            info = self._library_to_make(picked)
            made = _made_or_refused(self.box, info["id"])
        said = made_words(str(info.get("name") or info["id"]), made)
        said_change(said.replace("\n", "; "))          # in changes.log too (p55 F3), as the panel's other changes
        return said

    def _library_to_make(self, picked: str) -> dict[str, Any]:
        """The listing of the library :meth:`from_library` makes the kit of; ApiError 409 when none is tagged, the
        picked sample's library is gone or not tagged."""
        tagged = [(_tagged_files(self.box, info["id"]), info) for info in self.box.libraries.list()]
        tagged = [(n, info) for n, info in tagged if n > 0]
        if not tagged:
            raise ApiError(409, "not tagged", "no library on this box is tagged yet: nothing to make a kit of",
                           hint="send one from the laptop: hatbox push-library FOLDER --wait")
        chosen = self._picked_library(picked)
        if picked and not chosen:
            raise ApiError(409, "not tagged", f"the picked sample {Path(picked).name} is no longer on the box (its "
                           "library was deleted): the kit is as it was",
                           hint="pick a sample on the Library page, then make the kit from its library")
        if chosen and all(i["id"] != chosen for _, i in tagged):
            named = next((i.get("name") or i["id"] for i in self.box.libraries.list() if i["id"] == chosen), chosen)
            raise ApiError(409, "not tagged", f"the picked sample's library {named} has no tags to make a kit of "
                           "(not tagged yet, or its tag database is damaged): the kit is as it was",
                           hint=f"tag it again (hatbox box-library {chosen} --retag), or pick a sample of "
                                "another library on the Library page")
        return next((i for _n, i in tagged if i["id"] == chosen), None) or \
            max(tagged, key=lambda t: (t[0], t[1]["id"]))[1]

    def _picked_library(self, picked: str) -> str:
        """The id of the library holding the sample ``picked``; "" for none (nothing picked, or not a library's)."""
        if not picked:
            return ""
        try:
            return self._library_of(Path(picked))[0]
        except KitError:
            return ""

    def _library_of(self, path: Path) -> tuple[str, str]:
        """(library id, the path inside its files) of a sample the Library page lists; KitError for another path."""
        for info in self.box.libraries.list():
            files = self.box.libraries.files_path(info["id"])
            try:
                return info["id"], path.resolve().relative_to(files.resolve()).as_posix()
            except ValueError:
                continue
        raise KitError(f"{path.name} is not in a library on this box")


def _made_or_refused(box: Any, library: str) -> MadeFromLibrary:
    """kit_routes.make_kit_from_library for the panel; its refusal of a kit that kept changing meanwhile (the one
    409 that carries :data:`AGAIN`) as :class:`KitRefused` in :data:`MEANWHILE`'s words, its hint in them."""
    try:
        return make_kit_from_library(box, library, Loops(), again=AGAIN)
    except ApiError as exc:
        if exc.status == 409 and exc.body.hint == AGAIN:
            raise KitRefused(*MEANWHILE) from None
        raise


def made_words(name: str, made: MadeFromLibrary) -> KitMade:
    """What "from library" says of the kit ``made`` of library ``name``: its first line for the panel's status line
    ("kit made of drums: 14 notes; your words: 1 moved, 1 gone; 3 of the drum notes 35-59 empty"), then a line for
    each kind of the producer's words that changed note (:func:`moved_lines`), with the parts the panel shortens it
    from (device.kit.KitMade: the name may hold "; ")."""
    from hatbox.text import count_words
    empty = empty_drum_notes(made.kit)        # the pads of a drum module (35-59) that play nothing: said in short
    counts, notes = moved_counts(made.moved), count_words(len(made.kit), "note")
    clauses = (f"kit made of {name}: {notes}", *([YOUR_WORDS + counts] if counts else []),
               *([f"{len(empty)} of the drum notes 35-59 empty"] if empty else []))
    return KitMade(clauses, notes, counts, tuple(moved_lines(made.moved)))


def moved_counts(moved: list[tuple[str, int | None, int | None]]) -> str:
    """device.kit.word_moves' ``moved`` counted: "1 moved, 2 new, 1 gone"; "" when no word changed note."""
    kinds = Counter(move_kind(was, now) for _word, was, now in moved)
    return ", ".join(f"{kinds[k]} {k}" for k in MOVE_KINDS if kinds[k])


def moved_lines(moved: list[tuple[str, int | None, int | None]]) -> list[str]:
    """device.kit.word_moves' ``moved`` in full, a line a kind, the words that lost their note first (a narrow panel
    cut the list before them: R3 review): "gone: punchy (was D4)", "moved: 808 C4 -> D4", "new: keep D4" (the words
    `hatbox box-kit --from` lists, hatbox.kit_words.moved_lines, in the words of the same device.kit_moves, short
    enough for the panel)."""
    said = words_by_kind(moved)
    return [f"{kind}: {', '.join(said[kind])}" for kind in LINE_KINDS if said[kind]]


def _tagged_files(box: Any, library: str) -> int:
    from device.library import list_tags
    try:
        return sum(list_tags(box.libraries.db_path(library)).values())
    except (KeyError, HatboxError, sqlite3.Error):
        return 0


@contextmanager
def _said() -> Iterator[None]:
    """An ApiError as a HatboxError of the same message and hint (the panel shows those)."""
    try:
        yield
    except ApiError as exc:
        raise HatboxError(str(exc), hint=exc.body.hint) from None

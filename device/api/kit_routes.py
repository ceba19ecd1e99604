"""The sampler's kit through the API (device/kit.py): which library sample each MIDI note plays.

``GET /kit`` lists it; ``POST /kit/from-library`` makes it from a tagged library (a note per tag: General MIDI's
drum notes for drum words, a drum word's family filled with more of its files, device/kit_families.py; the
producer's own words from middle C up); ``PUT /kit/notes/{note}`` sets one note,
``DELETE /kit/notes/{note}`` clears one, ``DELETE /kit`` all.  Each change reaches the engine's sampler at once
(``sample`` messages with a note, velocity 0: map only) and is kept in STORE/kit.json through the box's
:class:`~device.api.kit_keeper.KitKeeper` (its lock, its file; it hands the kit to the sampler again at every
start).  Deleting a library takes its notes out of the kit.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable

from fastapi import FastAPI, Request, Response

from device.api import models as M
from device.api.change_words import library_label
from device.api.errors import ApiError, _errors
from device.api.kit_answers import KitAnswer, gone_note, hot_notes, library_gone, library_names, seen_of, \
    silenced_notes
from device.api.kit_keeper import KIT_HINT, KitKeeper, _files
from device.api.kit_loops import KitFromLibraryLoops, KitMade, MovedWord, long_files, loops_asked
from device.api.kit_tags import library_tags, tags_now
from device.api.state import box_of, say_in_log
from device.audio.file_length import seconds_in
from device.kit import LAYER_CANDIDATES, KitError, KitNote, Loops, check_file, check_note, fullest_first, \
    held_file, kept_words, kit_from_tags, word_moves
from device.kit_history import Seen, Silenced, deleted_words, deletion_of
from device.notes import note_name, parse_note
from device.panel_log import kit_note_head, kit_note_words
from hatbox.errors import HatboxError
from hatbox.text import count_words

def file_tags(box: Any, kit: dict[int, KitNote], library: str) -> dict[int, list[str]]:
    """note -> its file's tags now, for the notes of ``kit`` of library ``library`` ({} for a database that cannot
    be read: device.api.kit_tags.library_tags)."""
    found = library_tags(box, library, [e for e in kit.values() if e.library == library])
    return {n: t for n, t in found.items() if t is not None}


def library_kit(box: Any, library: str, loops: Loops | None = None, keep: dict[str, int] | None = None
                ) -> dict[int, KitNote]:
    """A kit of library ``library``'s tags (device.kit.kit_from_tags); ApiError 404 for no such library, 409 while
    it is not tagged (or its database is damaged), 404 in words when it is deleted while the kit is made of it
    (p43 duo QA: a 500 "no library database at .../tags.db", a traceback in the box's log, the hint "tag a library
    first").  ``loops``: the tags the producer named to loop or not (:class:`device.kit.Loops`, its ``seconds``
    filled here: a file's length on the box).  ``keep``: word -> the note it keeps (device.kit.kept_words of the kit
    made from; None: of the box's kit now, read under its lock: :func:`_kept`)."""
    name = library_name(box, library)
    _tagged_whole(box, library)
    try:
        return _made_of(box, library, loops or Loops(), keep)
    except (ApiError, HatboxError, sqlite3.Error, OSError):
        if _still_there(box, library):
            raise
        raise deleted_library(box, library, name) from None


def library_name(box: Any, library: str) -> str:
    """Library ``library``'s name (its id when it has none); 404 for no such library."""
    from device.api.library_routes import _lib
    return str(_lib(box.libraries.get, library).get("name") or library)


def deleted_library(box: Any, library: str, name: str = "") -> ApiError:
    """404 for library ``library`` (called ``name``), deleted: who deleted it and when, when the kit's history kept
    it (device.kit_history: p43 regression QA, `box-kit --from` answered "no library 'lib-kitb-c83967'" after its
    question); the plain "no library" 404 when the box never held it, or forgot."""
    from hatbox.text import when_words
    keeper: KitKeeper = box.kit
    gone = deletion_of(keeper.deleted, library) or deletion_of(keeper.silenced, library) or _deletion(box, library)
    if gone is None and not name:
        from device.api.library_routes import _lib
        _lib(box.libraries.get, library)            # raises its 404
    label = gone_label(box, library, name or (gone.name if gone else ""))
    return library_gone(label, deleted_words(replace(gone, name=label), when_words(gone.when)) if gone else "")


def _deletion(box: Any, library: str) -> Silenced | None:
    """Library ``library``'s deletion as the libraries keep it (who, when: Libraries.deleted), for one the kit has not
    heard of yet: a deletion racing `box-kit --from` lands there first (p57 QA_D 9: "who" was lost); None for none,
    or for the box's own deletion."""
    record = box.libraries.deleted.get(library)
    if record is None or not record.get("by"):      # the box's own (its panel): said as before, with no who
        return None
    return Silenced(library, str(record.get("name") or ""), (), float(record.get("at") or 0.0), str(record.get("by")
                                                                                                  or ""))


def gone_label(box: Any, library: str, name: str) -> str:
    """How a deleted library is named: its name, with its id where another library on the box has that name too
    (p57 QA_D 9: five laptops' libraries called "kit", "library kit was deleted" said not which); its id alone
    without a name."""
    from device.versions import folded
    if not name:
        return library
    shared = any(folded(i.get("name")) == folded(name) for i in box.libraries.list() if i.get("id") != library)
    return f"{name} ({library})" if shared else name


def _still_there(box: Any, library: str) -> bool:
    try:
        box.libraries.get(library)
    except KeyError:
        return False
    return True


def _made_of(box: Any, library: str, loops: Loops, keep: dict[str, int] | None = None) -> dict[int, KitNote]:
    """:func:`library_kit`'s making; a library deleted meanwhile fails on its database or files (HatboxError,
    sqlite3.Error, OSError), which the caller says in words."""
    from device.api.library_routes import _rel, _whole_db, tag_db_of
    from device.library import files_with_tag, list_tags
    from device.library.decode import peak_dbfs
    db, files = tag_db_of(box, library), box.libraries.files_path(library)
    peaks: dict[str, float] = {}                # each file decoded once for its level

    def level(rel: str) -> float:
        if rel not in peaks:
            peaks[rel] = peak_dbfs(files / rel)
        return peaks[rel]

    def best(tag: str, k: int) -> list[str]:
        """The tag's first files: the producer's own first, then the tagger's, their loudest layer first."""
        hits = files_with_tag(db, tag, limit=k + LAYER_CANDIDATES)
        yours = [_rel(h.path, files) for h in hits if h.corrected]
        tagger = [(_rel(h.path, files), h.score) for h in hits if not h.corrected]
        return yours + fullest_first(tagger, level)
    try:
        with _whole_db(library):
            tags = list_tags(db)
            return kit_from_tags(library, tags, best, families=True, pitch=lambda rel: file_pitch(files / rel),
                                 level=level, loops=loops_asked(loops, tags, files),
                                 keep=_kept(box, library) if keep is None else keep)    # its note (p53)
    except KitError as exc:
        raise ApiError(409, "not tagged", exc.message, hint=exc.hint) from None    # (str() adds the hint)


def _kept(box: Any, library: str) -> dict[str, int]:
    """device.kit.kept_words of the box's kit (read under its lock) for library ``library``, a note set by hand
    counting for its file's one own word (its tags now: :func:`file_tags`)."""
    with box.kit.lock:
        notes = dict(box.kit.notes)
    return kept_words(notes, library, file_tags(box, notes, library))


def file_pitch(path: Path) -> float:
    """The pitch (Hz) of the hit in sample ``path`` as the sampler plays it (device.audio.drum_pitch over the mono
    mix of its first second); nan for a file that does not decode or holds nothing."""
    from device.audio.drum_pitch import drum_pitch_hz
    from device.library.decode import play_mix, read_channels
    try:
        channels, rate = read_channels(path, 1.0, empty_ok=True)
    except (HatboxError, OSError):
        return float("nan")
    return drum_pitch_hz(play_mix(channels), rate) if channels.size else float("nan")


def _tagged_whole(box: Any, library: str) -> None:
    """ApiError 409 while library ``library``'s tagging has not gone through it (being tagged, or cancelled part way):
    a kit made of it then missed the sounds not tagged yet (a kit of one ride cymbal, no kick), without a word."""
    try:
        info = box.libraries.get(library)
    except KeyError:
        return                                  # tag_db_of says 404
    progress = info.get("progress") or {}
    done, total = progress.get("done", 0), progress.get("total", "?")
    name = str(info.get("name") or library)        # short, and first: the panel's tab bar shows the message's start
    if info.get("state") == "tagging":
        how = "finishing: writing what it heard" if done == total else f"{done} of {total}"   # p43: "(300 of 300)"
        raise ApiError(409, "not tagged", f"'{name}' is still being tagged ({how}): the kit is as it was",
                       hint=f"a kit made now would miss the sounds not tagged yet: wait for it (hatbox box-library "
                            f"{library} --wait), then make the kit")
    if info.get("state") == "cancelled":
        raise ApiError(409, "not tagged", f"'{name}' was tagged only part way ({done} of {total}): the kit is as it "
                       "was", hint=f"a kit made of it would miss the sounds not tagged: finish the tagging (hatbox "
                                   f"box-library {library} --retag --wait carries on where it stopped), then make the "
                                   "kit")


def _note(text: str) -> int:
    """The MIDI note a kit route's path names: its number or its name ("36", "C2", "F#1"; device.notes.parse_note),
    as the 422 for a wrong one says it may be (the path took numbers only: "C2" was a 400, thirty-third stop's QA)."""
    try:
        return parse_note(text)
    except ValueError as exc:
        raise ApiError(422, "rejected", str(exc), hint=KIT_HINT) from None


def options_words(body: M.KitNoteOptions) -> str:
    """PATCH /kit/notes/NOTE's ``body`` in the change log's words: "latch on, choke group 2", "loop off"."""
    said = [] if body.latch is None else [f"latch {'on' if body.latch else 'off'}"]
    said += [] if body.loop is None else [f"loop {'on' if body.loop else 'off'}"]
    said += ["choke General MIDI's"] if body.choke_default else [] if body.choke is None else [_choke_words(body.choke)]
    return ", ".join(said) or "none"


def _choke_words(group: int) -> str:
    """A choke group in the change log's words: "choke group 2"; 0 (no group, `--no-choke`): "choke none"."""
    return f"choke group {group}" if group else "choke none"


def _changed_or_404(text: str, change: Callable[[int], Any]) -> tuple[int, Any]:
    """``change`` (PATCH, DELETE) of the kit note ``text`` names (its number or name; ``change`` None: the kit does
    not play it); 404 for a name of no note or a note the kit does not play: nothing was
    changed.  The note's number and what ``change`` answered."""
    try:
        number = parse_note(text)
    except ValueError as exc:
        raise ApiError(404, "not found", f"{exc}: nothing was changed", hint=KIT_HINT) from None
    said = change(number)
    if said is None:
        raise ApiError(404, "not found", f"note {text} plays nothing in the kit: nothing was changed", hint=KIT_HINT)
    return number, said


def _notes_info(box: Any, entries: list[KitNote]) -> list[M.KitNote]:
    """The listings of kit notes ``entries``: ``missing`` when its file (or library) is gone, or when the sampler could
    not take it at the start and cannot now (a file put back since is mapped here: :meth:`KitKeeper.mapped_now`); the
    tag each shows read with one opening of each library's database (device/api/kit_tags.py: it was one per note)."""
    found = [(e, *_where(box, e)) for e in entries]
    tags = tags_now(box, [e for e, _name, there in found if there])
    return [M.KitNote(note=e.note, name=note_name(e.note), library=e.library, library_name=name, file=e.file,
                      loop=e.loop, tag=tags.get(e.note, e.tag), missing=not there, latch=e.latch and e.loop,
                      choke=e.choke) for e, name, there in found]


def _where(box: Any, entry: KitNote) -> tuple[str, bool]:
    """(the name of kit note ``entry``'s library, "" when it is gone; whether the note plays its file now)."""
    try:
        info = box.libraries.get(entry.library)
        name, there = str(info.get("name", "")), (box.libraries.files_path(entry.library) / entry.file).is_file()
    except KeyError:
        name, there = "", False
    return name, there and box.kit.mapped_now(box, entry.note)


def _kit(box: Any, replaced: list[KitNote] | None = None, set_now: list[KitNote] | None = None,
         token_id: str | None = None) -> KitAnswer:
    """The kit as the routes answer it to the pairing ``token_id``; ``replaced``: what the change answered took out or
    gave another sample; ``set_now``: the notes it set, whose samples over full scale are said (``hot``); each loss
    says whether the asker's own deletion made it (``by_you``: it was told so when it deleted the library)."""
    keeper: KitKeeper = box.kit
    loading = keeper.loading                # while the box's start hands the kit over (kit QA: listed as if playing)
    names = library_names(box) if replaced else {}
    return KitAnswer(notes=_notes_info(box, [keeper.notes[n] for n in sorted(keeper.notes)]),
                     loading=f"{loading[0]} of {loading[1]} notes" if loading else None,
                     silenced=[silenced_notes(s, token_id, box.tokens) for s in keeper.silenced],
                     replaced=[gone_note(e, names) for e in replaced or []],
                     hot=hot_notes(box, set_now or []))


def _add_kit_routes(app: FastAPI, auth: Any) -> None:
    @app.get("/kit", response_model=KitAnswer, responses=_errors(401))
    def get_kit(request: Request, token_id: str = auth) -> KitAnswer:
        return _kit(box_of(request), token_id=token_id)

    @app.post("/kit/from-library", response_model=KitMade, responses=_errors(401, 404, 409, 422, 503, 507))
    def kit_from_library(request: Request, body: KitFromLibraryLoops, token_id: str = auth) -> KitMade:
        box = box_of(request)
        seconds = seconds_in(box.libraries.files_path(body.library))     # each header read once, for both
        loops = Loops(on=body.words("loop"), off=body.words("no_loop"), seconds=seconds)
        made = make_kit_from_library(box, body.library, loops, None if body.seen is None else seen_of(body.seen))
        kit = made.kit
        answer = _kit(box, [e for n, e in sorted(made.old.items()) if kit.get(n) != e], list(kit.values()), token_id)
        say_in_log(request, f"kit made from {_library_label(box, body.library)}", f": {count_words(len(kit), 'note')}")
        moved = [MovedWord(word=w, was=a, now=b) for w, a, b in made.moved]
        return KitMade(**answer.model_dump(), long_files=long_files(kit, seconds), words_moved=moved)

    @app.put("/kit/notes/{note}", response_model=KitAnswer, responses=_errors(401, 404, 422, 503, 507))
    def set_kit_note(request: Request, note: str, body: M.KitNoteRequest, token_id: str = auth) -> KitAnswer:
        box = box_of(request)
        files = _files(box, body.library)
        number = _note(note)
        try:
            entry = KitNote(note=check_note(number), library=body.library, file=held_file(files, check_file(body.file)),
                            loop=body.loop)
        except KitError as exc:
            raise ApiError(422, "rejected", exc.message, hint=KIT_HINT) from None
        from device.api.library_routes import _library_file
        if not _library_file(files, entry.file)[0].is_file():     # 422 for a link leading out, a name no file has
            raise ApiError(404, "not found", f"library '{body.library}' holds no file {entry.file}",
                           hint=f"hatbox box-library {body.library} --tag TAG lists its files as the kit names them")
        carries = library_tags(box, body.library, [entry]).get(entry.note)     # its word kept where the file has it
        old, entry = box.kit.set_keeping(box, entry, body.latch, body.choke, carries)    # latch, choke kept
        say_in_log(request, _set_words(box, old, entry))
        return _kit(box, [old] if old is not None and old != entry else [], [entry], token_id)

    @app.patch("/kit/notes/{note}", response_model=KitAnswer, responses=_errors(401, 404, 422, 503, 507))
    def set_kit_note_options(request: Request, note: str, body: M.KitNoteOptions, token_id: str = auth) -> KitAnswer:
        """A kit note's options (`box-kit --latch/--choke`), its file, loop and tag as they are (latch: it loops)."""
        box = box_of(request)
        if body.latch is True and body.loop is False:
            raise ApiError(422, "rejected", "a latch is a loop's (a tap starts it, the next stops it): latch true "
                           "with loop false cannot be both; nothing was changed", hint=KIT_HINT)
        number, changed = _changed_or_404(note, lambda n: box.kit.options_changed(box, n, body.latch, body.choke,
                                                                                 body.choke_default, body.loop))
        # one name of the note, whatever was typed (70 or A#4); nothing changed: "" (ChangeLog writes no line)
        say_in_log(request, f"{kit_note_head(number)} options set: {options_words(body)}"
                   if changed else "")
        return _kit(box, token_id=token_id)

    @app.delete("/kit/notes/{note}", response_model=KitAnswer, responses=_errors(401, 404))
    def clear_kit_note(request: Request, note: str, token_id: str = auth) -> KitAnswer:
        box = box_of(request)
        number, gone = _changed_or_404(note, lambda n: box.kit.drop(box, [n]) or None)
        say_in_log(request, kit_note_words(number, None, gone[0].file))     # what drop took, read under its lock
        return _kit(box, token_id=token_id)

    @app.delete("/kit", status_code=204, dependencies=[auth], responses=_errors(401))
    def clear_kit(request: Request) -> Response:
        box = box_of(request)
        gone = box.kit.drop(box, list(box.kit.notes))
        say_in_log(request, f"the kit cleared ({count_words(len(gone), 'note')} went silent)" if gone else "")
        return Response(status_code=204)


def _library_label(box: Any, library: str) -> str:
    """"library kit (ID, laptopA's)" for the change log (device.api.change_words.library_label; its id alone for a
    library deleted since)."""
    try:
        return library_label(box.libraries.get(library), library)
    except KeyError:
        return library_label({}, library)


def _set_words(box: Any, old: KitNote | None, entry: KitNote) -> str:
    """PUT /kit/notes/N in the change log's words: "kit note 36 (C2) plays boom.wav of library kit (ID, laptopA's)
    (was kick.wav)" (device.panel_log.kit_note_words, the panel's words for a note set)."""
    same = old is not None and (old.library, old.file) == (entry.library, entry.file)
    return kit_note_words(entry.note, entry.file, None if old is None else old.file, entry.loop, same,
                          of=f" of {_library_label(box, entry.library)}")


MAKINGS = 3      # a kit made once, then again at most twice when the kit changed while it was made


@dataclass(frozen=True)
class MadeFromLibrary:
    """What :func:`make_kit_from_library` did: ``kit``, the kit made (the box's now); ``old``, the kit it replaced;
    ``moved``, the producer's words of the library whose note changed (device.kit.word_moves: (word, its note
    before, its note now), None: not on that kit)."""

    kit: dict[int, KitNote]
    old: dict[int, KitNote]
    moved: list[tuple[str, int | None, int | None]]


def make_kit_from_library(box: Any, library: str, loops: Loops, seen: Seen | None = None,
                          again: str = "") -> MadeFromLibrary:
    """The kit of library ``library`` made and made the box's: the one making of ``POST /kit/from-library`` and of
    the panel's "from library" (device/api/box_kit.py).  The producer's words keep their notes (device.kit.kept_words
    of the kit replaced); a kit that changed while it was made is made again, :data:`MAKINGS` times at most, then
    409 with the kit as the other change left it (``again``: the hint saying how to ask again; "": `box-kit
    --from`'s).  ``seen``: the kit the asker saw (409 when it is no longer that: kit_answers.kit_changed).  404 in
    words (who deleted it, when) for a library deleted before or while its kit is made."""
    if not _still_there(box, library):
        raise deleted_library(box, library)   # while the laptop asked whether to replace the kit
    name = library_name(box, library)
    try:
        before, tags_of, kit, old = _made_and_kept(box, library, loops, seen,
                                                   again or f"hatbox box-kit --from {library} makes it again")
    except ApiError as exc:
        if exc.status == 404 and not _still_there(box, library):
            raise deleted_library(box, library, name) from None   # between the making and the storing
        raise
    return MadeFromLibrary(kit, old, word_moves(before, kit, library, tags_of))


def _made_and_kept(box: Any, library: str, loops: Loops, seen: Seen | None, again: str) -> tuple[
        dict[int, KitNote], dict[int, list[str]], dict[int, KitNote], dict[int, KitNote]]:
    """(the kit made from, its files' tags, the kit made, the kit replaced): ``library``'s kit made outside the lock
    (test_p40_kit_races), stored if the kit is still the one it was made from, else made again (MF3: a rename
    meanwhile was overwritten), :data:`MAKINGS` times at most, then 409 (``again``: its hint)."""
    for _ in range(MAKINGS):
        with box.kit.lock:      # the kit its words are kept from and compared with: one (p53 review)
            before = dict(box.kit.notes)
        tags_of = file_tags(box, before, library)       # read once, outside the lock, for both
        kit = library_kit(box, library, loops, kept_words(before, library, tags_of))
        with box.kit.lock:
            if box.kit.notes == before:
                return before, tags_of, kit, box.kit.replace(box, kit, seen)
    raise ApiError(409, "busy", "the kit changed while it was made: yours was not made; the kit is as that change "
                   "left it", hint=again)

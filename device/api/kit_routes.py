"""The sampler's kit through the API (device/kit.py): which library sample each MIDI note plays.

``GET /kit`` lists it; ``POST /kit/from-library`` makes it from a tagged library (a note per tag: General MIDI's
drum notes for drum words, a drum word's family filled with more of its files, device/kit_families.py; the
producer's own words from middle C up); ``PUT /kit/notes/{note}`` sets one note,
``DELETE /kit/notes/{note}`` clears one, ``DELETE /kit`` all.  Each change reaches the engine's sampler at once
(``sample`` messages with a note, velocity 0: map only) and is kept in STORE/kit.json; the box hands the kit to
its sampler again at every start (:meth:`KitKeeper.apply`).  Deleting a library takes its notes out of the kit.
"""
from __future__ import annotations

import logging
import sqlite3
import threading
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable

from fastapi import FastAPI, Request, Response

from device.api import models as M
from device.api.errors import ApiError, _engine_stopped, _errors
from device.api.kit_answers import KitAnswer, gone_note, hot_notes, kit_changed, library_gone, \
    library_names, seen_of, silenced_notes
from device.api.kit_loops import KitFromLibraryLoops, KitMade, MovedWord, long_files, loops_asked
from device.api.kit_tags import library_tags, tags_now
from device.api.state import box_of, say_in_log
from device.audio.file_length import seconds_in
from device.control import EngineStoppedError
from device.kit import LAYER_CANDIDATES, KitError, KitNote, Loops, carried, check_file, check_note, \
    choke_message, gm_note, fullest_first, held_file, kept_words, kit_from_tags, load_kit, map_message, \
    save_kit, stops_latched, unmap_message, word_moves
from device.kit_history import Seen, Silenced, deleted_words, deletion_of, load_silenced, noted, remember, \
    still_silent
from device.notes import note_name, parse_note
from hatbox.errors import HatboxError, first_line

log = logging.getLogger(__name__)

KIT_HINT = "hatbox box-kit lists the kit (GET /kit)"


class KitKeeper:
    """The box's kit, kept at ``path``, and the engine's sampler kept to it.  One change at a time (a lock)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock = threading.RLock()        # drop() inside forget_library()
        self.notes: dict[int, KitNote] = load_kit(path)
        self.silenced: list[Silenced] = load_silenced(path)     # notes a library's deletion took out (kit_history)
        self.deleted: list[Silenced] = load_silenced(path, "deleted")    # the libraries deleted last, and by whom
        self.applied = threading.Event()      # set once :meth:`apply` has handed the kit to the sampler
        self.unmapped: set[int] = set()       # notes :meth:`apply` could not hand over (a file missing at the start)
        self.loading: tuple[int, int] | None = None   # (notes handed over, of) while :meth:`apply` runs

    def apply_in_background(self, box: Any) -> threading.Thread:
        """:meth:`apply` on a thread of its own, so that the box's start (its API) does not wait while the sampler
        decodes the kit (a kit of 60-s loops takes seconds); a change to the kit meanwhile waits for it (the lock)."""
        thread = threading.Thread(target=self.apply, args=(box,), name="hatbox-kit", daemon=True)
        thread.start()
        return thread

    def apply(self, box: Any) -> list[str]:
        """Hand every note of the kit to the engine's sampler (the box's start); returns what could not be, each
        said in the log: a note whose library was deleted or whose file the sampler refused stays in the kit."""
        problems = []
        try:
            with self.lock:
                entries = list(self.notes.values())
                for done, entry in enumerate(entries):
                    self.loading = (done, len(entries))
                    try:
                        _send_map(box, entry)
                    except Exception as exc:  # noqa: BLE001 - a sampler refusal, a library gone: said, the rest maps
                        self.unmapped.add(entry.note)
                        problems.append(f"kit note {entry.note} ({note_name(entry.note)}: {entry.file}): "
                                        f"{first_line(exc)}")
        finally:
            self.loading = None
            self.applied.set()
        for line in problems:
            log.warning("%s", line)
        return problems

    def mapped_now(self, box: Any, note: int) -> bool:
        """Whether ``note`` plays its file: True unless :meth:`apply` could not map it, in which case it is tried
        again now (its file put back since the start: it played nothing until the next restart)."""
        if note not in self.unmapped:
            return True
        with self.lock:
            entry = self.notes.get(note)
            if entry is None or note not in self.unmapped:
                return True
            try:
                _send_map(box, entry)
            except Exception as exc:  # noqa: BLE001 - still not playable: listed as missing, said in the log
                log.info("kit note %s (%s) still cannot play %s: %s", note, note_name(note), entry.file,
                         first_line(exc))
                return False
            self.unmapped.discard(note)
            log.info("kit note %s (%s) plays %s again", note, note_name(note), entry.file)
            return True

    def replace(self, box: Any, new: dict[int, KitNote], seen: Seen | None = None) -> dict[int, KitNote]:
        """Make ``new`` the kit: its notes mapped, the old kit's other notes unmapped (:meth:`_unmap`), then kept.
        ApiError (422) naming the note when the sampler refuses a file: the notes mapped before it are given back
        their old samples (or nothing), so the sampler plays the old kit, as the file keeps it.  ``seen``: the kit as
        the laptop saw it when it asked whether to replace it: 409 (nothing changed) when the kit is no longer that
        (another laptop set a note meanwhile).  Returns the kit it replaced."""
        with self.lock:
            for library in sorted({e.library for e in new.values()}):
                _files(box, library)            # deleted while the kit was made of it (its forget_library has run)
            refused = None if seen is None else kit_changed(
                seen, {n: (e.library, e.file) for n, e in self.notes.items()}, library_names(box),
                next(iter(new.values())).library if new else "LIBRARY")
            if refused is not None:
                raise refused
            old = dict(self.notes)
            done: list[int] = []
            try:
                for entry in new.values():
                    self._map(box, entry)
                    done.append(entry.note)
            except ApiError as refused:
                for note in done if refused.status != 503 else []:    # a stopped engine: each would wait for it
                    old = self.notes.get(note)
                    try:
                        box.control.send(map_message(old, _files(box, old.library)) if old else unmap_message(note))
                    except Exception as exc:  # noqa: BLE001 - best effort: said in the log, the refusal stands
                        log.warning("giving note %s its old sample back failed: %s", note, first_line(exc))
                raise
            for note in sorted(set(self.notes) - set(new)):
                self._unmap(box, self.notes[note])
            for note in sorted(n for n in new if stops_latched(self.notes.get(n), new[n])):
                _send(box, choke_message(note))     # its latched loop would play on, deaf to its note-offs
            self.unmapped -= set(new)
            self.silenced = []                  # a new kit: what the old one lost is no longer its story
            self._keep(new)
            return old

    def set(self, box: Any, entry: KitNote) -> KitNote | None:
        """Let ``entry.note`` play ``entry``'s file; returns what the note played before (None: nothing).  A latched
        loop of the note that ``entry`` no longer latches (a new file, a one-shot, `--no-latch`) stops now with the
        sampler's quick fade (device.kit.stops_latched): its note-offs were ignored and would be (p51 M3)."""
        with self.lock:
            self._map(box, entry)
            self.unmapped.discard(entry.note)
            old = self.notes.get(entry.note)
            if stops_latched(old, entry):
                _send(box, choke_message(entry.note))
            self.silenced = still_silent(self.silenced, [entry.note])
            self._keep({**self.notes, entry.note: entry})
            return old

    def set_keeping(self, box: Any, entry: KitNote, latch: bool | None = None,
                    choke: int | None = None, carries: list[str] | None = None) -> tuple[KitNote | None, KitNote]:
        """:meth:`set` of ``entry`` (a new file for its note, its loop toggled) with the note's latch and choke group
        kept where ``latch``/``choke`` (None) do not say otherwise (device.kit.carried), read under the lock; returns
        (what the note played before, what it plays now).  ``carries``: the tags ``entry``'s file carries now: the
        word the note was chosen for stays with it when the file carries it (:func:`kept_tag`)."""
        with self.lock:
            old = self.notes.get(entry.note)
            entry = carried(old, replace(entry, tag=kept_tag(old, entry, carries)), latch, choke)
            return self.set(box, entry), entry

    def rename_word(self, library: str, word: str, to: str, carries: Callable[[list[KitNote]], dict[int, Any]],
                    merged: bool = False) -> list[int]:
        """Word ``word`` of library ``library`` renamed ``to`` (``POST /libraries/{id}/words``): the notes chosen for
        it whose file carries ``to`` now (``carries``: note -> its file's tags now, None unknown: renamed too) are
        chosen for ``to``, kept in kit.json, so that the kit made again keeps the word on its note (p53 review: "new
        words ... grit C#4").  None are when ``to`` has a note (:meth:`_has_word`, MF3: merged, punchy left its D4)
        or is a drum word (the pad vanished unsaid): the kit made again says ``word`` gone.  Nothing is sent to the
        sampler.  Returns the notes renamed; takes :attr:`lock` around its own change only."""
        with self.lock:
            chosen = [e for e in self.notes.values() if e.library == library and e.tag == word]
            if not chosen or gm_note(to) is not None or self._has_word(library, to, chosen, carries, merged):
                return []
            now = carries(chosen)
            renamed = [e.note for e in chosen if now.get(e.note) is None or to in now[e.note]]
            if renamed:
                self._keep({n: replace(e, tag=to) if n in renamed else e for n, e in self.notes.items()})
            return renamed

    def _has_word(self, library: str, to: str, chosen: list[KitNote],
                  carries: Callable[[list[KitNote]], dict[int, Any]], merged: bool) -> bool:
        """Whether a note of library ``library`` other than ``chosen`` is chosen for word ``to``, or (``merged``: a
        word before) counts for it by hand (:func:`device.kit.kept_words`: no tag, its file's one own word)."""
        others = {n: e for n, e in self.notes.items() if e.library == library and e not in chosen}
        if to in kept_words(others, library):       # chosen for it (``to`` is no drum word: rename_word)
            return True
        by_hand = [e for e in others.values() if not e.tag] if merged else []
        return bool(by_hand) and to in kept_words(others, library, carries(by_hand))

    def set_options(self, box: Any, note: int, latch: bool | None, choke: int | None,
                    default_choke: bool = False, loop: bool | None = None) -> bool:
        """Note ``note``'s latch and choke group (None: as it is; ``default_choke``: General MIDI's group), its file
        and tag as they are, its loop as it is unless ``loop`` says (False: a one-shot again, its latch gone with its
        loop: p52 QA1, `--latch` made a kick loop and `--no-latch` left it looping), read and written under the lock
        (a PUT of the note meanwhile was reverted); False when the note plays nothing (:meth:`options_changed`
        says whether anything changed)."""
        return self.options_changed(box, note, latch, choke, default_choke, loop) is not None

    def options_changed(self, box: Any, note: int, latch: bool | None, choke: int | None,
                        default_choke: bool = False, loop: bool | None = None) -> bool | None:
        """:meth:`set_options`: whether it changed note ``note`` (None: the note plays nothing), for PATCH's line
        in the changes log (p52 review R3: a PATCH that changed nothing was logged as a change)."""
        with self.lock:
            entry = self.notes.get(note)
            if entry is None:
                return None
            base = entry if loop is None else replace(entry, loop=loop)
            new = carried(entry, base, latch, choke, default_choke)
            if new != entry:
                self.set(box, new)
            return new != entry

    def drop(self, box: Any, notes: list[int]) -> list[int]:
        """Clear ``notes`` (those in the kit; a loop sounding on one stopped: :meth:`_unmap`); returns the ones that
        were there."""
        with self.lock:
            gone = [n for n in notes if n in self.notes]
            for note in gone:
                self._unmap(box, self.notes[note])
            self._keep({n: e for n, e in self.notes.items() if n not in gone})
            return gone

    def forget_library(self, box: Any, library: str, name: str = "", by: str = "", token: str = "") -> list[KitNote]:
        """Library ``library`` (called ``name``) was deleted (by device ``by``, its pairing's token id ``token``: the
        loss is not told again to that laptop, p46): its notes leave the kit (best effort:
        the library is gone already), and the loss is kept with the kit (:attr:`silenced`: `box-kit` says why the
        notes went).  Returns the notes taken out: the box decides which at the deletion, under the kit's lock (kit
        QA of the fortieth stop: read outside it, a kit of that library stored meanwhile was kept, every note of it
        missing; p43: a laptop that read them before its question named the notes of the kit before).  A loop still
        sounding on one of them (its key held, the sustain pedal down, latched) stops with a quick fade
        (:meth:`_unmap`: p50 FC, p51, it looped on after "went silent")."""
        gone: list[KitNote] = []
        try:
            with self.lock:
                gone = [e for n, e in sorted(self.notes.items()) if e.library == library]
                for entry in gone:
                    self._unmap(box, entry)
                loss = Silenced(library, name, tuple((e.note, e.file) for e in gone), by=by, token=token)
                self.silenced, self.deleted = remember(self.silenced, loss), noted(self.deleted, loss)
                self._keep({n: e for n, e in self.notes.items() if e.library != library})
        except Exception as exc:  # noqa: BLE001 - the deletion stands; the next start skips the notes
            log.warning("taking library %s's notes out of the kit failed: %s", library, first_line(exc))
        return gone

    @staticmethod
    def _unmap(box: Any, entry: KitNote) -> None:
        """Let kit note ``entry`` play nothing (best effort: a refusal is said in the log); a loop still sounding on
        it (its key held, the sustain pedal down, latched) stops now with the sampler's quick fade (its ``choke``),
        one-shots play to their end: a note taken out of the kit by any way (p50 FC, MF2).  (p51 QA: the note-off sent
        before left a loop the pedal held looping on after `push-library --replace` said it "went silent".)"""
        _send(box, unmap_message(entry.note))
        if entry.loop:
            _send(box, choke_message(entry.note))

    def _map(self, box: Any, entry: KitNote) -> None:
        try:
            _send_map(box, entry)
        except ApiError:
            raise
        except EngineStoppedError as exc:        # the box's trouble, not the file's
            raise _engine_stopped(exc, f"note {entry.note} ({note_name(entry.note)}) was not set to {entry.file}",
                                  "the kit is as it was before this file",
                                  "if the engine had begun on it, it may yet play it: set the note again") from None
        except Exception as exc:  # noqa: BLE001 - the sampler's refusal (not audio, too long to keep decoded)
            raise ApiError(422, "rejected", f"note {entry.note} ({note_name(entry.note)}) cannot play "
                           f"{entry.file}: {first_line(exc)}; the kit is as it was before this file",
                           hint=KIT_HINT) from None

    def _keep(self, kit: dict[int, KitNote]) -> None:
        """Store ``kit``, with the losses :attr:`silenced` kept with it, and make it the keeper's."""
        try:
            save_kit(self.path, kit, [s.as_json() for s in self.silenced], [d.as_json() for d in self.deleted])
        except OSError as exc:
            log.error("keeping the kit in %s failed: %s", self.path, exc)
            self.notes = kit
            raise ApiError(507, "storage failed", f"the sampler plays the new kit, but keeping it on the box's disk "
                           f"failed ({exc.strerror or exc}): after a restart it plays the kit from before",
                           hint="free some space on the box (hatbox status shows it), then set the kit again") from None
        self.notes = kit
        self.unmapped &= set(kit)


def _send(box: Any, message: dict[str, Any]) -> None:
    try:
        box.control.send(message)
    except Exception as exc:  # noqa: BLE001 - an unmap the engine refused: the note is out of the kit all the same
        log.warning("the sampler did not take %s: %s", message, first_line(exc))


def _files(box: Any, library: str) -> Path:
    """Library ``library``'s files folder; ApiError 404 when the box has no such library (deleted)."""
    from device.api.library_routes import _lib
    _lib(box.libraries.get, library)
    return box.libraries.files_path(library)


def kept_tag(old: KitNote | None, entry: KitNote, carries: list[str] | None) -> str | None:
    """The tag a note set by hand to ``entry``'s file keeps: the word ``old`` (what the note played) was chosen for,
    when ``entry``'s file of the same library ``carries`` it (p53 review: `--map C4 808/5.wav` on 808's note dropped
    808's claim on C4); else None (set by hand)."""
    if old is None or not old.tag or old.library != entry.library or old.tag not in (carries or []):
        return None
    return old.tag


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
    gone = deletion_of(keeper.deleted, library) or deletion_of(keeper.silenced, library)
    if gone is None and not name:
        from device.api.library_routes import _lib
        _lib(box.libraries.get, library)            # raises its 404
    return library_gone(name or library, deleted_words(gone, when_words(gone.when)) if gone else "")


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
        if not _still_there(box, body.library):
            raise deleted_library(box, body.library)   # while the laptop asked whether to replace the kit
        name = library_name(box, body.library)
        seconds = seconds_in(box.libraries.files_path(body.library))     # each header read once, for both
        loops = Loops(on=body.words("loop"), off=body.words("no_loop"), seconds=seconds)
        try:
            before, tags_of, kit, old = _made_and_kept(box, body.library, loops,
                                                       None if body.seen is None else seen_of(body.seen))
        except ApiError as exc:
            if exc.status == 404 and not _still_there(box, body.library):
                raise deleted_library(box, body.library, name) from None   # between the making and the storing
            raise
        answer = _kit(box, [e for n, e in sorted(old.items()) if kit.get(n) != e], list(kit.values()), token_id)
        moved = [MovedWord(word=w, was=a, now=b) for w, a, b in word_moves(before, kit, body.library, tags_of)]
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
        say_in_log(request, f"kit note {number} ({note_name(number)}) options set: {options_words(body)}"
                   if changed else "")
        return _kit(box, token_id=token_id)

    @app.delete("/kit/notes/{note}", response_model=KitAnswer, responses=_errors(401, 404))
    def clear_kit_note(request: Request, note: str, token_id: str = auth) -> KitAnswer:
        box = box_of(request)
        _changed_or_404(note, lambda number: box.kit.drop(box, [number]) or None)
        return _kit(box, token_id=token_id)

    @app.delete("/kit", status_code=204, dependencies=[auth], responses=_errors(401))
    def clear_kit(request: Request) -> Response:
        box = box_of(request)
        box.kit.drop(box, list(box.kit.notes))
        return Response(status_code=204)


MAKINGS = 3      # a kit made once, then again at most twice when the kit changed while it was made


def _made_and_kept(box: Any, library: str, loops: Loops, seen: Seen | None) -> tuple[
        dict[int, KitNote], dict[int, list[str]], dict[int, KitNote], dict[int, KitNote]]:
    """(the kit made from, its files' tags, the kit made, the kit replaced): ``library``'s kit made outside the lock
    (test_p40_kit_races), stored if the kit is still the one it was made from, else made again (MF3: a rename
    meanwhile was overwritten), :data:`MAKINGS` times at most, then 409."""
    for _ in range(MAKINGS):
        with box.kit.lock:      # the kit its words are kept from and compared with: one (p53 review)
            before = dict(box.kit.notes)
        tags_of = file_tags(box, before, library)       # read once, outside the lock, for both
        kit = library_kit(box, library, loops, kept_words(before, library, tags_of))
        with box.kit.lock:
            if box.kit.notes == before:
                return before, tags_of, kit, box.kit.replace(box, kit, seen)
    raise ApiError(409, "busy", "the kit changed while it was made: try again; the kit was not changed",
                   hint=f"hatbox box-kit --from {library} makes it again")


def _send_map(box: Any, entry: KitNote) -> None:
    """Ask the sampler to play ``entry``'s file on its note (the file found in its library's folder on the box)."""
    box.control.send(map_message(entry, _files(box, entry.library)))

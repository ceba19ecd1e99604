"""The box's kit and the engine's sampler kept to it (device/kit.py): :class:`KitKeeper` holds the kit under one
lock, keeps it in STORE/kit.json and sends the sampler its ``sample`` messages (a note, velocity 0: map only); the
box hands the kit to its sampler again at every start (:meth:`KitKeeper.apply`).  The API's kit routes
(device/api/kit_routes.py) and the panel's Kit page (device/api/box_kit.py) change the kit through it.  (Split from
device/api/kit_routes.py at the fifty-fourth stop.)
"""
from __future__ import annotations

import logging
import threading
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable

from device.api.errors import ApiError, _engine_stopped
from device.api.kit_answers import kit_changed, library_names
from device.control import EngineStoppedError
from device.kit import KitNote, carried, choke_message, gm_note, kept_words, load_kit, map_message, save_kit, \
    stops_latched, unmap_message
from device.kit_history import Seen, Silenced, load_silenced, noted, remember, still_silent
from device.notes import note_name
from hatbox.errors import first_line

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

    def drop(self, box: Any, notes: list[int]) -> list[KitNote]:
        """Clear ``notes`` (those in the kit; a loop sounding on one stopped: :meth:`_unmap`); returns the entries
        taken out, as they were under the lock (what a change line names: a PUT just before is not misread)."""
        with self.lock:
            gone = [self.notes[n] for n in notes if n in self.notes]
            for entry in gone:
                self._unmap(box, entry)
            self._keep({n: e for n, e in self.notes.items() if n not in notes})
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


def _send_map(box: Any, entry: KitNote) -> None:
    """Ask the sampler to play ``entry``'s file on its note (the file found in its library's folder on the box)."""
    box.control.send(map_message(entry, _files(box, entry.library)))

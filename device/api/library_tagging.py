"""The tagging of uploaded libraries (device/api/libraries.py): one background thread per library, cancellable, its
progress kept in memory and its end written to ``library.json`` (tried again when the disk refuses); a re-tag with
another tagger pack, the carrying on of taggings a restart cut off, and the tagging of the libraries that waited for a
tagger.  :class:`Tagging` is the part of :class:`device.api.libraries.Libraries` that does it; the names here are also
importable from device.api.libraries, as before this module was split out of it.
"""
from __future__ import annotations

import logging
import os
import signal
import threading
import time
from pathlib import Path
from typing import Any, Callable, Protocol

from device.api.library_fixes import cut_off_stays, cut_off_tagger, drop_stage, merge_stage, prepare_stage, \
    retag_ended, staged_start, tagging_failed, take_waiting
from device.api.library_upkeep import put_back, tally, what, with_library_failures
from device.library.child_process import died_how, in_thread, kill_children
from device.library.pack_fault import PACK_FAULT
from device.library.report_json import jsonable
from device.library.tag_worker import WorkerDied
from device.versions import upload_order
from hatbox.errors import HatboxError
from hatbox.text import NO_TAGGER

Progress = Callable[[int, int], None]
log = logging.getLogger("hatbox.api")


class Tagger(Protocol):
    def __call__(self, root: Path, pack: Path, db_path: Path, progress: Progress,
                 cancel: threading.Event) -> Any: ...


class TaggerMissing(HatboxError):
    """Library tagging is not part of this install."""


class LibraryBusy(HatboxError):
    """The library's tagging did not stop in time for it to be deleted (nothing was deleted)."""


class LibraryDamaged(LibraryBusy):
    """The library's record is damaged: it cannot be tagged again, only deleted (a conflict, as a busy one)."""




INTERRUPTED = ("tagging was interrupted by a restart (or its end could not be recorded before one); tag it again: "
               "hatbox box-library {lid} --retag (or hatbox box-library {lid} --delete removes this copy)")
UNEXPECTED = ("tagging stopped on an unexpected error ({what}); the box's log has the details - tag it again: "
              "hatbox box-library {lid} --retag")
DIED_HOW = "the tagging stopped unexpectedly ({how}); the box's log has the details"     # how: died_how(its status)
AGAIN = "; tag it again: hatbox box-library {lid} --retag"
DIED_WHY = DIED_HOW.format(how=died_how(-signal.SIGKILL))    # a SIGKILL's (the OOM killer's): :func:`died_why`
DIED = DIED_WHY + AGAIN
UNEXPECTED_WHY = "tagging stopped on an unexpected error ({what}); the box's log has the details"
# a re-tag's failure is said by the laptop as "a re-tag with NEW failed at N of M: WHY: every file keeps its tags from
# OLD (hatbox box-library ID --retag tries again)" (hatbox/library_fixes.retag_words): its record keeps the WHY alone
# (p51 QA: "tag it again" and --retag said twice)
FAULT_SHARE = 0.5               # a tagging whose pack faults are this share of the files it heard or more failed
DAMAGED = "its record is damaged; delete it with hatbox box-library {lid} --delete and upload it again"
FINISH_WAIT_S = 5.0
KILLED_WAIT_S = 2.0             # how long the box's stop waits for a tagging thread once its process is killed
MAX_RESUMES = 2                 # a tagging cut off by this many restarts in a row is not carried on by itself again


def default_tagger(root: Path, pack: Path, db_path: Path, progress: Progress, cancel: threading.Event) -> Any:
    """device.library.tag_library, run in a process of its own (device.library.tag_worker: the box's main process,
    where OSC and MIDI hand notes to the engine, keeps its GIL; p50), started only when a library is tagged.  With
    :data:`device.library.child_process.IN_THREAD_ENV` set to "1" it runs on the calling thread as before p50: the
    test suite's setting (a process start per tagging made the suite 60 % slower); the tag_worker tests unset it."""
    import importlib.util
    if importlib.util.find_spec("device.library.tag") is None:
        raise TaggerMissing("library tagging is not installed on this box")
    if in_thread():
        from device.library import tag_library  # type: ignore[attr-defined]
        return tag_library(root, pack, db_path, progress=progress, cancel=cancel)
    from device.library.tag_worker import tag_in_process
    try:
        return tag_in_process(root, pack, db_path, progress, cancel)
    except HatboxError as exc:
        if type(exc).__name__ == TaggerMissing.__name__:        # the child could not import it (a dependency)
            raise TaggerMissing(str(exc.args[0])) from None
        raise


def died_why(code: int | None, lid: str = "") -> str:
    """The record's words for a tagging whose process ended with status ``code`` and no report: :data:`DIED_HOW`
    with child_process.died_how's words ("out of memory?" for a SIGKILL alone: a SIGSEGV is a crash), and for a
    library ``lid`` how to tag it again (a staged re-tag's, ``lid`` "": its why alone, hatbox/library_fixes.
    retag_words).  (p51 review: every end was "killed: out of memory?".)"""
    why = DIED_HOW.format(how=died_how(code))
    return why + AGAIN.format(lid=lid) if lid else why


def pack_fault(report: Any, tagger: str, lid: str, staged: bool) -> str:
    """Why a tagging whose ``report`` (the run's own, as JSON) met pack faults (files the pack ``tagger`` gave NaN
    for: device.library.pack_fault.NAN_SCORES) for :data:`FAULT_SHARE` or more of the files it heard
    (:func:`_heard`: with those this pack tagged before a restart or a stop) failed; "" for one that did not.  A
    staged re-tag's words are its why alone (:data:`DIED_WHY`).  (p51 QA: a re-tag with a pack that gave NaN for
    every batch of 4 files or more replaced a library's good tags by none and said "tagging done".)"""
    faults = _faults(report)
    heard = _heard(report, faults) if faults else 0
    if not faults or faults < FAULT_SHARE * heard:
        return ""
    why = (f"the tagger pack {'' if staged else tagger + ' '}gave no usable scores (NaN) for {faults} of the {heard} "
           f"files it heard: {PACK_FAULT}, not of the samples")
    if staged:
        return f"{why} (activate another tagger pack, or train this one again)"
    return (f"{why}; activate another tagger pack (hatbox box-pack lists them) or train this one again, then tag it "
            f"again: hatbox box-library {lid} --retag")


def _faults(report: Any) -> int:
    """The files of ``report`` (a run's, as JSON) that the pack gave NaN for (:data:`PACK_FAULT` in their reason)."""
    failed = report.get("failed") if isinstance(report, dict) else None
    return sum(1 for f in failed or () if isinstance(f, (list, tuple)) and len(f) > 1 and PACK_FAULT in str(f[1]))


def _heard(report: dict[str, Any], faults: int) -> int:
    """The files this pack heard, by ``report`` (a run's, as JSON): its ``faults``, those it tagged now and those it
    had tagged before (``unchanged``: rows of this pack's model, from a run a restart or a stop cut off, or a staged
    re-tag's copy carried on), less those still skipped (unchanged, never heard: silent, too short).  (p51 review: a
    tagging resumed for the last file of 9 failed "NaN for 1 of the 1 files it heard", its 8 good rows dropped.)"""
    unchanged = int(report.get("unchanged") or 0) - len(report.get("still_skipped") or ())
    return faults + int(report.get("tagged") or 0) + max(0, unchanged)


def pack_gone(info: dict[str, Any], staged: bool) -> str:
    """Why the tagging of library ``info`` failed when its tagger pack was no longer on the box as it read it (deleted
    meanwhile; the deletes of the box keep a pack a tagging uses, so this is a pack removed by other means): in words,
    never the store's path to it.  A staged re-tag's words are its why alone (hatbox/library_fixes.retag_words)."""
    why = f"its tagger pack {info.get('tagger')} was no longer on the box when the tagging read it"
    if staged:
        return why
    return f"{why}; make a tagger pack active, then tag it again: hatbox box-library {info['id']} --retag"


NO_COUNT = "its process gave no count"     # a tagging process that ended without its report: tag_worker's fallback


def counted(results: Any, progress: Any) -> str:
    """A tagging's ``results`` in a few words for the box's log: their tally (library_upkeep.tally), or for a report
    without counts (tag_worker's ``{"cancelled": true}``: its process stopped before it could say, the box stopping
    or a ``--cancel`` whose stuck child was killed) :data:`NO_COUNT` and how far its ``progress`` (the record's
    ``{"done", "total"}``) got: "its process gave no count; it was at 2 of 8".  (p51 review: a --cancel at 2 of 8
    was logged "tagging cancelled (nothing to tag)".)"""
    if isinstance(results, dict) and "tagged" in results:
        return tally(results)
    done, total = (progress.get("done"), progress.get("total")) if isinstance(progress, dict) else (None, None)
    at = f"; it was at {done} of {total}" if isinstance(done, int) and isinstance(total, int) else ""
    return NO_COUNT + at


def lower_priority(nice: int) -> None:
    """Renice the calling thread (Linux: per thread) so background work yields to audio."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), nice)
    except (OSError, AttributeError):
        pass




class Tagging:
    """The tagging threads of a set of libraries (mixed into :class:`device.api.libraries.Libraries`, whose records,
    lock and ``_save`` it uses: the record is written there, where the storage's failures are tested)."""

    save_tries = 3              # writes of a record at the end of a tagging before it is left to later reads
    save_retry_s = 0.5          # seconds between those writes
    root: Path
    tagger: Tagger
    interrupted: list[str]

    def _start(self, info: dict[str, Any], pack: Path) -> None:
        lid = info["id"]
        cancel = self._cancel[lid] = threading.Event()
        t = threading.Thread(target=self._run, args=(info, pack, cancel), name=f"tag-{lid}", daemon=True)
        self._threads[lid] = t
        t.start()

    def _run(self, info: dict[str, Any], pack: Path, cancel: threading.Event) -> None:
        """The tagging thread: tag, then record how it ended.  Nothing escapes it: whatever goes wrong is
        logged and leaves the state that says it (``failed`` and why); a record that cannot be written is
        left to :meth:`_end` (tried again, then at later reads)."""
        lid = info["id"]
        try:
            ended = self._tag(info, pack, cancel)
        except BaseException as exc:  # noqa: BLE001 - a bug here must not leave a library "tagging" for ever
            log.exception("tagging library %s stopped on an unexpected error", lid)
            words = UNEXPECTED_WHY if info.get("before") else UNEXPECTED    # a re-tag: its why alone (retag_words)
            ended = {"state": "failed", "error": words.format(what=what(exc), lid=lid)}
        if self._shutting and ended.get("state") == "cancelled":
            log.info("library %s: tagging stopped as the box stops (%s); its next start carries it on", lid,
                     counted(ended.get("results"), info.get("progress")))
            return                              # the record says "tagging": the next start resumes it
        try:
            self._end(info, ended)
        except BaseException:  # noqa: BLE001 - the thread ends here either way; never an unlogged death
            log.exception("recording the end of library %s's tagging failed", lid)
            info.update(ended)
            self._unsaved.add(lid)

    def _tag(self, info: dict[str, Any], pack: Path, cancel: threading.Event) -> dict[str, Any]:
        """Run the tagger on library ``info`` (its progress kept up to date in memory); returns how it ended:
        the record's new state, results and error, for :meth:`_end` to write and then show."""
        lower_priority(10)                 # tagging never competes with the audio engine
        d = self.root / info["id"]

        def progress(done: int, total: int) -> None:
            info["progress"] = {"done": int(done), "total": int(total)}
        staged = bool(info.get("before"))
        try:
            db = prepare_stage(d) if staged else d / "tags.db"    # a re-tag: a copy (library_fixes)
            take_waiting(d, db)                 # corrections sent before it had a tag database
            report = jsonable(self.tagger(d / "files", pack, db, progress, cancel))
            state, fault = self._settled(info, report, staged, "cancelled" if cancel.is_set() else "done")
            results = with_library_failures(report, db if db.is_file() else d / "tags.db", d / "files")
            return self._said_end(info, results, state, fault)
        except TaggerMissing as exc:
            log.error("library %s cannot be tagged: %s", info["id"], exc)
            return {"state": "untagged", "error": str(exc)}
        except WorkerDied as exc:           # its exit status is for the log, the record says how and what to do
            log.error("tagging library %s failed: %s", info["id"], exc)
            return {"state": "failed", "error": died_why(exc.code, "" if staged else info["id"])}
        except HatboxError as exc:          # said in plain words by the tagger (an unreadable pack...)
            log.error("tagging library %s failed: %s", info["id"], exc)
            gone = not pack.is_file()       # its pack deleted meanwhile: said so, never the store's path
            return {"state": "failed", "error": pack_gone(info, staged) if gone else tagging_failed(d, exc, staged)}
        except Exception as exc:  # noqa: BLE001 - a tagger failure is reported, never fatal to the box
            log.exception("tagging library %s failed", info["id"])
            return {"state": "failed", "error": tagging_failed(d, exc, staged)}

    def _settled(self, info: dict[str, Any], report: Any, staged: bool, state: str) -> tuple[str, str]:
        """A tagging of record ``info`` whose tagger returned ``report`` (as JSON), ``state`` "done" or "cancelled":
        its pack's faults (:func:`pack_fault`, said in the log) and a staged re-tag's copy, dropped for a pack's
        fault (its NaN rows: nothing of it to go on from) or made the library's tags once done.  Returns (the state to
        record, the fault's words or "")."""
        d = self.root / info["id"]
        fault = pack_fault(report, str(info.get("tagger")), info["id"], staged) if state == "done" else ""
        if fault:
            log.error("library %s: tagging with %s failed (%s): %s", info["id"], info.get("tagger"), tally(report),
                      fault)
            if staged:
                drop_stage(d)
            return "failed", fault
        if staged and state == "done":
            merge_stage(d)                      # whole: its tags replace the old ones at once
            info.update(before=None, tags_from=None)    # nothing to give back now
        return state, ""

    def _said_end(self, info: dict[str, Any], results: Any, state: str, fault: str) -> dict[str, Any]:
        """How a tagging whose tagger returned ended (``state``; ``fault``: :func:`pack_fault`'s words), said in the
        log: a stop as the box stops is said by :meth:`_run` alone (p51 QA: "tagging cancelled" read as the library
        cancelled, then "stopped as the box stops")."""
        if fault:                               # said by _tag (this run's count: a re-tag's copy is gone)
            return {"results": results, "state": state, "error": fault}
        if not (self._shutting and state == "cancelled"):
            log.info("library %s: tagging %s (%s)", info["id"], state, counted(results, info.get("progress")))
        return {"results": results, "state": state}

    def _end(self, info: dict[str, Any], ended: dict[str, Any]) -> None:
        """Write the record of a tagging that ended (``info`` updated by ``ended``), then show it in memory, so
        that an API read saying ``done`` finds it on disk too: up to :attr:`save_tries` times,
        :attr:`save_retry_s` apart; after that (each failure logged) it is shown anyway and written at the
        library's next read (:meth:`_save_pending`).  Until it is written the record on disk says ``tagging``,
        which a restart shows as interrupted."""
        lid = info["id"]
        ended = {**retag_ended(info, ended), "resumes": 0, "cancel_asked": False}   # a later cut-off may carry on
        for attempt in range(1, self.save_tries + 1):
            with self._lock:
                if self._jobs.get(lid) is not info:   # deleted (or replaced) meanwhile: not ours to write
                    info.update(ended)
                    return
            try:
                self._save({**info, **ended})
            except OSError as exc:
                later = ("tried again in a moment" if attempt < self.save_tries else
                         "tried again at its next read; a restart before then shows it interrupted")
                log.error("cannot write the record of library %s (its tagging ended %s): %s; %s", lid,
                          ended.get("state"), exc, later)
                if attempt < self.save_tries:
                    time.sleep(self.save_retry_s)
                continue
            info.update(ended)
            if attempt > 1:
                log.warning("the record of library %s is written (state %s)", lid, ended.get("state"))
            return
        info.update(ended)
        self._unsaved.add(lid)

    def _save_pending(self) -> None:
        """Try again to write the records that could not be written (:meth:`_end`); quietly, a failure is
        tried again at the next read."""
        for lid in list(self._unsaved):
            with self._lock:
                info = self._jobs.get(lid)
                if info is None:
                    self._unsaved.discard(lid)
                    continue
                try:
                    self._save(info)
                except OSError:
                    continue
                self._unsaved.discard(lid)
            log.warning("the record of library %s is written (state %s)", lid, info.get("state"))

    def _let_finish(self, lid: str, timeout_s: float = FINISH_WAIT_S) -> None:
        """A tagging whose record already says it ended (cancelled, done, failed) may still be closing its database
        for a moment: wait up to ``timeout_s`` seconds for its thread, so what the producer sees (the state) is what
        a re-tag finds.  A tagging still running is not waited for."""
        with self._lock:
            info, thread = self._jobs.get(lid), self._threads.get(lid)
        if info is not None and info.get("state") != "tagging" and thread is not None and thread.is_alive():
            thread.join(timeout_s)

    def retag(self, lid: str, tagger_pack: Path, tagger_id: str, resumes: int = 0, by: str = "") -> dict[str, Any]:
        """Tag library ``lid`` again, in the background, with ``tagger_pack`` (installed pack ``tagger_id``);
        returns its record, state ``tagging`` and progress 0 of its accepted files, as a fresh upload's.  ``resumes``:
        the restarts in a row that cut it off (:meth:`resume`; a re-tag the producer starts counts afresh).  ``by``:
        the paired device that asked ("": the box itself), kept in the record with when (device/api/tagging_who.py:
        a second re-tag's refusal says who started this one).
        A library with a ``tags.db`` is tagged into a copy that replaces it once whole (device.api.library_fixes):
        the old tags stay until then, and a re-tag stopped part way leaves them; the producer's own tags are kept.
        A library whose tagging is not done (failed: cut off by a restart, killed, a pack's fault; or cancelled) is
        tagged in place: there are no whole tags to keep, and what this tagging tags stays if it fails too
        (:meth:`_has_whole_tags`).
        KeyError for an unknown library; LibraryBusy (nothing changed) while it is being tagged (or a cancelled
        tagging has not stopped yet); LibraryDamaged (one) when its record is damaged (:data:`DAMAGED`); OSError
        (nothing changed) when its record cannot be written."""
        with self._deleting:                    # not while it is being deleted
            self._let_finish(lid)
            with self._lock:
                if lid not in self._jobs:
                    raise KeyError(lid)
                if lid in self._damaged:
                    raise LibraryDamaged(f"library '{lid}' cannot be tagged again: "
                                         f"{DAMAGED.format(lid=lid)}")
                thread = self._threads.get(lid)
                if self._jobs[lid]["state"] == "tagging" or (thread is not None and thread.is_alive()):
                    from device.api.tagging_who import busy_words      # who started it: p57 QA_D 7
                    said, hint = busy_words(lid, self._jobs[lid])
                    raise LibraryBusy(said, hint=hint)
                info = {**self._jobs[lid], "state": "tagging", "cancel_asked": False, "tagger": tagger_id,
                        "tagging_by": by, "tagging_at": time.time(),
                        "results": None, "error": None, "resumes": resumes,
                        "progress": {"done": 0, "total": int(self._jobs[lid]["accepted"])}}
                moved = self._set_aside_if_damaged(lid)     # OSError: nothing changed
                info.update(staged_start(self._jobs[lid], self._has_whole_tags(lid)))
                try:
                    self._save(info)            # OSError: the old record stands, in memory and on disk
                except OSError:
                    put_back(moved)            # and the damaged database where it was
                    raise
                self._jobs[lid] = info
                self._unsaved.discard(lid)
                answer = {**info, "progress": dict(info["progress"])}   # as it starts: the thread may end at once
            self._start(info, tagger_pack)
            return answer

    def _has_whole_tags(self, lid: str) -> bool:
        """Whether library ``lid`` (its record in memory) has tags a re-tag keeps until it is whole (staged): a tag
        database, and a record that says its tagging is ``done`` (a stopped staged re-tag gives that record back).
        (p51 QA: a tagging carried on after a restart ran as a staged re-tag of the part tagged before it; killed, it
        gave back "interrupted by a restart" and the 272 files tagged before it, dropping the 158 tagged since.  p51
        review: a first tagging the producer cancelled at 3 of 10 was re-tagged staged; killed at 7, its record said
        "every file keeps its tags" with 3 tagged.)"""
        return (self.root / lid / "tags.db").is_file() and self._jobs[lid].get("state") == "done"

    def resume(self, pack_of: Callable[[str], Path | None]) -> list[str]:
        """Carry on tagging the libraries a restart cut off (:attr:`interrupted`) with the tagger pack each was being
        tagged with (``pack_of(pack id)``: its file, None when it is no longer installed), as a re-tag does: the files
        tagged before the restart are not decoded again.  Each is said in the log; one whose pack is gone, or that
        cannot start, stays ``failed`` with :data:`INTERRUPTED`.  Returns the ids started.  (Before the
        twenty-seventh stop a box turned off while it tagged left the library failed with a fifth of it tagged.)"""
        started = []
        for lid in self.interrupted:
            job = self._jobs.get(lid, {})
            tagger, resumes, stays = cut_off_tagger(job), int(job.get("resumes") or 0), cut_off_stays(job)
            if resumes >= MAX_RESUMES:          # cut off again and again: a file may be taking the box down with it
                log.warning("library %s: its tagging was cut off by a restart %d times running; %s "
                            "(hatbox box-logs may say which file it was on; hatbox box-library %s --retag tries "
                            "again)", lid, resumes + 1, stays, lid)
                continue
            pack = pack_of(tagger) if isinstance(tagger, str) else None
            if pack is None or not pack.is_file():
                log.warning("library %s: its tagging was cut off by a restart and its tagger pack %s is no longer on "
                            "the box; %s (hatbox box-library %s --retag tags it with the active one)",
                            lid, tagger, stays, lid)
                continue
            try:
                self.retag(lid, pack, tagger, resumes + 1)
            except (HatboxError, OSError, KeyError) as exc:
                log.warning("library %s: its tagging was cut off by a restart and could not carry on (%s); %s",
                            lid, exc, stays)
                continue
            log.info("library %s: its tagging was cut off by a restart; carrying on where it stopped, with %s",
                     lid, tagger)
            started.append(lid)
        self.interrupted = []
        return started

    def shutdown(self, timeout_s: float = 10.0) -> bool:
        """The box is stopping: every tagging stops after the file it is on, its record left saying ``tagging`` so the
        next start carries it on (:meth:`resume`), and its thread is waited for (up to ``timeout_s`` in all); the
        process of one that has not stopped by then is killed (:meth:`_end_stuck`), its thread waited for again.  A
        tagging thread still inside the tagger's native code when the process exited aborted it ("terminate called
        without an active exception", exit 134: a crash to a service manager).  True when every tagging stopped."""
        with self._lock:
            self._shutting = True
            running = [(lid, t) for lid, t in self._threads.items() if t.is_alive()]
            for lid, _ in running:
                if lid in self._cancel and not self._jobs.get(lid, {}).get("cancel_asked"):
                    self._cancel[lid].set()
        end = time.monotonic() + timeout_s
        for _, thread in running:
            thread.join(max(0.0, end - time.monotonic()))
        late = [(lid, thread) for lid, thread in running if thread.is_alive()]
        if late:
            self._end_stuck(late, timeout_s)
            for _, thread in running:
                thread.join(KILLED_WAIT_S)
        return not any(thread.is_alive() for _, thread in running)

    @staticmethod
    def _end_stuck(late: list[tuple[str, threading.Thread]], timeout_s: float) -> None:
        """The taggings ``late`` ((library id, its tagging thread)) did not stop in ``timeout_s`` s as the box stops:
        the processes their threads started are killed (device.library.child_process.kill_children: those alone, not
        another box's in this process), said in the log; the next start carries them on.  (p51 QA: a child stopped by
        SIGSTOP outlived the box, its parent then init; a tagging on the box's own thread, the suite's, cannot be
        ended so and is only said.)"""
        for lid, thread in late:
            killed = kill_children("device.library.tag_worker", [thread])
            log.warning("library %s: its tagging did not stop in %.0f s as the box stops%s; the next start carries it "
                        "on", lid, timeout_s, ": its tagging process is killed" if killed else "")

    def waiting(self) -> list[str]:
        """The libraries uploaded while no tagger pack was active (state ``untagged``, :data:`NO_TAGGER`), oldest
        first: :meth:`tag_waiting` tags them once one is."""
        with self._lock:
            found = [i for i in self._jobs.values() if i.get("state") == "untagged" and i.get("error") == NO_TAGGER
                     and int(i.get("accepted") or 0) > 0]
        return [i["id"] for i in sorted(found, key=upload_order)]

    def tag_waiting(self, tagger_pack: Path, tagger_id: str) -> list[str]:
        """Start tagging, with the tagger pack that has just become active, every library that waited untagged for
        one (:meth:`waiting`; a library uploaded first and its tagger pushed after was left untagged until
        ``box-library --retag``).  A library tagged before, or cancelled, is not touched: re-tagging it with another
        tagger stays the producer's choice.  Each start is said in the log; one that cannot start (its record cannot
        be written) stays untagged and is logged.  Returns the ids started."""
        started = []
        for lid in self.waiting():
            try:
                self.retag(lid, tagger_pack, tagger_id)
            except (HatboxError, OSError, KeyError) as exc:
                log.warning("library %s waited for a tagger; tagging it with %s could not start (%s): it stays "
                            "untagged (hatbox box-library %s --retag)", lid, tagger_id, exc, lid)
                continue
            log.info("library %s waited for a tagger: tagging it with %s", lid, tagger_id)
            started.append(lid)
        return started

    def _set_aside_if_damaged(self, lid: str) -> list[tuple[Path, Path]]:
        """Before a re-tag: a tag database SQLite finds damaged is renamed ``tags.db.damaged`` (with its -wal/-shm),
        so the tagging makes a new one instead of failing on it; said in the log.  Returns the (from, to) of each
        file moved; OSError with the files moved so far put back."""
        from device.library.db import damaged_reason
        db = self.root / lid / "tags.db"
        why = damaged_reason(db)
        if why is None:
            return []
        moved: list[tuple[Path, Path]] = []
        try:
            for suffix in ("", "-wal", "-shm"):
                part, aside = db.with_name(db.name + suffix), db.with_name(f"tags.db.damaged{suffix}")
                if part.exists():
                    os.replace(part, aside)
                    moved.append((part, aside))
        except OSError:
            put_back(moved)
            raise
        log.warning("the tag database of library %s is damaged (%s): set aside as tags.db.damaged, tagging it "
                    "afresh (corrections made on the box were in it)", lid, why)
        return moved


    def cancel(self, lid: str) -> dict[str, Any]:
        """Stop the tagging of library ``lid`` after the file it is on.  The record says at once that a stop
        was asked (``cancel_asked``), so a restart before the tagging has stopped and written ``cancelled`` leaves it
        cancelled instead of carrying on with it (:meth:`resume`); best effort, a record that cannot be written
        changes nothing of the stop."""
        info = self.get(lid)
        if lid in self._cancel:
            self._cancel[lid].set()
            with self._lock:
                job = self._jobs.get(lid)
                if job is not None and job.get("state") == "tagging":
                    job["cancel_asked"] = True
                    try:
                        self._save(job)
                    except OSError as exc:
                        log.warning("library %s: could not record that its tagging is being stopped (%s)", lid, exc)
        return info


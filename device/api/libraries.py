"""Uploaded sample libraries: safe unpacking, the per-file report, background tagging.

Each library lives in ``root/<id>/``: ``files/`` (the accepted samples), ``library.json``
(name, state, report, progress, results) and ``tags.db`` (written by the tagger).
Tagging runs in one background thread per library and is cancellable; its progress is
kept in memory and written to ``library.json`` when it ends.  Whatever happens in that thread is logged
(``hatbox.api``) and ends in a state that says it (``failed`` with the reason); a record that cannot be
written then (a full disk, an I/O error) is tried again a few times, then at each later read of the
library, and until it is written a restart finds the library ``failed``, "interrupted", to be tagged again.  :meth:`Libraries.retag` tags a library
again with another tagger pack (the active one, after the producer pushed a new one: nothing re-tags a tagged
library by itself when the active tagger changes; :meth:`Libraries.tag_waiting` tags those uploaded while no tagger
was active, once one is); the producer's own tags (``user_tags`` in ``tags.db``)
outlive it, as they outlive any re-tag by device.library.  Deleting a library renames its
folder into ``root/.trash/`` (one rename: it is gone for every reader, the panel's
``libraries/*/tags.db`` included) and then removes it; whatever a crash leaves in ``.trash/`` is
removed at the next start.  A library whose ``library.json`` cannot be read (damaged: not JSON, not a
record) gets its record made again from its files and tags.db (its name, report and results are lost; the
damaged file kept as library.json.damaged); with no tags.db to keep it is listed ``failed`` with :data:`DAMAGED`.
"""
from __future__ import annotations

import json
import logging
import os
import secrets
import shutil
import threading
import time
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path, PurePosixPath
from typing import Any, Callable, Protocol

from device.api.library_fixes import cut_off, cut_off_stays, cut_off_tagger, merge_stage, name_of_id, prepare_stage, \
    rebuild_record, retag_ended, staged_start, tagging_failed, take_waiting
from device.api.library_upkeep import jsonable, put_back, remove, reroot, tally, what, with_library_failures
from device.versions import install_seq, upload_order
from device.library.archive import LIBRARY_NAME_MAX_CHARS, ArchiveError, ArchiveReport, Limits, unpack_archive
from export.atomic import fsync_dir, write_atomic
from hatbox.errors import HatboxError
from hatbox.text import NO_TAGGER, count_words, slug

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


class SentTwice(HatboxError):
    """The same archive came in twice at once (two uploads under way together): the second is not kept."""


INTERRUPTED = ("tagging was interrupted by a restart (or its end could not be recorded before one); tag it again: "
               "hatbox box-library {lid} --retag (or hatbox box-library {lid} --delete removes this copy)")
UNEXPECTED = ("tagging stopped on an unexpected error ({what}); the box's log has the details - tag it again: "
              "hatbox box-library {lid} --retag")
DAMAGED = "its record is damaged; delete it with hatbox box-library {lid} --delete and upload it again"
TRASH = ".trash"                # under the libraries' root: libraries being deleted
FINISH_WAIT_S = 5.0
MAX_RESUMES = 2                 # a tagging cut off by this many restarts in a row is not carried on by itself again


def default_tagger(root: Path, pack: Path, db_path: Path, progress: Progress, cancel: threading.Event) -> Any:
    """device.library.tag_library, imported only when a library is tagged."""
    try:
        from device.library import tag_library  # type: ignore[attr-defined]
    except ImportError:
        raise TaggerMissing("library tagging is not installed on this box") from None
    return tag_library(root, pack, db_path, progress=progress, cancel=cancel)


def lower_priority(nice: int) -> None:
    """Renice the calling thread (Linux: per thread) so background work yields to audio."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), nice)
    except (OSError, AttributeError):
        pass




class Libraries:
    delete_wait_s = 30.0        # how long delete() waits for a cancelled tagging to stop (it stops after its file)
    save_tries = 3              # writes of a record at the end of a tagging before it is left to later reads
    save_retry_s = 0.5          # seconds between those writes

    def __init__(self, root: str | Path, tagger: Tagger = default_tagger, limits: Limits = Limits()) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.tagger, self.limits = tagger, limits
        self._lock = threading.Lock()
        self._deleting = threading.Lock()       # one deletion at a time
        self._jobs: dict[str, dict[str, Any]] = {}
        self._cancel: dict[str, threading.Event] = {}
        self._threads: dict[str, threading.Thread] = {}
        self._unsaved: set[str] = set()         # libraries whose record on disk is behind the one in memory
        self._damaged: set[str] = set()         # libraries whose record could not be read (listed failed)
        self.interrupted: list[str] = []        # libraries whose tagging a restart cut off (:meth:`resume`)
        self.rebuilt: list[str] = []            # libraries whose damaged record was made again at start
        self._shutting = False                  # :meth:`shutdown`: its stopped taggings carry on at the next start
        self._recover()

    def _recover(self) -> None:
        """Forget what a crash left half made (``*.partial``: an upload unpacked and recorded there is renamed to
        its id only once whole; ``.trash/``); a library whose tagging a restart cut off is ``failed`` (delete it, or
        send it again).  A folder without a record (its library.json lost, a folder copied in by hand) is kept and
        listed ``failed`` as a damaged record is: nothing of a producer's is removed without being asked."""
        for d in self.root.iterdir():
            if d.name.endswith(".partial") or d.name == TRASH:
                remove(d)
                continue
            if d.name.startswith("."):         # a hidden folder or file (.Spotlight-V100, .DS_Store): not ours
                continue
            if not d.is_dir():                  # a file someone put there: not a library, and not ours to remove
                log.warning("%s is not a library (a file in the libraries folder): left as it is", d)
                continue
            if not (d / "library.json").exists():     # an upload's own folder has its record before its name
                info = self._damaged_record(d, "its library.json is missing")   # kept, listed failed: never lost
            else:
                info = self._read_record(d)
                reroot(d)
            if info.get("state") == "tagging":
                if info.get("cancel_asked"):    # stopped by the producer (written too: it stayed "tagging" on disk)
                    info.update(retag_ended(info, {"state": "cancelled", "error": None}), cancel_asked=False)
                else:
                    self.interrupted.append(info["id"])     # a re-tag's library keeps its whole tags (library_fixes)
                    info.update(cut_off(info, INTERRUPTED.format(lid=info["id"])))
                try:
                    self._save(info)
                except OSError as exc:          # a full disk: the record still says tagging, which a start reads
                    log.error("cannot record how library %s's tagging ended at the restart (%s); tried again at its "
                              "next read", info["id"], exc)     # as this, so it is the truth either way
                    self._unsaved.add(info["id"])
            self._jobs[info["id"]] = info

    def damaged(self) -> list[str]:
        """The libraries whose record could not be read (:meth:`_damaged_record`), for the box's start-time notes."""
        return sorted(self._damaged)

    def _read_record(self, d: Path) -> dict[str, Any]:
        """The record of the library in folder ``d``; when it cannot be read or is no record (a damaged
        ``library.json``) that is logged and a ``failed`` stand-in comes back (:meth:`_damaged_record`)."""
        try:
            info = json.loads((d / "library.json").read_bytes())
        except (OSError, ValueError) as exc:        # ValueError: not JSON, not UTF-8
            return self._damaged_record(d, what(exc))
        if not isinstance(info, dict) or not isinstance(info.get("id"), str):
            return self._damaged_record(d, "not a library record")
        return info

    def _damaged_record(self, d: Path, what: str) -> dict[str, Any]:
        """Library ``d``'s record while its ``library.json`` is damaged (``what``, said in the log): made again from its
        files and tags.db (library_fixes.rebuild_record); with no file or tags.db to keep, a stand-in ``failed`` with
        :data:`DAMAGED`, named by its id, never written (the damaged one stays as it was until it is deleted)."""
        lid = d.name
        found = rebuild_record(d, what, self._save)     # from its files and tags.db, when it has files (library_fixes)
        if found is not None:
            self.rebuilt.append(lid)
            if not found[1]:
                self._unsaved.add(lid)
            return found[0]
        log.error("the record of library %s (%s) is damaged (%s); it is listed failed: delete it and upload "
                  "it again", lid, d / "library.json", what)
        self._damaged.add(lid)
        try:
            files = sum(1 for f in (d / "files").rglob("*") if f.is_file())
        except OSError:
            files = 0
        return {"id": lid, "name": name_of_id(lid), "state": "failed", "accepted": files, "rejected": 0, "skipped": 0,
                "files": [], "progress": {"done": 0, "total": files}, "tagger": None, "results": None,
                "error": DAMAGED.format(lid=lid)}

    def _save(self, info: dict[str, Any], folder: Path | None = None) -> None:
        """Write library ``info``'s record into its folder (``folder``: the upload's staging folder instead)."""
        write_atomic((folder or self.root / info["id"]) / "library.json", json.dumps(info, sort_keys=True).encode())

    def ingest(self, archive: Path, name: str, tagger_pack: Path | None, tagger_id: str | None,
               hold: Callable[[], AbstractContextManager[Any]] = nullcontext,
               room: Callable[[], int | None] | None = None, sha256: str | None = None,
               since: float | None = None, commit: Callable[[], AbstractContextManager[Any]] = nullcontext
               ) -> dict[str, Any]:
        """Unpack ``archive`` (ArchiveError leaves nothing; so does an archive with no acceptable audio
        file), then start tagging in the background.  ``sha256``: the archive's digest as received, kept in the
        record so that a laptop can see the same archive is already here before sending it again.  ``hold()`` is entered before unpacking and around
        the commit (the library's record), ``commit()`` (the box stopping: device/api/cutoff.py) around the commit
        too: whatever either raises (a revoked token's AuthError) leaves nothing.
        ``room()``, read just before unpacking: the bytes the disk can give the library's files (None: not
        checked); members that declare more are NoSpace before a byte is written (device.library.archive).
        ``since`` (time.time()): when this upload began; a library of the same digest kept since then (sent at the
        same time: two pushes of one folder) makes this one :class:`SentTwice`.  Ingests run one at a time (the
        API's validator thread), so of two such uploads exactly one is kept."""
        lid = f"lib-{slug(name, 'library', 32)}-{secrets.token_hex(3)}"
        with hold():
            pass
        if since is not None and sha256:
            self._not_sent_twice(sha256, since)
        stage = self.root / f"{lid}.partial"    # unpacked and recorded here, then renamed: never a folder
        report: ArchiveReport = unpack_archive(archive, stage / "files", self.limits,   # without its record
                                               room() if room is not None else None)
        if not report.accepted:             # nothing to keep: no library of 0 files left on the box
            shutil.rmtree(stage, ignore_errors=True)
            out = report.left_out
            why = "; ".join(f"{f.path}: {f.reason}" for f in out[:3])
            more = f"; and {len(out) - 3} more" if len(out) > 3 else ""
            hidden = (f"{count_words(report.skipped, 'hidden or operating-system file')} skipped"
                      if report.skipped else "")
            why = "; ".join(w for w in (why + more, hidden) if w)
            names = {PurePosixPath(f.path).name for f in out}
            pack = {"manifest.json", "model.onnx"} <= names      # export/pack.py's members: a .hatpack sent here
            raise ArchiveError("no audio file in the archive was accepted" + (f" ({why})" if why else ""),
                               hint="this is a hatbox pack, not a sample library: send it with hatbox push"
                               if pack else None)
        info = {"id": lid, "name": name[:LIBRARY_NAME_MAX_CHARS], "sha256": sha256, "uploaded": time.time(),
                **report.to_dict(),
                "tagger": tagger_id,
                "progress": {"done": 0, "total": len(report.accepted)}, "results": None, "error": None,
                "state": "tagging" if tagger_pack and report.accepted else "untagged"}
        if info["state"] == "untagged":
            info["error"] = NO_TAGGER
        info["seq"] = self.next_seq()       # ingests run one at a time: no other upload takes this number
        try:
            with hold(), commit():
                self._save(info, stage)
                os.replace(stage, self.root / lid)
                fsync_dir(self.root)
                with self._lock:
                    self._jobs[lid] = info
        except BaseException:               # (a full disk, a revoked token) no library without its record
            for d in (stage, self.root / lid):
                shutil.rmtree(d, ignore_errors=True)
            raise
        if info["state"] == "tagging":
            self._start(info, tagger_pack)
        return dict(info)

    def next_seq(self) -> int:
        """The install sequence number the next library uploaded gets: 1 + the largest of the libraries on the box
        (device/versions.py ``upload_order``: "oldest first" by it, never by the box's wall clock)."""
        with self._lock:
            return 1 + max((install_seq(i) for i in self._jobs.values()), default=0)

    def _not_sent_twice(self, sha256: str, since: float) -> None:
        """SentTwice when a library of digest ``sha256`` was kept at or after ``since`` and has not failed."""
        for other in self.list():
            if other.get("sha256") == sha256 and float(other.get("uploaded") or 0.0) >= since \
                    and other.get("state") != "failed":
                raise SentTwice(f"the same archive was being sent twice at once: the other copy is library "
                                f"{other['id']} ('{other.get('name', '')}'); this one was not kept",
                                hint=f"its tags: hatbox box-library {other['id']}")

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
            ended = {"state": "failed", "error": UNEXPECTED.format(what=what(exc), lid=lid)}
        if self._shutting and ended.get("state") == "cancelled":
            log.info("library %s: tagging stopped as the box stops (%s); its next start carries it on", lid,
                     tally(ended.get("results")))
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
        try:
            db = prepare_stage(d) if info.get("before") else d / "tags.db"    # a re-tag: a copy (library_fixes)
            take_waiting(d, db)                 # corrections sent before it had a tag database
            report = jsonable(self.tagger(d / "files", pack, db, progress, cancel))
            state = "cancelled" if cancel.is_set() else "done"
            if db != d / "tags.db" and state == "done":
                merge_stage(d)                  # whole: its tags replace the old ones at once
                info.update(before=None, tags_from=None)    # nothing to give back now
            results = with_library_failures(report, db if db.is_file() else d / "tags.db", d / "files")
            log.info("library %s: tagging %s (%s)", info["id"], state, tally(results))
            return {"results": results, "state": state}
        except TaggerMissing as exc:
            log.error("library %s cannot be tagged: %s", info["id"], exc)
            return {"state": "untagged", "error": str(exc)}
        except HatboxError as exc:          # said in plain words by the tagger (an unreadable pack...)
            log.error("tagging library %s failed: %s", info["id"], exc)
            return {"state": "failed", "error": tagging_failed(d, exc, bool(info.get("before")))}
        except Exception as exc:  # noqa: BLE001 - a tagger failure is reported, never fatal to the box
            log.exception("tagging library %s failed", info["id"])
            return {"state": "failed", "error": tagging_failed(d, exc, bool(info.get("before")))}

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

    def retag(self, lid: str, tagger_pack: Path, tagger_id: str, resumes: int = 0) -> dict[str, Any]:
        """Tag library ``lid`` again, in the background, with ``tagger_pack`` (installed pack ``tagger_id``);
        returns its record, state ``tagging`` and progress 0 of its accepted files, as a fresh upload's.  ``resumes``:
        the restarts in a row that cut it off (:meth:`resume`; a re-tag the producer starts counts afresh).
        A library with a ``tags.db`` is tagged into a copy that replaces it once whole (device.api.library_fixes):
        the old tags stay until then, and a re-tag stopped part way leaves them; the producer's own tags are kept.
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
                    raise LibraryBusy(f"library '{lid}' is being tagged already; nothing was changed",
                                      hint=f"wait for it to end (hatbox box-library shows its state), or stop it "
                                           f"first: hatbox box-library {lid} --cancel")
                info = {**self._jobs[lid], "state": "tagging", "cancel_asked": False, "tagger": tagger_id,
                        "results": None, "error": None, "resumes": resumes,
                        "progress": {"done": 0, "total": int(self._jobs[lid]["accepted"])}}
                moved = self._set_aside_if_damaged(lid)     # OSError: nothing changed
                info.update(staged_start(self._jobs[lid], (self.root / lid / "tags.db").is_file()))
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

    def shutdown(self, timeout_s: float = 10.0) -> None:
        """The box is stopping: every tagging stops after the batch it is on, its record left saying ``tagging`` so the
        next start carries it on (:meth:`resume`), and its thread is waited for (up to ``timeout_s`` in all).  A
        tagging thread still inside the tagger's native code when the process exited aborted it ("terminate called
        without an active exception", exit 134: a crash to a service manager)."""
        with self._lock:
            self._shutting = True
            running = [(lid, t) for lid, t in self._threads.items() if t.is_alive()]
            for lid, _ in running:
                if lid in self._cancel and not self._jobs.get(lid, {}).get("cancel_asked"):
                    self._cancel[lid].set()
        end = time.monotonic() + timeout_s
        for lid, thread in running:
            thread.join(max(0.0, end - time.monotonic()))
            if thread.is_alive():
                log.warning("library %s: its tagging did not stop in %.0f s as the box stops", lid, timeout_s)

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

    def get(self, lid: str) -> dict[str, Any]:
        self._save_pending()
        with self._lock:
            if lid not in self._jobs:
                raise KeyError(lid)
            return dict(self._jobs[lid])

    def list(self) -> list[dict[str, Any]]:
        self._save_pending()
        with self._lock:
            return [dict(v) for _, v in sorted(self._jobs.items())]

    def cancel(self, lid: str) -> dict[str, Any]:
        """Stop the tagging of library ``lid`` after the batch of files it is on.  The record says at once that a stop
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

    def delete(self, lid: str) -> dict[str, Any]:
        """Remove library ``lid`` (its files, tags and record) and return its last state; KeyError for an
        unknown library.  A library being tagged has its tagging cancelled first and waited for (up to
        :attr:`delete_wait_s`: it stops after the batch it is on), so the tagger never writes into a folder
        being removed; LibraryBusy (nothing deleted) if it does not stop in time.  The folder is renamed
        into ``.trash/`` (atomic: a crash leaves the library whole or gone, ``.trash/`` is emptied at the
        next start), then removed.  OSError (the storage failing) when the rename could not be made: nothing
        was deleted, the library stays listed and whole (a tagging it had is stopped: state ``cancelled``)."""
        with self._deleting:
            self.get(lid)
            thread = self._threads.get(lid)
            if thread is not None and thread.is_alive():
                self._cancel[lid].set()
                thread.join(self.delete_wait_s)
            with self._lock:
                if lid not in self._jobs:
                    raise KeyError(lid)
                thread = self._threads.get(lid)
                if thread is not None and thread.is_alive():
                    raise LibraryBusy(f"library '{lid}' is still finishing the file it was tagging; nothing was "
                                      "deleted", hint="try again in a moment")
                info = dict(self._jobs.pop(lid))
                self._unsaved.discard(lid)
                self._cancel.pop(lid, None)
                self._threads.pop(lid, None)
            trash = self.root / TRASH
            gone = trash / f"{lid}-{time.monotonic_ns()}"
            try:
                trash.mkdir(exist_ok=True)
                os.replace(self.root / lid, gone)
            except BaseException:
                with self._lock:              # still there (a rename is all or nothing): keep it listed
                    if (self.root / lid).exists():
                        self._jobs[lid] = info
                raise
            self._damaged.discard(lid)        # (kept until now: a failed rename leaves it listed, damaged)
            try:
                fsync_dir(self.root)
            except OSError:                   # renamed: gone for every reader; a crash now may bring it back whole
                pass
            shutil.rmtree(gone, ignore_errors=True)
            return info

    def db_path(self, lid: str) -> Path:
        """The library's tag database; KeyError for an unknown library, HatboxError while it has none yet (one waiting
        for a tagger is told which one the box holds by device.api.library_routes.tag_db_of, which knows the store)."""
        tagging = self.get(lid).get("state") == "tagging"
        db = self.root / lid / "tags.db"
        if not db.is_file():
            raise HatboxError(f"library '{lid}' has not been tagged yet",
                              hint=f"it is being tagged: hatbox box-library {lid} --wait follows it" if tagging
                              else f"tag it: hatbox box-library {lid} --retag")
        return db

    def files_path(self, lid: str) -> Path:
        return self.root / lid / "files"

    def wait(self, lid: str, timeout: float | None = None) -> dict[str, Any]:
        """Block until tagging of ``lid`` ends (tests and benchmarks)."""
        t = self._threads.get(lid)
        if t is not None:
            t.join(timeout)
        return self.get(lid)

"""Uploaded sample libraries: safe unpacking, the per-file report, the records; their tagging in the background is
device/api/library_tagging.py (:class:`Libraries` is both: every name of either imports from here).

Each library lives in ``root/<id>/``: ``files/`` (the accepted samples), ``library.json``
(name, state, report, progress, results, ``seq``) and ``tags.db`` (written by the tagger).
Tagging runs in one background thread per library and is cancellable; its progress is
kept in memory and written to ``library.json`` when it ends.  Whatever happens in that thread is logged
(``hatbox.api``) and ends in a state that says it (``failed`` with the reason); a record that cannot be
written then (a full disk, an I/O error) is tried again a few times, then at each later read of the
library, and until it is written a restart finds the library ``failed``, "interrupted", to be tagged again.
:meth:`Libraries.retag` tags a library again with another tagger pack (the active one, after the producer pushed a new
one: nothing re-tags a tagged library by itself when the active tagger changes; :meth:`Libraries.tag_waiting` tags
those uploaded while no tagger was active, once one is); the producer's own tags (``user_tags`` in ``tags.db``)
outlive it, as they outlive any re-tag by device.library.  Deleting a library renames its
folder into ``root/.trash/`` (one rename: it is gone for every reader, the panel's
``libraries/*/tags.db`` included) and then removes it; whatever a crash leaves in ``.trash/`` is
removed at the next start.  A library whose ``library.json`` cannot be read (damaged: not JSON, not a
record) gets its record made again from its files and tags.db (its name, report and results are lost; the
damaged file kept as library.json.damaged); with no tags.db to keep it is listed ``failed`` with :data:`DAMAGED`.

Which of two libraries was uploaded first is their records' ``seq`` (:meth:`Libraries.next_seq`: 1 + the largest on
the box when it came), never ``uploaded``, the box's wall clock (1970 on a board with no battery clock until the
network sets it); libraries from before ``seq`` have none and come first, by ``uploaded`` (device/versions.py
``upload_order``).
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
from typing import Any, Callable

from device.api.library_fixes import cut_off, retag_ended
from device.api.library_rebuild import name_of_id, rebuild_record
from device.api.library_tagging import DAMAGED, FINISH_WAIT_S, INTERRUPTED, MAX_RESUMES, UNEXPECTED, \
    LibraryBusy, LibraryDamaged, Progress, Tagger, TaggerMissing, Tagging, default_tagger, lower_priority  # noqa: F401
from device.api.library_uploads_live import LiveUploads
from device.api.library_upkeep import DELETED, checked_deletions, remove, reroot, what
from device.library.archive import LIBRARY_NAME_MAX_CHARS, ArchiveError, ArchiveReport, Limits
from device.library.unpack_worker import unpack_archive     # in a child process: the box's GIL stays free (p51)
from device.store_notes import KeptRecords
from device.versions import install_seq
from export.atomic import fsync_dir, write_atomic
from hatbox.errors import HatboxError
from hatbox.text import NO_TAGGER, count_words, slug

log = logging.getLogger("hatbox.api")


class SentTwice(HatboxError):
    """The same archive came in twice at once (two uploads under way together): the second is not kept."""


TRASH = ".trash"                # under the libraries' root: libraries being deleted
KEEP_DELETED = 16               # how many deleted libraries' records :attr:`Libraries.deleted` keeps


class LibraryGone(KeyError):
    """No library ``lid`` on the box (a KeyError, as before), with ``record``: who deleted it and when, where the box
    deleted it lately (``{"id", "name", "by", "at"}``: :attr:`Libraries.deleted`, the last 16, kept across a restart),
    else None."""

    def __init__(self, lid: str, record: dict[str, Any] | None) -> None:
        super().__init__(lid)
        self.record = record


class Libraries(Tagging):
    """The uploaded libraries under ``root``: their records (in memory, and ``library.json`` each), uploads, deletes
    and their tagging (:class:`device.api.library_tagging.Tagging`)."""

    delete_wait_s = 30.0        # how long delete() waits for a cancelled tagging to stop (it stops after its file)

    def __init__(self, root: str | Path, tagger: Tagger = default_tagger, limits: Limits = Limits()) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.tagger, self.limits = tagger, limits
        self._lock = threading.Lock()
        self._deleting = threading.Lock()       # one deletion at a time
        # held while a library's tagger is picked and its tagging started: an upload's commit (:meth:`ingest`), the
        # tagging of those that waited for a tagger (device/api/box.py Box.tag_waiting_libraries), and the deletes
        # of packs that keep a library's tagger (DELETE /packs/ID, POST /packs/prune): exactly one of a commit and an
        # activation starts a library's tagging, with the tagger active then, whose pack stays while it is used
        self.starting = threading.RLock()
        self._jobs: dict[str, dict[str, Any]] = {}
        self._cancel: dict[str, threading.Event] = {}
        self._threads: dict[str, threading.Thread] = {}
        self._unsaved: set[str] = set()         # libraries whose record on disk is behind the one in memory
        self._damaged: set[str] = set()         # libraries whose record could not be read (listed failed)
        self.interrupted: list[str] = []        # libraries whose tagging a restart cut off (:meth:`resume`)
        self.rebuilt: list[str] = []            # libraries whose damaged record was made again at start
        # lid -> who deleted it (the paired device's name, "" for the box itself), when (Unix time) and its name: the
        # last KEEP_DELETED, kept on the card beside the store's deleted-packs.json (device/store_notes.py: a restart
        # still says who, p46)
        self._deleted = KeptRecords(self.root.parent / DELETED, KEEP_DELETED, "who deleted which library")
        self._shutting = False                  # :meth:`shutdown`: its stopped taggings carry on at the next start
        self.uploads = LiveUploads()            # uploads in progress: GET /libraries/uploading (p50 FC)
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
        files and tags.db (library_rebuild.rebuild_record); with no file or tags.db to keep, a stand-in ``failed`` with
        :data:`DAMAGED`, named by its id, never written (the damaged one stays as it was until it is deleted)."""
        lid = d.name
        found = rebuild_record(d, what, self._save)     # from its files and tags.db, when it has any (library_rebuild)
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
               since: float | None = None, commit: Callable[[], AbstractContextManager[Any]] = nullcontext,
               by: dict[str, str] | None = None,
               tagger_now: Callable[[], tuple[Path, str] | None] | None = None) -> dict[str, Any]:
        """Unpack ``archive`` (ArchiveError leaves nothing; so does an archive with no acceptable audio
        file), then start tagging in the background, with ``tagger_pack`` (installed pack ``tagger_id``; None: left
        untagged, waiting for one) or, given ``tagger_now``, the tagger it returns at the commit ((its pack, its id),
        None when none is active: the box's active one, device/api/box.py Box.active_tagger): picked, recorded and
        started under :attr:`starting`, so a tagger made active while the library was unpacked tags it (p53 M2).
        ``sha256``: the archive's digest as received, kept in the record so that a laptop can see the same archive is
        already here before sending it again.  ``hold()`` is
        entered before unpacking and around the commit (the library's record), ``commit()`` (the box stopping:
        device/api/cutoff.py) around the commit too: whatever either raises (a revoked token's AuthError) leaves
        nothing.
        The unpacking runs in a process of its own (device/library/unpack_worker.py), ``hold()`` entered now and then
        meanwhile: what it raises stops it at once, nothing kept.
        ``room()``, read just before unpacking: the bytes the disk can give the library's files (None: not
        checked); members that declare more are NoSpace before a byte is written (device.library.archive).
        ``since`` (time.time()): when this upload began; a library of the same digest kept since then (sent at the
        same time: two pushes of one folder) makes this one :class:`SentTwice`.  Ingests run one at a time (the
        box's library worker: device/api/box.py Box.library_worker), so of two such uploads exactly one is kept.
        ``by``: who uploaded it, kept in its record (device.api.library_owners.uploader: the pairing's device name and
        token id)."""
        lid = f"lib-{slug(name, 'library', 32)}-{secrets.token_hex(3)}"
        with hold():
            pass
        if since is not None and sha256:
            self._not_sent_twice(sha256, since)
        stage = self.root / f"{lid}.partial"    # unpacked and recorded here, then renamed: never a folder
        report: ArchiveReport = unpack_archive(archive, stage / "files", self.limits,   # without its record
                                               room() if room is not None else None, hold=hold)
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
                **(by or {}), **report.to_dict(),
                "progress": {"done": 0, "total": len(report.accepted)}, "results": None}
        info["seq"] = self.next_seq()       # ingests run one at a time (the library worker): no other takes it
        chosen: tuple[Path, str] | None = None
        started = False
        # hold() (the token store's lock) is taken before starting, as a tagger push takes them: its install lock,
        # the token's, then its activation's tag_waiting under starting (the other order deadlocked: p53 final read)
        try:
            with hold(), commit(), self.starting:
                chosen = tagger_now() if tagger_now is not None else \
                    (tagger_pack, str(tagger_id)) if tagger_pack is not None else None
                info.update(tagger=chosen[1] if chosen else tagger_id, state="tagging" if chosen else "untagged",
                            error=None if chosen else NO_TAGGER)
                self._commit(info, stage)
                if chosen is not None:
                    started = True
                    self._start(info, chosen[0])
        except BaseException:               # (a full disk, a revoked token) no library without its record; one
            if not started:                 # whose tagging began stays (a failed start says so in its record)
                for d in (stage, self.root / info["id"]):
                    shutil.rmtree(d, ignore_errors=True)
            raise
        return dict(info)

    def _commit(self, info: dict[str, Any], stage: Path) -> None:
        """Keep library ``info``, unpacked in ``stage``: its record written there, the folder renamed to its id, the
        record listed (:meth:`ingest`, within ``hold()``, ``commit()`` and :attr:`starting`, which leaves nothing
        of it when this fails)."""
        lid = info["id"]
        self._save(info, stage)
        os.replace(stage, self.root / lid)
        fsync_dir(self.root)
        with self._lock:
            self._jobs[lid] = info

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

    def get(self, lid: str) -> dict[str, Any]:
        self._save_pending()
        with self._lock:
            if lid not in self._jobs:
                raise self.missing(lid)
            return dict(self._jobs[lid])

    @property
    def deleted(self) -> dict[str, dict[str, Any]]:
        """lid -> ``{"id", "name", "by", "at"}`` of a library deleted lately (the last :data:`KEEP_DELETED`, oldest
        first; a record damaged on the card is left out)."""
        return checked_deletions(self._deleted.current())

    def missing(self, lid: str) -> LibraryGone:
        """The error for no library ``lid``: with who deleted it and when, where it was deleted lately."""
        record = self.deleted.get(lid)
        return LibraryGone(lid, dict(record) if record else None)

    def _note_deleted(self, info: dict[str, Any], by: str) -> None:
        """Keep that library ``info`` was deleted by ``by`` now (the last :data:`KEEP_DELETED`)."""
        lid = str(info.get("id") or "")
        self._deleted.add({lid: {"id": lid, "name": str(info.get("name") or ""), "by": by, "at": time.time()}})

    def list(self) -> list[dict[str, Any]]:
        self._save_pending()
        with self._lock:
            return [dict(v) for _, v in sorted(self._jobs.items())]

    def delete(self, lid: str, by: str = "") -> dict[str, Any]:
        """Remove library ``lid`` (its files, tags and record) and return its last state; KeyError for an
        unknown library.  A library being tagged has its tagging cancelled first and waited for (up to
        :attr:`delete_wait_s`: it stops after the file it is on), so the tagger never writes into a folder
        being removed; LibraryBusy (nothing deleted) if it does not stop in time.  The folder is renamed
        into ``.trash/`` (atomic: a crash leaves the library whole or gone, ``.trash/`` is emptied at the
        next start), then removed.  OSError (the storage failing) when the rename could not be made: nothing
        was deleted, the library stays listed and whole (a tagging it had is stopped: state ``cancelled``).
        ``by`` (the paired device asking, "" for the box itself) is kept in :attr:`deleted` once it is gone."""
        with self._deleting:
            self.get(lid)
            thread = self._threads.get(lid)
            if thread is not None and thread.is_alive():
                self._cancel[lid].set()
                thread.join(self.delete_wait_s)
            with self._lock:
                if lid not in self._jobs:
                    raise self.missing(lid)
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
            self._note_deleted({**info, "id": lid}, by)
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

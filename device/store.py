"""The on-box pack store: installed versions, the active pointer, and crash recovery.

Layout under ``root``::

    packs/<id>/pack.hatpack   an installed pack (never modified after install)
    packs/<id>/meta.json      what validation found, sha256, size, install time, install sequence (``seq``)
    active.json               {"slots": {kind: id | null}, "history": {kind: [older ids...]}}
    tmp/                      uploads and installs in progress (emptied on start-up)
    trash/                    deletions in progress (emptied on start-up)

Every change is made visible by one ``rename`` after the new bytes are fsync'ed (the
pack directory for an install or a delete, ``active.json`` for activate / deactivate /
rollback), and the parent directory is fsync'ed after it.  So a crash at any point leaves
either the old state or the new one, plus debris in tmp/ and trash/ that :meth:`recover`
removes.  Recovery also re-checks every installed pack's sha256 and, should an active pack
be missing or damaged, falls back to the most recent good pack in that slot's history.  Whatever
else it finds (a stray file in packs/, an active.json that is not the pointer) is logged once as a
warning and set aside: a damaged store never stops the box.

Which of two packs was installed later is their records' ``seq``: 1 + the largest ``seq`` of the packs installed
when it came (so it only grows while a pack is on the box, across restarts; a pack deleted gives nothing back that
matters, since only installed packs are compared).  The ``installed`` time beside it is the box's wall clock, which on a
board with no battery clock reads 1970 until the network sets it: it is shown, never used to order.  Packs installed
before ``seq`` existed have none and count as 0 (device/versions.py: their versions order them).

Changes hold ``<root>/.lock`` (flock) besides the store's own lock, so that two PackStores on one
folder (the API's and the panel's) never switch the pointer from the same stale copy.

The file names, pack ids and the pointer are in device/store_layout.py, recovery in device/store_recovery.py (every
name they had here is still importable from here).
"""
from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator, NamedTuple

from device.deletion_records import PACK_DELETION, well_shaped
from device.store_layout import (DAMAGED_POINTER, DELETED_FILE, HISTORY_LEN, KEEP_DELETED, KNOB_FILE,  # noqa: F401
                                 LIST_HINT, LOCK_FILE, META_FILE, PACK_FILE, POINTER, POINTER_COPY, SCORE_KEYS,
                                 SCORE_WORDS, TRUSTED_KEYS, Acting, Pointer, StoreError, acting, acting_as,
                                 effect_record, file_sha256, headline_scores, installed_in, pack_id, remove_path)
from device.store_layout import ID_RE as _ID_RE
from device.store_notes import KeptRecords
from device.store_recovery import Recovery
from device.versions import install_seq, newest, packs_in_order
from export.atomic import fsync_dir, locked_fd, write_atomic
from export.manifest import KINDS, Manifest
from hatbox.errors import file_state

_log = logging.getLogger(__name__)


FILLED_KEYS = ("held_out", "words", "scored_words", "f1_per_word", "held_labels")   # a tagger's, p49 and p51
EFFECT_FILLED_KEYS = ("bypass_esr",)        # an effect's, p59 M8 (device.store_layout.effect_record)


class Unheld(NamedTuple):
    """What :meth:`PackStore.unhold` found of the held packs, each ``(kind, pid)``: made active ``back``, ``gone``
    from the box (forgotten, its slot empty), held ``still`` (this start may not play it)."""

    back: list[tuple[str, str]]
    gone: list[tuple[str, str]]
    still: list[tuple[str, str]]


def _to_history(p: Pointer, kind: str, pid: str, also: str | None = None) -> None:
    """Pack ``pid`` goes to the end of ``kind``'s history in ``p`` (out of where it was before, and ``also`` out of
    it too: the pack made active instead), the history trimmed to :data:`HISTORY_LEN`."""
    p.history[kind] = [h for h in p.history[kind] if h not in (pid, also)][-HISTORY_LEN + 1:] + [pid]


def _emptied(p: Pointer, kind: str) -> str | None:
    """``kind``'s slot in ``p`` emptied, its pack pushed to the slot's history (:func:`_to_history`); returns that
    pack (None: the slot was empty).  :meth:`PackStore.deactivate` and :meth:`PackStore.hold` both start so."""
    pid = p.slots[_kind(kind)]
    if pid:
        _to_history(p, kind, pid)
    p.slots[kind] = None
    return pid


def _without(records: dict[str, Any], kind: str) -> dict[str, Any]:
    """``records`` (:attr:`Pointer.activated` or :attr:`Pointer.held`) less ``kind``'s entry, a new dict."""
    return {k: v for k, v in records.items() if k != kind}


def _active_again(p: Pointer, kind: str, pid: str) -> None:
    """Held pack ``pid`` plays in ``kind``'s slot of ``p`` again, out of its history; who made it active and when
    stay as recorded (a record of another pack: the box, now)."""
    p.slots[kind], p.emptied = pid, _without(p.emptied, kind)
    p.history[kind] = [h for h in p.history[kind] if h != pid]
    rec = p.activated.get(kind)
    if not (isinstance(rec, dict) and rec.get("id") == pid):
        p.activated = {**p.activated, kind: {"id": pid, "by": "", "at": time.time()}}


class PackStore(Recovery):
    """Installed packs and the active pointer.  Thread-safe; one store per process."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.packs = self.root / "packs"
        self.tmp = self.root / "tmp"
        self.trash = self.root / "trash"
        self._lock = threading.RLock()
        self._depth = 0                  # nesting of _locked() (under self._lock)
        self._lock_fd: int | None = None
        self.last_recovery: dict[str, Any] | None = None   # what :meth:`recover` did last (the API's status shows it)
        self._metas: dict[str, tuple[tuple[int, int, int] | None, dict[str, Any]]] = {}   # pid -> (file_state, meta)
        self._unfilled: set[tuple[str, tuple[int, int, int] | None]] = set()   # (pid, pack file_state) warned of
        self.on_install: list[Callable[[dict[str, Any]], None]] = []   # each gets a new pack's record (:meth:`install`)
        for d in (self.root, self.packs, self.tmp, self.trash):
            d.mkdir(parents=True, exist_ok=True)
        # who deleted which pack: kept on the card (DELETED_FILE), so a restart keeps it (device/store_notes.py)
        self._deleted = KeptRecords(self.root / DELETED_FILE, KEEP_DELETED, "who deleted which pack")

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """This store's lock and, held by the outermost caller, an exclusive flock on ``<root>/.lock`` (best
        effort: on a store that cannot hold one, a read-only disk or a file system without flock, the change goes
        on under this store's lock alone, and fails where it writes, if it writes)."""
        with self._lock:
            if self._depth == 0:
                self._lock_fd = locked_fd(self.root / LOCK_FILE)
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
                if self._depth == 0 and self._lock_fd is not None:
                    os.close(self._lock_fd)          # closing the only descriptor releases the flock
                    self._lock_fd = None

    # -- reading -------------------------------------------------------------------
    @property
    def deleted(self) -> dict[str, dict[str, Any]]:
        """pid -> the record of a pack deleted (the last :data:`KEEP_DELETED`, oldest first), with ``deleted_by``
        (the paired device: device/store_layout acting_as), ``deleted_at`` (Unix time) and ``deleted_how``
        ("delete", "prune"): answers name who took it.  Kept in :data:`DELETED_FILE`, so across a restart; a record
        edited there into another shape is left out (its answers would fail: device/deletion_records.py)."""
        return well_shaped(self._deleted.current(), PACK_DELETION)

    def pointer(self) -> Pointer:
        """The active pointer; an unreadable one reads as nothing active (:meth:`recover` reports and sets it aside)."""
        return self._read_pointer()[0]

    def _read_pointer(self, name: str = POINTER) -> tuple[Pointer, str | None]:
        """(the pointer in ``name`` (active.json, or its copy), why it could not be read or None)."""
        path = self.root / name
        try:
            return Pointer.from_json(path.read_bytes()), None
        except FileNotFoundError:
            return Pointer(), None
        except (OSError, ValueError) as exc:      # UnicodeDecodeError and JSONDecodeError are ValueErrors
            return Pointer(), str(exc) or type(exc).__name__

    def active(self) -> dict[str, str | None]:
        return dict(self.pointer().slots)

    def ids(self) -> list[str]:
        """The installed packs' ids (folders in packs/ with a record), sorted as text."""
        with os.scandir(self.packs) as found:
            return sorted(e.name for e in found if os.path.exists(os.path.join(e.path, META_FILE)))

    def meta(self, pid: str) -> dict[str, Any]:
        """Pack ``pid``'s record (meta.json), read once and kept while its file is the same one (a record is never
        changed in place: an install or a repair writes a new file), so listing N packs reads N stats, not N files."""
        path = self._dir(pid) / META_FILE
        stamp, kept = file_state(path), self._metas.get(pid)
        try:
            if stamp is None or kept is None or kept[0] != stamp:
                filled, whole = self._filled(pid, json.loads(path.read_bytes()))   # no stamp: reading says why
                kept = (stamp, filled)
                if whole:           # else its manifest could not be read: read again next time
                    self._metas[pid] = kept
            return dict(kept[1])
        except FileNotFoundError:
            self._metas.pop(pid, None)
            raise StoreError(f"no installed pack '{pid}'", hint=LIST_HINT) from None

    def _filled(self, pid: str, meta: Any) -> tuple[Any, bool]:
        """(``meta``, pack ``pid``'s record as read, with what a tagger's record holds since the forty-ninth and
        fifty-first stops (:data:`FILLED_KEYS`: :func:`tagger_record`) taken from its installed pack's manifest
        where the record lacks any of them (one written by an older box: p55 QA, "macro-F1 1 (held-out files not
        said)"; one by a p49 or p50 box has ``words`` but not p51's keys: p55 M1), and an effect's
        :data:`EFFECT_FILLED_KEYS` (:func:`effect_record`: p59 M8); what the record says wins,
        whether it may be kept): the file is left as it was written (no half-written record, an older hatbox reads
        it as before); a manifest that cannot be read leaves the record as it is, logged, not to be kept (a passing
        read error, or a pack repaired since, is read again next time)."""
        if not isinstance(meta, dict) or all(k in meta for k in _filled_keys(meta.get("kind"))):
            return meta, True
        from export.pack import read_manifest
        try:
            manifest = read_manifest(self.pack_path(pid))
        except Exception as exc:  # noqa: BLE001 - a pack that cannot be read: its record as it is (recovery checks)
            self._warn_unfilled(pid, exc)
            return meta, False
        return {**tagger_record(manifest), **effect_record(manifest), **meta}, True

    def _warn_unfilled(self, pid: str, exc: Exception) -> None:
        """Say in the log that pack ``pid``'s manifest could not be read (``exc``), once per pack file (its
        file_state): every GET /packs reads the record again, and a laptop asking after a push polls it."""
        seen = (pid, file_state(self.pack_path(pid)))
        if seen not in self._unfilled:
            self._unfilled.add(seen)
            _log.warning("pack store: could not read the manifest of %s to fill in its record: %s", pid, exc)

    def pack_path(self, pid: str) -> Path:
        return self._dir(pid) / PACK_FILE

    def list(self) -> list[dict[str, Any]]:
        """Every installed pack's meta, with ``active`` and ``used_last`` (:meth:`used_last`) flags, by name and
        newest version first (device/versions.py)."""
        pointer, ids = self.pointer(), self.ids()
        active = set(v for v in pointer.slots.values() if v)
        last = {_used_last(pointer.history[kind], ids) for kind in KINDS} - {None}
        return packs_in_order([{**self.meta(pid), "active": pid in active, "used_last": pid in last} for pid in ids])

    def totals(self) -> dict[str, int]:
        """``{"packs": N, "pack_bytes": their pack files' bytes}`` (the records' sizes: no file is read)."""
        sizes = [int(self.meta(pid).get("size") or 0) for pid in self.ids()]
        return {"packs": len(sizes), "pack_bytes": sum(sizes)}

    def next_seq(self) -> int:
        """The install sequence number the next pack installed gets: 1 + the largest of the installed packs'."""
        return 1 + max((install_seq(self.meta(pid)) for pid in self.ids()), default=0)

    def used_last(self, kind: str) -> str | None:
        """The installed pack of ``kind`` that was active last before the one now (or before none was), or None."""
        return _used_last(self.pointer().history[_kind(kind)], self.ids())

    def _dir(self, pid: str) -> Path:
        if not _ID_RE.fullmatch(pid):
            raise StoreError(f"'{pid}' is not a pack id", hint=LIST_HINT)
        return self.packs / pid

    # -- uploads ---------------------------------------------------------------------
    def new_upload(self, suffix: str = ".upload") -> Path:
        """A fresh empty file in tmp/ for a streamed upload (removed on start-up if left)."""
        fd, name = tempfile.mkstemp(prefix="up-", suffix=suffix, dir=self.tmp)
        os.close(fd)
        return Path(name)

    def new_temp_dir(self, prefix: str = "dir-") -> Path:
        return Path(tempfile.mkdtemp(prefix=prefix, dir=self.tmp))

    # -- install ---------------------------------------------------------------------
    def install(self, upload: Path, manifest: Manifest, sha256: str, extra: dict[str, Any]) -> dict[str, Any]:
        """Move a validated upload into the store (atomic); returns its meta. Idempotent: the same pack again
        keeps the installed copy, unless that copy is damaged (its sha256 no longer holds), which the upload
        replaces.  Should it fail (a full disk writing meta.json, a failing disk making the rename durable), its
        staging folder goes, the upload and the pack's new folder with it: nothing is left in tmp/ or packs/.
        Then each of :attr:`on_install` gets the record of a pack installed anew (device/midi_programs.py
        ``ProgramSwitcher.installed`` pre-warms it); what one raises is logged."""
        fresh = not (self.packs / pack_id(manifest, sha256) / META_FILE).exists()     # as :meth:`ids` counts one
        meta = self._install(upload, manifest, sha256, extra)
        for hook in list(self.on_install) if fresh else ():
            try:
                hook(meta)
            except Exception:  # noqa: BLE001 - the pack is installed: a hook's failure is no failed install
                _log.exception("pack store: after installing %s", meta["id"])
        return meta

    def _install(self, upload: Path, manifest: Manifest, sha256: str, extra: dict[str, Any]) -> dict[str, Any]:
        pid = pack_id(manifest, sha256)
        with self._locked():
            if (self.packs / pid).exists():
                if self._intact(pid):
                    upload.unlink(missing_ok=True)
                    return self.meta(pid)
                _log.warning("installed pack %s is damaged: replacing it with the copy just received", pid)
                self._discard(self.packs / pid, f"{pid}-damaged")
            stage = self.new_temp_dir("stage-")
            try:
                os.replace(upload, stage / PACK_FILE)
                meta = {**self._meta(pid, manifest, sha256, stage / PACK_FILE, extra), "seq": self.next_seq()}
                write_atomic(stage / META_FILE, json.dumps(meta, indent=1, sort_keys=True).encode())
                _fsync_file(stage / PACK_FILE)
                fsync_dir(stage)
                os.replace(stage, self.packs / pid)
            except BaseException:
                shutil.rmtree(stage, ignore_errors=True)
                raise
            try:
                fsync_dir(self.packs)
            except OSError as exc:               # the rename may not last: take the pack back out, say it failed
                try:
                    self._discard(self.packs / pid, f"{pid}-undone")
                except OSError as also:
                    _log.error("pack store: could not take back %s after a failed install: %s", pid, also)
                raise exc
            return meta

    def _discard(self, path: Path, name: str) -> None:
        """Move ``path`` (a pack folder, or whatever stands there) into trash/ as ``name`` and remove it."""
        gone = self.trash / f"{name}-{time.monotonic_ns()}"
        os.replace(path, gone)
        remove_path(gone)

    @staticmethod
    def _meta(pid: str, manifest: Manifest, sha256: str, path: Path, extra: dict[str, Any]) -> dict[str, Any]:
        scores = headline_scores(manifest.metrics)      # a tagger's macro-F1 over no word is no score (p51)
        return {"id": pid, "kind": manifest.kind, "name": manifest.name, "version": manifest.version,
                "sha256": sha256, "size": path.stat().st_size, "sample_rate": manifest.sample_rate,
                "knobs": [k.name for k in manifest.knobs], "installed": time.time(), "scores": scores,
                **tagger_record(manifest), **effect_record(manifest),
                **({"installed_by": acting().by} if acting().by else {}), **extra}

    # -- what crash recovery (device/store_recovery.py, mixed in) uses, by public names ----------------------------
    @contextmanager
    def locked(self) -> Iterator[None]:
        """This store's lock and its flock (:meth:`_locked`)."""
        with self._locked():
            yield

    def read_pointer(self, name: str = POINTER) -> tuple[Pointer, str | None]:
        """(the pointer in ``name``, why it could not be read or None) (:meth:`_read_pointer`)."""
        return self._read_pointer(name)

    def write_pointer(self, p: Pointer) -> None:
        """active.json and its copy (:meth:`_write_pointer`)."""
        self._write_pointer(p)

    def discard(self, path: Path, name: str) -> None:
        """Move ``path`` into trash/ as ``name`` and remove it (:meth:`_discard`)."""
        self._discard(path, name)

    def new_record(self, pid: str, manifest: Manifest, sha256: str, path: Path,
                   extra: dict[str, Any]) -> dict[str, Any]:
        """A pack's meta.json record (:meth:`_meta`)."""
        return self._meta(pid, manifest, sha256, path, extra)

    # -- the pointer -----------------------------------------------------------------
    def _write_pointer(self, p: Pointer) -> None:
        """active.json, then its copy (:data:`POINTER_COPY`, what recovery reads when active.json is damaged); a copy
        that cannot be written is removed, so that no older copy is ever taken for the pointer."""
        data = p.to_json()
        write_atomic(self.root / POINTER, data)
        try:
            write_atomic(self.root / POINTER_COPY, data)
        except OSError as exc:
            _log.warning("pack store: could not write %s (%s): a damaged %s could not be recovered from it",
                         POINTER_COPY, exc, POINTER)
            remove_path(self.root / POINTER_COPY)

    def activate(self, pid: str) -> tuple[str | None, dict[str, Any]]:
        """Make ``pid`` its slot's active pack; returns (previously active id, meta)."""
        with self._locked():
            meta = self.meta(pid)
            kind = meta["kind"]
            p = self.pointer()
            prev = p.slots[kind]
            if prev and prev != pid:
                _to_history(p, kind, prev, also=pid)
            self._activated(p, kind, pid)
            self._write_pointer(p)
            return prev, meta

    @staticmethod
    def _activated(p: Pointer, kind: str, pid: str) -> None:
        """Pack ``pid`` becomes ``kind``'s active pack in ``p``: who did it and when go in ``p.activated``
        (:func:`acting`'s device), and what it replaced in the caller's :class:`Acting` (``replaced``)."""
        now, prev = acting(), p.slots[kind]
        now.replaced = (p.activation(kind) or {"id": prev}) if prev else None
        p.slots[kind], p.emptied = pid, _without(p.emptied, kind)       # who emptied it: forgotten, it plays again
        p.activated = {**p.activated, kind: {"id": pid, "by": now.by, "at": time.time()}}
        p.held = _without(p.held, kind)      # a pack chosen: the held one is not put back

    def activation(self, kind: str) -> dict[str, Any] | None:
        """Who made ``kind``'s active pack active and when: ``{"id", "by", "at"}`` (:meth:`Pointer.activation`)."""
        return self.pointer().activation(_kind(kind))

    def emptying(self, kind: str) -> dict[str, Any] | None:
        """Who emptied ``kind``'s slot, of which pack and when: ``{"id", "by", "at"}`` (:meth:`Pointer.emptying`)."""
        return self.pointer().emptying(_kind(kind))

    def restore_pointer(self, p: Pointer) -> None:
        """Put back a pointer read earlier (an engine refused what the store switched to)."""
        with self._locked():
            self._write_pointer(p)

    def restore_slot(self, before: Pointer, kind: str) -> str | None:
        """Put back the ``kind`` slot of a pointer read earlier (:meth:`Pointer.with_slot`; the engine refused what
        was made active there), the other slots as they are now (a MIDI program change or the API may have changed
        one meanwhile); read and written under the store's lock.  Returns the pack the slot held until now."""
        with self._locked():
            now = self.pointer()
            self._write_pointer(now.with_slot(before, kind))
        return now.slots.get(kind)

    def deactivate(self, kind: str) -> str | None:
        """Nothing active in ``kind``'s slot; returns what was active (kept in history)."""
        return self.empty_slot(kind)[0]

    def empty_slot(self, kind: str) -> tuple[str | None, dict[str, Any] | None]:
        """:meth:`deactivate`, returning also the activation record of what was active (who made it active and when:
        ``{"id": prev}`` where none was kept; None for a slot that was empty), read under the same lock, as
        :meth:`activate` keeps what it replaced.  Who emptied it (:func:`acting`'s device) and when are kept
        (:attr:`Pointer.emptied`) while it stays empty; an empty slot keeps the record it had."""
        with self._locked():
            p = self.pointer()
            rec = (p.activation(kind) or {"id": p.slots[kind]}) if p.slots.get(kind) else None
            prev = _emptied(p, kind)
            p.activated, p.held = _without(p.activated, kind), _without(p.held, kind)
            if prev:
                p.emptied = {**p.emptied, kind: {"id": prev, "by": acting().by, "at": time.time()}}
            self._write_pointer(p)
            return prev, rec

    def hold(self, kind: str) -> str | None:
        """Nothing plays in ``kind``'s slot for this run, its pack kept as held (:attr:`Pointer.held`; a start with
        --require-signature, the pack unsigned): :meth:`unhold` at a later start makes it active again.  It goes in
        the slot's history too, as :meth:`deactivate` puts a pack there, so prune keeps it and roll back reaches it
        (R2 review 1), and who made it active stays recorded (:attr:`Pointer.activated`, counted again once it is
        active again: R2 review 6).  Returns the pack held (None: the slot was empty)."""
        with self._locked():
            p = self.pointer()
            pid = _emptied(p, kind)
            if pid:
                p.held, p.emptied = {**p.held, kind: pid}, _without(p.emptied, kind)     # held, not emptied
                self._write_pointer(p)
            return pid

    def unhold(self, may_play: Callable[[str], bool]) -> Unheld:
        """Make each held pack (:meth:`hold`) active again where its slot is still empty, it is still installed and
        ``may_play(pid)`` (this start's signature rule), with its activation record as it was.  A held pack that is
        gone is forgotten (and returned, to be said); one whose slot got another pack meanwhile is forgotten."""
        with self._locked():
            p, have = self.pointer(), set(self.ids())
            out = Unheld([], [], [])
            for kind, pid in p.held.items():
                if p.slots.get(kind) is None:
                    (out.gone if pid not in have else out.back if may_play(pid) else out.still).append((kind, pid))
            if p.held.keys() - {k for k, _ in out.still}:
                for kind, pid in out.back:
                    _active_again(p, kind, pid)
                p.held = dict(out.still)
                self._write_pointer(p)
            return out

    def _earlier(self, p: Pointer, kind: str) -> list[str]:
        """The packs of ``kind`` ``p`` made active before, oldest first, those still installed."""
        return [h for h in p.history[_kind(kind)] if (self.packs / h / META_FILE).exists()]

    def rollback_target(self, kind: str) -> str | None:
        """The pack :meth:`rollback` would make active for ``kind`` (None: none)."""
        earlier = self._earlier(self.pointer(), kind)
        return earlier[-1] if earlier else None

    def rollback(self, kind: str) -> str:
        """Activate the previously active pack of ``kind``; returns its id."""
        with self._locked():
            p = self.pointer()
            history = self._earlier(p, kind)
            if not history:
                raise StoreError(f"no earlier {kind} pack to roll back to",
                                 hint=f"each roll back goes one pack further back, and the packs rolled back from "
                                      f"stay installed: make one active again with hatbox box-pack ID --activate "
                                      f"(hatbox box-pack lists the box's packs)")
            self._activated(p, kind, history.pop())
            p.history[kind] = history
            self._write_pointer(p)
            return p.slots[kind]

    def delete(self, pid: str) -> None:
        """Remove an installed pack that is not active (rename to trash/, then remove), then take it out of
        its slot's history, as :meth:`delete_many` does (one path for both).  In that order so that it works on a
        full disk (deleting is how room is made): the pack's bytes are gone before active.json is rewritten, and only
        if it named the pack.  A crash in between leaves a history naming a missing pack, which :meth:`recover` and
        :meth:`rollback` skip.  Unlike :meth:`delete_many` it refuses (StoreError) a pack that is not installed or is
        active."""
        with self._locked():
            meta = self.meta(pid)
            if self.pointer().slots.get(meta["kind"]) == pid:
                raise StoreError(f"'{pid}' is active; deactivate it or activate another first")
            self.delete_many([pid], how="delete")

    def reachable(self) -> set[str]:
        """The packs a slot plays or a roll back can reach: the active ones and every slot's history (up to
        :data:`HISTORY_LEN` each)."""
        p = self.pointer()
        return {pid for pid in p.slots.values() if pid} | {pid for kind in KINDS for pid in p.history[kind]}

    def trim_history(self, steps: int) -> dict[str, list[str]]:
        """Keep the ``steps`` most recent roll-back steps of each slot (a step of a pack gone goes too); returns each
        slot's dropped ids, newest first (device/prune_plan.py ``history_beyond``).  Roll back reaches what stays."""
        from device.prune_plan import history_beyond
        with self._locked():
            p, installed = self.pointer(), set(self.ids())
            dropped = history_beyond(p.history, installed, steps)
            kept = {k: [h for h in p.history[k] if h in installed and h not in dropped.get(k, [])] for k in KINDS}
            if kept != p.history:
                p.history = kept
                self._write_pointer(p)
            return dropped

    def delete_many(self, pids: list[str], by: str | None = None, how: str = "prune") -> list[str]:
        """Delete packs ``pids`` (none active: each is checked, under one lock) as :meth:`delete` does one, with
        one fsync of packs/ and one rewrite of active.json for them all; returns the ids deleted (those still
        installed and not active).  :meth:`delete` goes through here too.  Each deleted pack's record is kept in
        :attr:`deleted` (the last 16, on the card) with who deleted it (``by``, else :func:`acting`'s), when, and
        ``how`` ("prune", "delete"), for the answers that name it after (p45 duo QA: "the box has no pack" said nothing
        of the other laptop's prune a moment before)."""
        with self._locked():
            p = self.pointer()
            active = {pid for pid in p.slots.values() if pid}
            gone = [pid for pid in dict.fromkeys(pids) if pid not in active and (self._dir(pid) / META_FILE).exists()]
            notes = self._deleted_notes(gone, acting().by if by is None else by, how)
            moved = []
            for pid in gone:
                moved.append(self.trash / f"{pid}-{time.monotonic_ns()}")
                os.replace(self._dir(pid), moved[-1])
                self._metas.pop(pid, None)
            if moved:
                fsync_dir(self.packs)
                self._deleted.add(notes)         # after the bytes went: on a full card, room is made first
            for path in moved:
                shutil.rmtree(path, ignore_errors=True)
            history = {k: [h for h in p.history[k] if h not in gone] for k in KINDS}
            if history != p.history:
                p.history = history
                self._write_pointer(p)
            return gone

    def _deleted_notes(self, pids: list[str], by: str, how: str) -> dict[str, dict[str, Any]]:
        """The records :attr:`deleted` keeps of packs ``pids``, about to be deleted by ``by``, ``how``."""
        now, notes = time.time(), {}
        for pid in pids:
            try:
                notes[pid] = {**self.meta(pid), "deleted_by": by, "deleted_at": now, "deleted_how": how}
            except (StoreError, OSError, ValueError):
                notes[pid] = {"id": pid, "deleted_by": by, "deleted_at": now, "deleted_how": how}
        return notes


def to_activate(packs: list[dict[str, Any]], kind: str) -> str | None:
    """Which of ``packs`` (:meth:`Store.list`'s or GET /packs' items) to suggest making ``kind``'s active one: the
    one used last (``used_last``), else the newest installed (device/versions.py ``newest``: the install sequence,
    then the version; never the wall clock); None when none is of ``kind``.  A box from before ``used_last`` was
    listed gets the newest."""
    mine = [p for p in packs if isinstance(p, dict) and p.get("kind") == kind and p.get("id") and not p.get("active")]
    pick = next((p for p in mine if p.get("used_last")), None) or newest(mine)
    return str(pick["id"]) if pick else None


def _used_last(history: list[str], installed: list[str]) -> str | None:
    return next((h for h in reversed(history) if h in installed), None)


def _kind(kind: str) -> str:
    if kind not in KINDS:
        raise StoreError(f"unknown slot '{kind}' (slots: {', '.join(KINDS)})")
    return kind


def _filled_keys(kind: Any) -> tuple[str, ...]:
    """The keys a record of pack kind ``kind`` is filled in with from its pack where it lacks any (:meth:`_filled`)."""
    return FILLED_KEYS if kind == "tagger" else EFFECT_FILLED_KEYS if kind == "effect" else ()


def _fsync_file(path: Path) -> None:
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())


def tagger_record(manifest: Manifest) -> dict[str, Any]:
    """What a tagger's record keeps of its manifest besides its scores: :func:`_held_and_words` and what its macro-F1
    is over (device.store_layout.scored_record, p51 review); {} for other kinds."""
    from device.store_layout import scored_record
    return {**_held_and_words(manifest), **scored_record(manifest)}


def _held_and_words(manifest: Manifest) -> dict[str, Any]:
    """What a tagger's score stands on and the words it gives, for GET /packs (forty-ninth stop's QA: `hatbox
    box-pack` showed 0.982 beside 0.892 with neither said): ``held_out``, its metrics' holdout_items (the held-out
    files), and ``words``, its tags; {} for other kinds."""
    if manifest.kind != "tagger":
        return {}
    n = manifest.metrics.get("holdout_items") if isinstance(manifest.metrics, dict) else None
    held = {"held_out": n} if isinstance(n, int) and not isinstance(n, bool) else {}
    return {**held, "words": [str(t) for t in manifest.tags]}

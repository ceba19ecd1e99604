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
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from export.atomic import fsync_dir, locked_fd, write_atomic
from device.versions import install_seq, newest, packs_in_order
from export.manifest import KINDS, Manifest
from hatbox.errors import HatboxError

PACK_FILE = "pack.hatpack"
META_FILE = "meta.json"
POINTER = "active.json"
DAMAGED_POINTER = "active.json.damaged"     # an unreadable pointer, set aside by recover()
POINTER_COPY = "active.json.copy"           # written after active.json each time: recover() reads it when that is damaged
LOCK_FILE = ".lock"
TRUSTED_KEYS = "trusted_keys"               # the public keys whose signatures the box trusts (export/signing.py)
KNOB_FILE = "knobs.json"                    # the knobs the player set, kept by the engine (device/knob_store.py)
HISTORY_LEN = 16
_ID_RE = re.compile(r"^[a-z]+-[a-z0-9.\-]+-[0-9a-f]{12}$")
# the trainers' headline scores, kept in a pack's record so a listing can tell two trainings apart (hatbox box-pack),
# with the few words a listing calls each by (hatbox/cmd_pack.py SCORES says them in full for one pack)
SCORE_WORDS = {"val_esr": "held-out error", "heldout_mrstft": "spectral distance", "holdout_macro_f1": "macro-F1"}
SCORE_KEYS = tuple(SCORE_WORDS)
LIST_HINT = "hatbox box-pack lists the installed packs with their ids"   # `hatbox status` only counts them
_log = logging.getLogger(__name__)


class StoreError(HatboxError):
    """A store operation the user asked for cannot be done (unknown id, active pack...)."""


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def pack_id(manifest: Manifest, sha256: str) -> str:
    """``<kind>-<name slug>-<version>-<sha256[:12]>``, e.g. ``effect-fuzz-1.0.0-0123456789ab``."""
    slug = re.sub(r"[^a-z0-9]+", "-", manifest.name.lower()).strip("-") or "pack"
    version = re.sub(r"[^a-z0-9.]+", "-", manifest.version.lower())
    return f"{manifest.kind}-{slug}-{version}-{sha256[:12]}"


def installed_in(path: str | Path) -> tuple[Path, str] | None:
    """(the store's root, the pack id) when ``path`` is an installed pack's file (``<root>/packs/<id>/pack.hatpack``,
    as :meth:`PackStore.pack_path` names it), else None (a pack file outside any store)."""
    path = Path(path)
    if path.name != PACK_FILE or path.parent.parent.name != "packs" or not _ID_RE.fullmatch(path.parent.name):
        return None
    return path.parent.parent.parent, path.parent.name


@dataclass
class Pointer:
    """The active pack of each slot and the slot's previously active packs (oldest first)."""

    slots: dict[str, str | None] = field(default_factory=lambda: {k: None for k in KINDS})
    history: dict[str, list[str]] = field(default_factory=lambda: {k: [] for k in KINDS})

    def to_json(self) -> bytes:
        return json.dumps({"slots": self.slots, "history": self.history}, indent=1, sort_keys=True).encode()

    @classmethod
    def from_json(cls, data: bytes) -> "Pointer":
        """The pointer in ``data``; ValueError when it is not one (not JSON, or a slot that is not an id or null,
        a history that is not a list of ids)."""
        try:
            raw = json.loads(data)
        except RecursionError:
            raise ValueError("nested too deeply") from None
        slots, history = (raw.get("slots", {}), raw.get("history", {})) if isinstance(raw, dict) else (None, None)
        if not isinstance(slots, dict) or not isinstance(history, dict):
            raise ValueError("not an object of slots and history")
        p = cls()
        for kind in KINDS:
            p.slots[kind], p.history[kind] = slots.get(kind), history.get(kind, [])
            if p.slots[kind] is not None and not isinstance(p.slots[kind], str):
                raise ValueError(f"slot {kind} is {p.slots[kind]!r}, not a pack id")
            if not isinstance(p.history[kind], list) or not all(isinstance(h, str) for h in p.history[kind]):
                raise ValueError(f"the {kind} history is not a list of pack ids")
        return p


class PackStore:
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
        self._metas: dict[str, tuple[tuple[int, int, int], dict[str, Any]]] = {}   # pid -> (its file's stat, record)
        self.on_install: list[Callable[[dict[str, Any]], None]] = []   # each gets a new pack's record (:meth:`install`)
        self.deleted: dict[str, dict[str, Any]] = {}    # pid -> the record of a pack :meth:`delete` took (answers)
        for d in (self.root, self.packs, self.tmp, self.trash):
            d.mkdir(parents=True, exist_ok=True)

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
        path = os.path.join(self._dir(pid), META_FILE)
        try:
            st = os.stat(path)
            stamp = (st.st_mtime_ns, st.st_size, st.st_ino)
            kept = self._metas.get(pid)
            if kept is None or kept[0] != stamp:
                kept = (stamp, json.loads(Path(path).read_bytes()))
                self._metas[pid] = kept
            return dict(kept[1])
        except FileNotFoundError:
            self._metas.pop(pid, None)
            raise StoreError(f"no installed pack '{pid}'", hint=LIST_HINT) from None

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
        _remove(gone)

    @staticmethod
    def _meta(pid: str, manifest: Manifest, sha256: str, path: Path, extra: dict[str, Any]) -> dict[str, Any]:
        scores = {k: float(v) for k, v in manifest.metrics.items()
                  if k in SCORE_KEYS and isinstance(v, (int, float)) and not isinstance(v, bool)}
        return {"id": pid, "kind": manifest.kind, "name": manifest.name, "version": manifest.version,
                "sha256": sha256, "size": path.stat().st_size, "sample_rate": manifest.sample_rate,
                "knobs": [k.name for k in manifest.knobs], "installed": time.time(), "scores": scores, **extra}

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
            _remove(self.root / POINTER_COPY)

    def activate(self, pid: str) -> tuple[str | None, dict[str, Any]]:
        """Make ``pid`` its slot's active pack; returns (previously active id, meta)."""
        with self._locked():
            meta = self.meta(pid)
            kind = meta["kind"]
            p = self.pointer()
            prev = p.slots[kind]
            if prev and prev != pid:
                p.history[kind] = [h for h in p.history[kind] if h not in (prev, pid)][-HISTORY_LEN + 1:] + [prev]
            p.slots[kind] = pid
            self._write_pointer(p)
            return prev, meta

    def restore_pointer(self, p: Pointer) -> None:
        """Put back a pointer read earlier (an engine refused what the store switched to)."""
        with self._locked():
            self._write_pointer(p)

    def deactivate(self, kind: str) -> str | None:
        """Nothing active in ``kind``'s slot; returns what was active (kept in history)."""
        with self._locked():
            p = self.pointer()
            prev = p.slots[_kind(kind)]
            if prev:
                p.history[kind] = [h for h in p.history[kind] if h != prev][-HISTORY_LEN + 1:] + [prev]
            p.slots[kind] = None
            self._write_pointer(p)
            return prev

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
            p.slots[kind] = history.pop()
            p.history[kind] = history
            self._write_pointer(p)
            return p.slots[kind]

    def delete(self, pid: str) -> None:
        """Remove an installed pack that is not active (rename to trash/, then remove), then take it out of
        its slot's history.  In that order so that it works on a full disk (deleting is how room is made):
        the pack's bytes are gone before active.json is rewritten, and only if it named the pack.  A crash
        in between leaves a history naming a missing pack, which :meth:`recover` and :meth:`rollback` skip."""
        with self._locked():
            meta = self.meta(pid)
            p = self.pointer()
            if p.slots.get(meta["kind"]) == pid:
                raise StoreError(f"'{pid}' is active; deactivate it or activate another first")
            gone = self.trash / f"{pid}-{time.monotonic_ns()}"
            self.deleted = {**dict(list(self.deleted.items())[-15:]), pid: meta}      # the last 16 deleted
            os.replace(self._dir(pid), gone)
            fsync_dir(self.packs)
            shutil.rmtree(gone, ignore_errors=True)
            if pid in p.history[meta["kind"]]:
                p.history[meta["kind"]] = [h for h in p.history[meta["kind"]] if h != pid]
                self._write_pointer(p)

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

    def delete_many(self, pids: list[str]) -> list[str]:
        """Delete packs ``pids`` (none active: each is checked, under one lock) as :meth:`delete` does one, with
        one fsync of packs/ and one rewrite of active.json for them all; returns the ids deleted (those still
        installed and not active)."""
        with self._locked():
            p = self.pointer()
            active = {pid for pid in p.slots.values() if pid}
            gone = [pid for pid in dict.fromkeys(pids) if pid not in active and (self._dir(pid) / META_FILE).exists()]
            moved = []
            for pid in gone:
                moved.append(self.trash / f"{pid}-{time.monotonic_ns()}")
                os.replace(self._dir(pid), moved[-1])
                self._metas.pop(pid, None)
            if moved:
                fsync_dir(self.packs)
            for path in moved:
                shutil.rmtree(path, ignore_errors=True)
            history = {k: [h for h in p.history[k] if h not in gone] for k in KINDS}
            if history != p.history:
                p.history = history
                self._write_pointer(p)
            return gone

    # -- recovery --------------------------------------------------------------------
    def recover(self) -> dict[str, Any]:
        """Bring the store to a consistent state after a crash at any point (see module doc).  Never raises for
        what it finds, and says each thing once in the log, in what it means for what plays: a pack whose record
        (meta.json) is damaged but whose pack file is whole gets its record back from the pack; any other stray or
        damaged entry in packs/ is removed; an active pack that went falls back to the one before it in its slot;
        an unreadable active.json is set aside as active.json.damaged and the active packs come back from its copy
        (:data:`POINTER_COPY`; none active when that cannot be read either).  A disk that refuses even that is logged too, and the box starts with what can be
        read.  Returns what it did (the API's status shows it: ``recovery``)."""
        with self._locked():
            debris = _empty_dir(self.tmp) + _empty_dir(self.trash)
            for half in self.root.glob(f".{POINTER}.*"):     # a pointer write a power cut stopped (export.atomic)
                _remove(half)
                debris += 1
            broken, rebuilt = [], []
            for pid in (pid for pid in self._all_dirs() if not self._intact(pid)):
                if self._rebuild_meta(pid):
                    _log.warning("pack store: the record (meta.json) of %s was damaged; it was made again from its "
                                 "pack file, which is whole", pid)
                    rebuilt.append(pid)
                    continue
                _log.warning("pack store: removing %s from packs/: not an intact installed pack "
                             "(a copy cut short, damaged, or a stray file)", pid)
                broken.append(pid)
                try:
                    self._discard(self.packs / pid, f"{pid}-broken")
                except OSError as exc:
                    _log.error("pack store: could not remove %s: %s", pid, exc)
            before, unreadable = self._read_pointer()
            copied = False
            if unreadable is not None:
                before, why_not = self._read_pointer(POINTER_COPY)
                copied = why_not is None and (self.root / POINTER_COPY).is_file()
            after = self._repaired(before)
            lost = {k: v for k, v in before.slots.items() if unreadable is None and v and v != after.slots[k]}
            for kind, pid in lost.items():
                now = after.slots[kind]
                _log.warning("pack store: the active %s pack %s is gone (damaged, or its folder missing): %s", kind,
                             pid, f"the {kind} slot plays {now} now, the pack active before it" if now else
                             f"nothing plays in the {kind} slot now; send the pack again: hatbox push PACK.hatpack "
                             "--activate")
            try:
                if unreadable is not None:
                    chosen = ", ".join(f"{k} {v}" for k, v in after.slots.items() if v) or "none"
                    what = (f"the active packs are as its copy ({POINTER_COPY}) had them: {chosen}" if copied else
                            f"no pack is active until one is made active (its copy could not be read either: "
                            f"hatbox box-pack ID --activate, or the box's Models page)")
                    _log.warning("pack store: %s is unreadable (%s): %s; the file is kept as %s", POINTER, unreadable,
                                 what, DAMAGED_POINTER)
                    os.replace(self.root / POINTER, self.root / DAMAGED_POINTER)
                if after.to_json() != before.to_json() or unreadable is not None or not (self.root / POINTER).exists() \
                        or not (self.root / POINTER_COPY).exists():
                    self._write_pointer(after)
            except OSError as exc:
                _log.error("pack store: could not rewrite %s: %s", POINTER, exc)
            self.last_recovery = {"removed_debris": debris, "removed_broken": broken, "rebuilt": rebuilt,
                                  "active": after.slots, "lost_active": lost,
                                  "pointer_repaired": bool(lost) or unreadable is not None,
                                  "pointer_damaged": unreadable, "pointer_from_copy": copied}
            return self.last_recovery

    def _rebuild_meta(self, pid: str) -> bool:
        """Write pack ``pid``'s record again from its pack file when that file is a whole pack whose id is ``pid``
        (only the record was damaged: a cut write, a bad block); False (nothing written) otherwise.  The install's
        checks are not kept: the record says so in their place."""
        d = self.packs / pid
        try:
            if _ID_RE.fullmatch(pid) is None or not (d / PACK_FILE).is_file() or (d / META_FILE).is_dir():
                return False
            from export.pack import read_pack
            manifest = read_pack(d / PACK_FILE).manifest          # every member's checksum verified
            sha = file_sha256(d / PACK_FILE)
            if pack_id(manifest, sha) != pid:
                return False
            note = {"check": "record", "ok": True, "seconds": 0.0,
                    "detail": "made again at start from the pack file (the record was damaged); the install's own "
                              "checks were not kept, the engine checks the pack again as it loads it"}
            meta = self._meta(pid, manifest, sha, d / PACK_FILE, {"checks": [note], "signed_by": self._signer(d)})
            meta["installed"] = (d / PACK_FILE).stat().st_mtime
            write_atomic(d / META_FILE, json.dumps(meta, indent=1, sort_keys=True).encode())
            return True
        except Exception:  # noqa: BLE001 - anything wrong with the file: it is not a whole pack, and is removed
            return False

    def trusted(self) -> list[Any]:
        """The public keys in the store's ``trusted_keys/`` (export.signing.load_trusted)."""
        from export.signing import load_trusted
        return load_trusted(self.root / TRUSTED_KEYS)

    def _signer(self, d: Path) -> str | None:
        """The trusted key (in ``trusted_keys/``) that signed the pack in folder ``d``, or None."""
        try:
            from device.validate import signed_by_now
            return signed_by_now(d / PACK_FILE, self.trusted())
        except Exception:  # noqa: BLE001 - no key, no signature, or one that does not hold: not signed
            return None

    def _all_dirs(self) -> list[str]:
        return sorted(p.name for p in self.packs.iterdir())

    def _intact(self, pid: str) -> bool:
        d = self.packs / pid
        try:
            meta = json.loads((d / META_FILE).read_bytes())
            return (_ID_RE.fullmatch(pid) is not None and isinstance(meta, dict) and meta.get("id") == pid
                    and file_sha256(d / PACK_FILE) == meta.get("sha256"))
        except (OSError, ValueError, RecursionError):
            return False

    def _repaired(self, p: Pointer) -> Pointer:
        have = set(self.ids())
        out = Pointer()
        for kind in KINDS:
            history = [h for h in p.history[kind] if h in have]
            current = p.slots[kind]
            if current is not None and current not in have:
                current = history.pop() if history else None
            out.slots[kind], out.history[kind] = current, history
        return out

    def problems(self) -> list[str]:
        """Read-only consistency check (what tests assert is empty after a restart)."""
        issues = [f"debris left in {d.name}/: {x.name}" for d in (self.tmp, self.trash) for x in d.iterdir()]
        issues += [f"damaged pack {pid}" for pid in self._all_dirs() if not self._intact(pid)]
        have = set(self.ids())
        p = self.pointer()
        issues += [f"{k} points at missing {v}" for k, v in p.slots.items() if v and v not in have]
        return issues


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


def _fsync_file(path: Path) -> None:
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())


def _remove(path: Path) -> None:
    """Remove a folder with what it holds, or a file or link (errors ignored: recovery tries again next time)."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        try:
            path.unlink(missing_ok=True)
        except OSError:
            pass


def _empty_dir(d: Path) -> int:
    n = 0
    for x in d.iterdir():
        _remove(x)
        n += 1
    return n

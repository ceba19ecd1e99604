"""How the pack store comes back after a crash or a damaged disk: :class:`Recovery`, the part of
:class:`device.store.PackStore` that :meth:`Recovery.recover` runs at start, and the read-only
:meth:`Recovery.problems` that tests assert is empty after a restart.

What it does is said in device/store.py's module doc; each thing it finds is logged once, under the logger
``device.store`` (as before this module was split out of device/store.py).
"""
from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

from device.store_layout import DAMAGED_POINTER, ID_RE, META_FILE, PACK_FILE, POINTER, POINTER_COPY, TRUSTED_KEYS, \
    Pointer, empty_dir, file_sha256, pack_id, remove_path
from export.atomic import write_atomic
from export.manifest import KINDS

_log = logging.getLogger("device.store")


class Recovery:
    """Crash recovery and the consistency check of a pack store (mixed into :class:`device.store.PackStore`, whose
    lock, pointer reading and writing, and ``discard`` / ``new_record`` / ``ids`` it uses: public methods there)."""

    root: Path
    packs: Path
    tmp: Path
    trash: Path
    last_recovery: dict[str, Any] | None

    def recover(self) -> dict[str, Any]:
        """Bring the store to a consistent state after a crash at any point (see device/store.py's module doc).
        Never raises for what it finds, and says each thing once in the log, in what it means for what plays: a pack
        whose record (meta.json) is damaged but whose pack file is whole gets its record back from the pack; any
        other stray or damaged entry in packs/ is removed; an active pack that went falls back to the one before it in
        its slot; an unreadable active.json is set aside as active.json.damaged and the active packs come back from
        its copy (:data:`POINTER_COPY`; none active when that cannot be read either).  A disk that refuses even that
        is logged too, and the box starts with what can be read.  Returns what it did (the API's status shows it:
        ``recovery``)."""
        with self.locked():
            debris = self._clear_debris()
            broken, rebuilt = self._fix_packs()
            self.last_recovery = {"removed_debris": debris, "removed_broken": broken, "rebuilt": rebuilt,
                                  **self._fix_pointer()}
            return self.last_recovery

    def _clear_debris(self) -> int:
        """Empty tmp/ and trash/ and remove the pointer writes a power cut stopped; returns how many entries went."""
        debris = empty_dir(self.tmp) + empty_dir(self.trash)
        for half in self.root.glob(f".{POINTER}.*"):     # a pointer write a power cut stopped (export.atomic)
            remove_path(half)
            debris += 1
        return debris

    def _fix_packs(self) -> tuple[list[str], list[str]]:
        """(the entries of packs/ removed as not intact, the packs whose record was made again from the pack)."""
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
                self.discard(self.packs / pid, f"{pid}-broken")
            except OSError as exc:
                _log.error("pack store: could not remove %s: %s", pid, exc)
        return broken, rebuilt

    def _fix_pointer(self) -> dict[str, Any]:
        """Repair active.json (from its copy when it is unreadable; every slot and history naming installed packs
        only) and write it when it changed; returns the recovery report's pointer fields."""
        before, unreadable = self.read_pointer()
        copied = False
        if unreadable is not None:
            before, why_not = self.read_pointer(POINTER_COPY)
            copied = why_not is None and (self.root / POINTER_COPY).is_file()
        after = self._repaired(before)
        lost = {k: v for k, v in before.slots.items() if unreadable is None and v and v != after.slots[k]}
        for kind, pid in lost.items():
            _say_lost(kind, pid, after.slots[kind])
        try:
            if unreadable is not None:
                _say_unreadable(unreadable, after, copied)
                os.replace(self.root / POINTER, self.root / DAMAGED_POINTER)
            if after.to_json() != before.to_json() or unreadable is not None or not (self.root / POINTER).exists() \
                    or not (self.root / POINTER_COPY).exists():
                self.write_pointer(after)
        except OSError as exc:
            _log.error("pack store: could not rewrite %s: %s", POINTER, exc)
        return {"active": after.slots, "lost_active": lost, "pointer_repaired": bool(lost) or unreadable is not None,
                "pointer_damaged": unreadable, "pointer_from_copy": copied}

    def _rebuild_meta(self, pid: str) -> bool:
        """Write pack ``pid``'s record again from its pack file when that file is a whole pack whose id is ``pid``
        (only the record was damaged: a cut write, a bad block); False (nothing written) otherwise.  The install's
        checks are not kept: the record says so in their place."""
        d = self.packs / pid
        try:
            if ID_RE.fullmatch(pid) is None or not (d / PACK_FILE).is_file() or (d / META_FILE).is_dir():
                return False
            from export.pack import read_pack
            manifest = read_pack(d / PACK_FILE).manifest          # every member's checksum verified
            sha = file_sha256(d / PACK_FILE)
            if pack_id(manifest, sha) != pid:
                return False
            note = {"check": "record", "ok": True, "seconds": 0.0,
                    "detail": "made again at start from the pack file (the record was damaged); the install's own "
                              "checks were not kept, the engine checks the pack again as it loads it"}
            meta = self.new_record(pid, manifest, sha, d / PACK_FILE, {"checks": [note], "signed_by": self._signer(d)})
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
            return (ID_RE.fullmatch(pid) is not None and isinstance(meta, dict) and meta.get("id") == pid
                    and file_sha256(d / PACK_FILE) == meta.get("sha256"))
        except (OSError, ValueError, RecursionError):
            return False

    def _repaired(self, p: Pointer) -> Pointer:
        """``p`` with every slot and history naming installed packs only; who made each slot's pack active
        (:attr:`Pointer.activated`) is kept while it names the pack the slot still plays or holds (a slot that fell
        back to an earlier pack, or lost its pack, says no one).  The held packs (:attr:`Pointer.held`) are kept as
        they are, one gone too: the start that would make it active again says it is gone (PackStore.unhold).  Who
        emptied a slot (:attr:`Pointer.emptied`) is kept while the slot is still empty."""
        have = set(self.ids())
        out = Pointer()
        for kind in KINDS:
            history = [h for h in p.history[kind] if h in have]
            current = p.slots[kind]
            if current is not None and current not in have:
                current = history.pop() if history else None
            out.slots[kind], out.history[kind] = current, history
        out.held = dict(p.held)         # a held pack gone too: the next start says so (given_packs, R2 review 1)
        out.activated = {k: dict(rec) for k, rec in p.activated.items()
                         if rec.get("id") in (out.slots.get(k), out.held.get(k)) and rec.get("id") is not None}
        out.emptied = {k: dict(rec) for k, rec in p.emptied.items() if out.slots.get(k) is None}
        return out

    def problems(self) -> list[str]:
        """Read-only consistency check (what tests assert is empty after a restart)."""
        issues = [f"debris left in {d.name}/: {x.name}" for d in (self.tmp, self.trash) for x in d.iterdir()]
        issues += [f"damaged pack {pid}" for pid in self._all_dirs() if not self._intact(pid)]
        have = set(self.ids())
        p = self.pointer()
        issues += [f"{k} points at missing {v}" for k, v in p.slots.items() if v and v not in have]
        return issues


def _say_lost(kind: str, pid: str, now: str | None) -> None:
    """Log that the active ``kind`` pack ``pid`` is gone, and what its slot plays ``now`` (None: nothing)."""
    _log.warning("pack store: the active %s pack %s is gone (damaged, or its folder missing): %s", kind,
                 pid, f"the {kind} slot plays {now} now, the pack active before it" if now else
                 f"nothing plays in the {kind} slot now; send the pack again: hatbox push PACK.hatpack "
                 "--activate")


def _say_unreadable(why: str, after: Pointer, copied: bool) -> None:
    """Log that active.json is unreadable (``why``) and what is active now (``after``, from its copy if ``copied``)."""
    chosen = ", ".join(f"{k} {v}" for k, v in after.slots.items() if v) or "none"
    what = (f"the active packs are as its copy ({POINTER_COPY}) had them: {chosen}" if copied else
            f"no pack is active until one is made active (its copy could not be read either: "
            f"hatbox box-pack ID --activate, or the box's Models page)")
    _log.warning("pack store: %s is unreadable (%s): %s; the file is kept as %s", POINTER, why, what, DAMAGED_POINTER)

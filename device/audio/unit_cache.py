"""Prepared units kept for a pack switched in again (forty-fourth stop: a set list's switches in milliseconds).

Loading a pack (device/audio/swap.py ``Swapper.prepare``) reads and verifies it, builds its unit (an onnxruntime
session), reproduces its golden snapshot, warms it and measures an effect's gain limit: about 0.45 s for the factory
drive on this machine.  A performer switching between a few packs with program changes pays it at every switch.

:class:`UnitCache` keeps the units the engine let go of (handed back through ``engine.graveyard``, collected on the
loader's thread) so that a load of the very same pack file content installs one at once:

- **keyed by content**: the slot and the sha256 of the pack file's bytes (:func:`content_key`; the store names an
  installed pack by the same hash, device/store.py ``pack_id``).  A file replaced at the same path (new bytes) is a
  new key and is prepared fresh; a unit whose file was deleted or changed is dropped at the next lookup
  (:meth:`UnitCache.prune`).  Only units the loader prepared itself, that passed every check, are ever kept: a
  refused pack never is, nor a unit that faulted while it played.
- **at rest**: a unit is put back to the state a fresh one starts in as it is kept (:func:`rest`: an effect's knobs at
  their defaults and its state settled there, a synth's voices, queue and pad cleared), and checked again as it is
  taken (:func:`quiet_check`: one block of silence in gives finite, quiet output, then back to rest).  So a reverb's
  or a recurrent network's tail from before never comes back; the engine then sets the knobs its knob memory gives
  (device/audio/engine.py ``Engine.install``), as for a fresh unit.
- **bounded**: at most ``per_slot`` units per slot and at most ``per_slot_bytes`` of them (:data:`PER_SLOT_BYTES`,
  64 MiB), the least recently used dropped first; a unit estimated bigger than that alone is not kept at all.  A
  unit's bytes are estimated from its pack (:func:`unit_bytes`: the loader's ``info["unit_bytes"]``), a fit to the
  resident set's growth per unit measured by bench/pack_switch_cache.py and bench/unit_cache_bytes.py.  The unit a
  slot plays (or fades to, or has waiting) is the engine's, never the cache's: it is neither counted nor dropped.

Thread: the loader's only (device/audio/swap.py), never the audio thread; units dropped here are freed there, as the
graveyard's always were.
"""
from __future__ import annotations

import hashlib
import os
import weakref
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np

from device.audio.unit_release import let_go
from export.pack import MODEL

PER_SLOT = 4                 # units kept per slot (a set list of 4-5 packs switches with no load at all)
PER_SLOT_BYTES = 64 << 20    # and at most this many bytes of them per slot (estimated: unit_bytes)
# A prepared unit's memory, estimated (bytes): this much for the session and the unit's own buffers, plus
# MODEL_COPIES times its ONNX model (the pack's bytes the unit keeps, the session's parsed model and its weights, a
# MatMul's prepacked copy), plus the pack's other members (the unit keeps them too).  Fit to the resident set's
# growth per unit (bench/unit_cache_bytes.py): the factory drive 0.82 MiB (estimate 1.06), the factory synth 2.65
# MiB (2.73), effects with 4 / 16 MiB of MatMul weights 14.9 / 50.7 MiB (13.0 / 49.1), 32 MiB of Gather table 78.4
# MiB (97.0).
UNIT_BASE_BYTES = 1 << 20
MODEL_COPIES = 3
QUIET_LIMIT = 0.1            # a kept unit's output on one block of silence stays under this (else it is dropped)


@dataclass(frozen=True)
class Stamp:
    """What the file system says of a pack file (a change of any of these: the kept unit is dropped)."""

    size: int
    mtime_ns: int
    inode: int


@dataclass(frozen=True)
class PackKey:
    """A slot and a pack file's content: the sha256 of its bytes (hex)."""

    slot: str
    sha256: str


@dataclass
class Kept:
    """A unit the cache holds, with its loader ``info``, where its pack was read and its estimated ``cost`` (bytes)."""

    unit: Any
    info: dict[str, Any]
    key: PackKey
    path: str
    stamp: Stamp
    cost: int = 0


def unit_bytes(members: dict[str, bytes]) -> int:
    """The estimated memory (bytes) of a unit prepared from a pack of these ``members`` (name -> bytes):
    :data:`UNIT_BASE_BYTES` + :data:`MODEL_COPIES` x its ONNX model + its other members."""
    model = len(members.get(MODEL, b""))
    return UNIT_BASE_BYTES + MODEL_COPIES * model + sum(len(v) for k, v in members.items() if k != MODEL)


def cost_of(info: dict[str, Any], stamp: Stamp) -> int:
    """A unit's estimated bytes: the loader's ``info["unit_bytes"]`` (:func:`unit_bytes`), else as if its whole pack
    file (``stamp.size``) were its model."""
    given = info.get("unit_bytes")
    if isinstance(given, int) and given >= 0:
        return given
    return UNIT_BASE_BYTES + MODEL_COPIES * stamp.size


def stamp_of(path: str | Path) -> Stamp | None:
    """``path``'s size, modification time and inode; None when it is no readable file."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return Stamp(int(st.st_size), int(st.st_mtime_ns), int(st.st_ino))


def content_key(slot: str, path: str | Path) -> tuple[PackKey, Stamp] | None:
    """The key of the pack file at ``path`` for ``slot`` (its bytes' sha256) and its stamp; None when it cannot be
    read (the loader's own read then says why)."""
    before = stamp_of(path)
    if before is None:
        return None
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
    except OSError:
        return None
    return (PackKey(slot, digest.hexdigest()), before) if stamp_of(path) == before else None


def rest(unit: Any) -> None:
    """Put a unit the engine let go of back where a freshly prepared one starts: an effect
    (device/audio/effect.EffectProcessor) at its knobs' defaults, settled there (its rest state: what ``reset``
    returns to); a synth (device/audio/synth.SynthSource) with its pad at (0, 0) and its first four timbres in the
    corners, its clock forgotten and every voice, queued message and take-over cleared (``reset``)."""
    knobs = list(getattr(unit, "knobs", []))
    if knobs and callable(getattr(unit, "set_knobs", None)):
        unit.set_knobs({k.name: k.default for k in knobs})
    names = list(getattr(unit, "names", []) or [])
    if names and callable(getattr(unit, "handle", None)) and hasattr(unit, "xy"):
        unit.handle({"op": "xy", "x": 0.0, "y": 0.0})
        unit.handle({"op": "corners", "names": [names[i % len(names)] for i in range(4)]})
    forget_clock(unit)
    settle = getattr(unit, "settle", None)
    (settle if callable(settle) else unit.reset)()


def forget_clock(unit: Any) -> None:
    """A timed source's block clock (device/audio/block_clock.py) starts again at its next block: the block it ran
    off the audio thread, or before it was let go of, is no reading of the stream it joins."""
    clock = getattr(unit, "block_clock", None)
    if clock is not None:
        clock.reset()


def quiet_check(unit: Any, block: int) -> bool:
    """One ``block`` of silence through ``unit`` (an effect's ``process``, a source's ``render``) gives finite
    output under :data:`QUIET_LIMIT` (an effect's settled output level, ``rest_dc``, aside); the unit is reset
    to its rest state after.  False: the unit is not to be used."""
    x = np.zeros(block, np.float32)
    try:
        if callable(getattr(unit, "process", None)):
            y = np.asarray(unit.process(x), np.float32) - np.float32(getattr(unit, "rest_dc", 0.0))
        else:
            y = np.zeros(block, np.float32)
            unit.render(y)
        ok = bool(np.all(np.isfinite(y))) and float(np.max(np.abs(y), initial=0.0)) < QUIET_LIMIT
        unit.reset()
        forget_clock(unit)
    except Exception:  # noqa: BLE001 - a unit that cannot run is not used; the loader prepares the pack fresh
        return False
    return ok and getattr(unit, "faults", 0) == 0


class UnitCache:
    """Units kept per slot, least recently used first (see module docstring): at most ``per_slot`` of them and
    ``per_slot_bytes`` (estimated) per slot.  ``in_use(unit)``: whether the engine still holds ``unit`` (a slot plays
    it, fades to it or has it queued): such a unit is never kept nor handed out."""

    def __init__(self, per_slot: int = PER_SLOT, in_use: Callable[[Any], bool] = lambda unit: False,
                 per_slot_bytes: int = PER_SLOT_BYTES) -> None:
        self.per_slot = int(per_slot)
        self.per_slot_bytes = int(per_slot_bytes)
        self.in_use = in_use
        self._kept: OrderedDict[int, Kept] = OrderedDict()     # id(unit) -> what is kept; the last used last
        self._issued: weakref.WeakKeyDictionary[Any, tuple[PackKey, str, Stamp, dict[str, Any]]] = \
            weakref.WeakKeyDictionary()                        # units the loader prepared (and handed out)
        self.hits = self.misses = self.dropped = 0

    def __len__(self) -> int:
        return len(self._kept)

    def issue(self, unit: Any, key: PackKey, path: str | Path, stamp: Stamp, info: dict[str, Any]) -> None:
        """``unit`` was prepared from the pack ``key`` names (``info``: what the loader found) and passed every
        check: once the engine lets go of it, it may be kept."""
        self._issued[unit] = (key, str(path), stamp, dict(info))

    def take(self, key: PackKey, path: str | Path, block: int) -> tuple[Any, dict[str, Any]] | None:
        """A kept unit for ``key``, at rest and checked (:func:`quiet_check` on a ``block``), and a copy of its info
        (``path`` as asked, ``cached`` true); None: prepare the pack fresh."""
        uid = next((uid for uid, kept in reversed(self._kept.items()) if kept.key == key), None)
        if uid is None:
            self.misses += 1
            return None
        kept = self._kept[uid]
        if self.in_use(kept.unit) or not quiet_check(kept.unit, block):
            del kept
            self._drop(uid)                               # a big model's memory given back outside the GIL
            return None
        del self._kept[uid]
        self.hits += 1
        stamp = stamp_of(path) or kept.stamp
        info = {**kept.info, "path": str(path), "cached": True}
        self._issued[kept.unit] = (key, str(path), stamp, dict(kept.info))
        return kept.unit, info

    def holds(self, key: PackKey) -> bool:
        """Whether a unit for ``key`` is kept, or one handed out plays (nothing to pre-warm then)."""
        return any(k.key == key for k in self._kept.values()) or \
            any(origin[0] == key and self.in_use(unit) for unit, origin in list(self._issued.items()))

    def retire(self, unit: Any) -> bool:
        """The engine let go of ``unit`` (the graveyard): keep it at rest if the loader prepared it, it did not
        fault, nothing holds it and its pack file is unchanged; the least recently used of its slot goes past
        :attr:`per_slot` units or :attr:`per_slot_bytes` (a unit bigger than that alone is not kept).  Returns
        whether it is kept."""
        origin = self._issued.pop(unit, None)
        if origin is None or self.per_slot <= 0 or id(unit) in self._kept or self.in_use(unit) \
                or getattr(unit, "faults", 0):
            return False
        key, path, stamp, info = origin
        if stamp_of(path) != stamp:
            return False
        cost = cost_of(info, stamp)
        if cost > self.per_slot_bytes:                   # would push out every other unit, and itself
            self.dropped += 1
            return False
        try:
            rest(unit)
        except Exception:  # noqa: BLE001 - a unit that cannot come to rest is dropped, never reused
            return False
        self._kept[id(unit)] = Kept(unit, info, key, path, stamp, cost)
        self._bound(key.slot)                            # never drops the unit just kept: it fits the bound alone
        return id(unit) in self._kept

    def _bound(self, slot: str) -> None:
        """Drop the least recently used units of ``slot`` while it keeps more than :attr:`per_slot` of them or more
        than :attr:`per_slot_bytes`."""
        ids = [uid for uid, kept in self._kept.items() if kept.key.slot == slot]
        while ids and (len(ids) > self.per_slot or self.bytes(slot) > self.per_slot_bytes):
            self._drop(ids.pop(0))

    def bytes(self, slot: str | None = None) -> int:
        """The estimated bytes of the units kept (of ``slot``)."""
        return sum(k.cost for k in self._kept.values() if slot is None or k.key.slot == slot)

    def prune(self) -> int:
        """Drop the units whose pack file is gone or changed since it was read (size, time, inode); how many."""
        gone = [uid for uid, kept in self._kept.items() if stamp_of(kept.path) != kept.stamp]
        for uid in gone:
            self._drop(uid)
        return len(gone)

    def _drop(self, uid: int) -> None:
        """Let go of the unit kept as ``uid``: a big model's memory given back outside the GIL first
        (device/audio/unit_release.py), as the loader lets go of a unit it does not keep."""
        gone = [self._kept.pop(uid).unit]
        self.dropped += 1
        let_go(gone)

    def units(self, slot: str | None = None) -> list[Any]:
        """The units kept (of ``slot``), least recently used first."""
        return [k.unit for k in self._kept.values() if slot is None or k.key.slot == slot]

    def clear(self) -> None:
        """Drop every unit kept (as :meth:`_drop` does) and forget those handed out (the loader stops)."""
        gone = [kept.unit for kept in self._kept.values()]
        self._kept.clear()
        self._issued = weakref.WeakKeyDictionary()
        let_go(gone)

    def stats(self) -> dict[str, int]:
        return {"units": len(self._kept), "bytes": self.bytes(), "hits": self.hits, "misses": self.misses,
                "dropped": self.dropped}

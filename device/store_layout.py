"""The pack store's layout on disk and what it reads without a store: the names of its files, a pack's id, the
active pointer (``active.json``), and the small file helpers its install, delete and recovery share.

device/store.py (:class:`device.store.PackStore`) says how the store changes them; every name here is also importable
from device.store, as before this module was split out of it.
"""
from __future__ import annotations

import hashlib
import json
import re
import shutil
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterator

from device.finite_numbers import finite_number
from export.manifest import KINDS, Manifest
from hatbox.errors import HatboxError

PACK_FILE = "pack.hatpack"
META_FILE = "meta.json"
POINTER = "active.json"
DAMAGED_POINTER = "active.json.damaged"     # an unreadable pointer, set aside by recover()
POINTER_COPY = "active.json.copy"           # written after active.json each time: recover() reads it when that is
                                            # damaged
LOCK_FILE = ".lock"
TRUSTED_KEYS = "trusted_keys"               # the public keys whose signatures the box trusts (export/signing.py)
KNOB_FILE = "knobs.json"                    # the knobs the player set, kept by the engine (device/knob_store.py)
HISTORY_LEN = 16
DELETED_FILE = "deleted-packs.json"         # who deleted the last KEEP_DELETED packs (device/store_notes.py)
KEEP_DELETED = 16
CHANNELS_BY_FILE = "midi-channels-by.json"  # who set the kit's and the synth's MIDI channel (device/api/midi_routes.py)
ID_RE = re.compile(r"^[a-z]+-[a-z0-9.\-]+-[0-9a-f]{12}$")
# the trainers' headline scores, kept in a pack's record so a listing can tell two trainings apart (hatbox box-pack),
# with the few words a listing calls each by (hatbox/cmd_pack.py SCORES says them in full for one pack)
SCORE_WORDS = {"val_esr": "held-out error", "heldout_mrstft": "spectral distance", "holdout_macro_f1": "macro-F1"}
SCORE_KEYS = tuple(SCORE_WORDS)
KIND_SCORE = dict(zip(("effect", "synth", "tagger"), SCORE_KEYS))   # each kind's headline score (a retrain names
#                                                                     the one a pack with none would have had)
MACRO_F1 = "holdout_macro_f1"           # a tagger's headline score, over the words some held-out file carries
SCORED_WORDS = "holdout_scored_words"   # how many words that is (since the fifty-first stop; 0: no macro-F1 stored)
F1_PER_WORD = "holdout_f1_per_word"     # a tagger's held-out F1 of each word its macro-F1 is the mean over (p51)
HELD_LABELS = "holdout_labels"          # the held-out words (a word on a file: one) that mean stands on (p51)
HIGHER_IS_BETTER = frozenset({MACRO_F1})    # of SCORE_KEYS: the others (errors, distances) are better lower
LIST_HINT = "hatbox box-pack lists the installed packs with their ids"   # `hatbox status` only counts them


def no_held_out_score(metrics: Any) -> bool:
    """Whether a pack's ``metrics`` (its manifest's) are a tagger's that kept files aside and could score no word on
    them (none of those files carries any of its words): ``holdout_scored_words`` 0, or, with no such count (a pack
    from before the fifty-first stop, which stored a macro-F1 of 0.0 over no word), a macro-F1 of exactly 0 or none
    beside ``holdout_items``.  Such a macro-F1 is no score: never shown as one nor compared (a tagger of then that
    got every held-out word wrong reads the same; a 0 compares as nothing either way).  ``holdout_items`` 0 (since
    the fifty-first stop: a tagger none of whose words had files enough to keep some aside, or --holdout 0) is no
    score either (:func:`nothing_held_out`): such a pack stored no figure, and a retrain over it or by it compared
    nothing and said nothing of it (fifty-first stop's QA)."""
    if nothing_held_out(metrics):
        return True
    if not isinstance(metrics, dict) or not _count(metrics.get("holdout_items")):
        return False
    scored, value = metrics.get(SCORED_WORDS), metrics.get(MACRO_F1)
    if _count(scored) is not None:
        return scored == 0
    return value is None or (isinstance(value, (int, float)) and not isinstance(value, bool) and value == 0)


def nothing_held_out(metrics: Any) -> bool:
    """Whether a pack's ``metrics`` say its trainer kept no file aside to score it on: a tagger's ``holdout_items``
    of 0 (written since the fifty-first stop; before, such a tagger wrote no held-out figure at all)."""
    return isinstance(metrics, dict) and _count(metrics.get("holdout_items")) == 0


def _count(value: Any) -> int | None:
    """``value`` when it is a whole number >= 0 (not a bool), else None."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def headline_scores(metrics: Any) -> dict[str, float]:
    """The trainers' headline scores (:data:`SCORE_KEYS`, numbers only) in a pack's ``metrics``, less a tagger's
    macro-F1 that is no score (:func:`no_held_out_score`): what a pack's record lists and a retrain compares."""
    if not isinstance(metrics, dict):
        return {}
    scores = {k: float(v) for k, v in metrics.items()
              if k in SCORE_KEYS and isinstance(v, (int, float)) and not isinstance(v, bool)}
    if no_held_out_score(metrics):
        scores.pop(MACRO_F1, None)
    return scores


def scored_f1(metrics: Any) -> dict[str, float] | None:
    """A tagger's held-out F1 of each word its macro-F1 is the mean over (:data:`F1_PER_WORD`, written since the
    fifty-first stop), None where the pack does not say (an older pack, another kind, a figure that is no finite
    number)."""
    got = metrics.get(F1_PER_WORD) if isinstance(metrics, dict) else None
    if not isinstance(got, dict) or not all(finite_number(v) for v in got.values()):
        return None
    return {str(k): float(v) for k, v in got.items()}


def held_labels(metrics: Any) -> int | None:
    """How many held-out words (each word on each held-out file) a tagger's macro-F1 stands on (:data:`HELD_LABELS`);
    None where the pack does not say."""
    n = metrics.get(HELD_LABELS) if isinstance(metrics, dict) else None
    return n if _count(n) else None


def scored_record(manifest: Manifest) -> dict[str, Any]:
    """What a tagger's macro-F1 is over, for its record in the store (GET /packs; fifty-first stop's review: the
    record kept a real macro-F1 of 0 but not the count, and `hatbox box-pack` took it for an old pack's no-score):
    ``scored_words`` (:data:`SCORED_WORDS`), ``f1_per_word`` (:func:`scored_f1`) and ``held_labels``
    (:func:`held_labels`), each where the pack says it (the F1s only of words the tagger gives: a record stays as
    small as its words); {} for other kinds and taggers of before."""
    if manifest.kind != "tagger" or not isinstance(manifest.metrics, dict):
        return {}
    scored, f1, labels = _count(manifest.metrics.get(SCORED_WORDS)), scored_f1(manifest.metrics), \
        held_labels(manifest.metrics)
    f1 = f1 if f1 and set(f1) <= {str(t) for t in manifest.tags} else None
    return {**({"scored_words": scored} if scored is not None else {}), **({"f1_per_word": f1} if f1 else {}),
            **({"held_labels": labels} if labels else {})}


def effect_record(manifest: Manifest) -> dict[str, Any]:
    """What an effect's record keeps besides its scores, for GET /packs (p59 M8: `hatbox box-pack ID --activate` of
    a pack that scored worse than no effect at all said nothing, where `hatbox push --activate` asks):
    ``bypass_esr``, its metrics' ``val_bypass_esr`` (the held-out error of the dry input unchanged, which its
    ``val_esr`` is judged against), None where the pack does not say it (a finite number >= 0 only); {} for other
    kinds."""
    if manifest.kind != "effect":
        return {}
    value = manifest.metrics.get("val_bypass_esr") if isinstance(manifest.metrics, dict) else None
    ok = finite_number(value) and value >= 0
    return {"bypass_esr": float(value) if ok else None}


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
    if path.name != PACK_FILE or path.parent.parent.name != "packs" or not ID_RE.fullmatch(path.parent.name):
        return None
    return path.parent.parent.parent, path.parent.name


@dataclass
class Pointer:
    """The active pack of each slot and the slot's previously active packs (oldest first); ``activated``: who made
    each slot's pack active and when (p45 duo QA), ``{kind: {"id": pid, "by": paired device or "", "at": Unix
    time}}``, a record that counts only while its ``id`` is the slot's pack (:meth:`activation`).  A pointer from
    before the forty-fifth stop has none; an older box reading a newer one ignores it.  ``held``: ``{kind: pid}``,
    the pack a start with --require-signature did not play, its slot emptied for that run (PackStore.hold): the next
    start that may play it makes it active again (p57 QA_B 2: the flag's start forgot which pack was active); it is
    in the slot's history too (prune keeps it, roll back reaches it) and its ``activated`` record stays.  A box from
    before p57 ignores ``held`` and starts that slot silent, as it did; its next pointer write drops it.
    ``emptied``: ``{kind: {"id": pid, "by": paired device or "", "at": Unix time}}``, who emptied the slot of pack
    ``id`` (PackStore.empty_slot) and when, a record that counts only while the slot stays empty (:meth:`emptying`):
    the delete question of the pack says it (p58: "emptied by laptopA 12 s ago").  A pointer from before p58 has
    none; an older box ignores it and its next pointer write drops it."""

    slots: dict[str, str | None] = field(default_factory=lambda: {k: None for k in KINDS})
    history: dict[str, list[str]] = field(default_factory=lambda: {k: [] for k in KINDS})
    activated: dict[str, dict[str, Any]] = field(default_factory=dict)
    held: dict[str, str] = field(default_factory=dict)
    emptied: dict[str, dict[str, Any]] = field(default_factory=dict)

    def to_json(self) -> bytes:
        out: dict[str, Any] = {"slots": self.slots, "history": self.history}
        if self.activated:
            out["activated"] = self.activated
        if self.held:
            out["held"] = self.held
        if self.emptied:
            out["emptied"] = self.emptied
        return json.dumps(out, indent=1, sort_keys=True).encode()

    def activation(self, kind: str) -> dict[str, Any] | None:
        """Who made ``kind``'s active pack active and when (``{"id", "by", "at"}``), None when the pointer does not
        know (nothing active, a pointer from an older box, a slot changed by start-up repair)."""
        rec = self.activated.get(kind)
        pid = self.slots.get(kind)
        return dict(rec) if pid and isinstance(rec, dict) and rec.get("id") == pid else None

    def emptying(self, kind: str) -> dict[str, Any] | None:
        """Who emptied ``kind``'s slot and when, and of which pack (``{"id", "by", "at"}``), None when the slot is
        not empty or the pointer does not know (a pointer from before p58, a slot emptied by a start's hold)."""
        rec = self.emptied.get(kind)
        return dict(rec) if self.slots.get(kind) is None and isinstance(rec, dict) and rec.get("id") else None

    def with_slot(self, before: "Pointer", kind: str) -> "Pointer":
        """This pointer with its ``kind`` slot as in ``before`` (the active pack, its history, who made it active,
        the pack a start with --require-signature held there: R2 review 2, who emptied it: p58); its other slots as
        they are."""
        return replace(self, slots={**self.slots, kind: before.slots.get(kind)},
                       activated=_slot_of(self.activated, before.activated, kind),
                       held=_slot_of(self.held, before.held, kind),
                       emptied=_slot_of(self.emptied, before.emptied, kind),
                       history={**self.history, kind: list(before.history.get(kind, []))})

    @classmethod
    def from_json(cls, data: bytes) -> "Pointer":
        """The pointer in ``data``; ValueError when it is not one (not JSON, or a slot that is not an id or null,
        a history that is not a list of ids)."""
        raw = loads_json(data)
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
        done = raw.get("activated") if isinstance(raw, dict) else None      # optional: never makes it unreadable
        p.activated = {k: v for k, v in done.items() if k in KINDS and isinstance(v, dict)} \
            if isinstance(done, dict) else {}
        held = raw.get("held") if isinstance(raw, dict) else None         # optional too (p57)
        p.held = {k: v for k, v in held.items() if k in KINDS and isinstance(v, str)} if isinstance(held, dict) else {}
        emptied = raw.get("emptied") if isinstance(raw, dict) else None   # optional too (p58)
        p.emptied = {k: v for k, v in emptied.items() if k in KINDS and isinstance(v, dict)} \
            if isinstance(emptied, dict) else {}
        return p


def _slot_of(now: dict[str, Any], before: dict[str, Any], kind: str) -> dict[str, Any]:
    """``now`` (a pointer's per-slot map) with ``kind``'s entry as in ``before`` (none where it had none)."""
    return {**{k: v for k, v in now.items() if k != kind}, **({kind: before[kind]} if kind in before else {})}


@dataclass
class Acting:
    """Who a change to the store is made for (the paired device's name, as the box's log says it; "" for the box
    itself: its panel, its command line), and, once an activation is made, the activation record it replaced
    (``replaced``: ``{"id", "by", "at"}``, ``{"id"}`` alone when the pointer did not know who; None: nothing was
    active).  Set with :func:`acting_as` around the call; the store reads it (:func:`acting`)."""

    by: str = ""
    replaced: dict[str, Any] | None = None


_ACTING: ContextVar[Acting | None] = ContextVar("hatbox_store_acting", default=None)


@contextmanager
def acting_as(by: str) -> Iterator[Acting]:
    """The store's changes made inside (in this thread or task) are paired device ``by``'s: an activation records it
    (:attr:`Pointer.activated`), an install (``installed_by``), a deletion (:attr:`PackStore.deleted`)."""
    token = _ACTING.set(Acting(by))
    try:
        yield _ACTING.get() or Acting(by)
    finally:
        _ACTING.reset(token)


def acting() -> Acting:
    """The :class:`Acting` of :func:`acting_as` around this call; a fresh one (nobody named) outside any."""
    return _ACTING.get() or Acting()


def loads_json(data: bytes) -> Any:
    """``json.loads`` of a store file's bytes, whose every failure is a ValueError (one nested too deeply too, and
    NaN or Infinity, which Python's json takes and no file of the box writes: a time of -Infinity made an answer
    fail, p46 review)."""
    try:
        return json.loads(data, parse_constant=_no_constant)
    except RecursionError:
        raise ValueError("nested too deeply") from None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is no number a store file holds")


def versioned(data: bytes, version: int, field: str, kind: type, what: str) -> dict[str, Any]:
    """The object of a versioned store file's bytes, ``{"version": version, field: <a kind>, ...}``; ValueError
    ("not a version 1 knob file": ``what`` names it) for anything else."""
    raw = loads_json(data)
    if not isinstance(raw, dict) or raw.get("version") != version or not isinstance(raw.get(field), kind):
        raise ValueError(f"not a version {version} {what}")
    return raw


def json_dict(path: Path) -> dict[str, Any]:
    """The JSON object a small note file of the store holds; {} when there is none, it cannot be read or parsed, or
    it holds something else (the notes are best effort: what they say is never needed to play)."""
    try:
        found = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def remove_path(path: Path) -> None:
    """Remove a folder with what it holds, or a file or link (errors ignored: recovery tries again next time)."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        try:
            path.unlink(missing_ok=True)
        except OSError:
            pass


def empty_dir(d: Path) -> int:
    """Remove everything in folder ``d`` (:func:`remove_path`); returns how many entries it held."""
    n = 0
    for x in d.iterdir():
        remove_path(x)
        n += 1
    return n

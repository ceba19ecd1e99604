"""What a clean-up of old pack versions (``POST /packs/prune``, `hatbox box-pack --prune`) deletes, what it keeps and
why, and which roll-back steps ``--history N`` lets go.

A pack is kept when it is active, mapped to a MIDI program (or what a mapping by name plays now), a library's
tagger, one of the ``keep`` newest of its kind and name, or a roll-back step of its slot (device/store.py keeps up
to ``HISTORY_LEN`` per slot).  p44 regression QA: five auditioned versions of one pedal were all roll-back steps, so
nothing could ever go, and the answer did not say which reason kept which pack.  Each kept pack now has one short
reason (:func:`plan`), and ``history`` keeps only that many roll-back steps per slot (:func:`history_beyond`).
"""
from __future__ import annotations

from typing import Any

from device.versions import folded, newness
from export.manifest import KINDS


def steps(history: dict[str, list[str]], installed: set[str]) -> dict[str, int]:
    """Each installed pack in a slot's roll-back ``history`` (oldest first, as active.json keeps it) -> its step: 1
    is what a roll back goes back to first, 2 the one after, ..."""
    out: dict[str, int] = {}
    for kind in KINDS:
        mine = [h for h in history.get(kind, []) if h in installed]
        for n, pid in enumerate(reversed(mine), start=1):
            out.setdefault(pid, n)
    return out


def history_beyond(history: dict[str, list[str]], installed: set[str], keep: int | None) -> dict[str, list[str]]:
    """The roll-back steps past the ``keep`` most recent of each slot (None: none), slot -> ids, newest first."""
    if keep is None:
        return {}
    dropped = {}
    for kind in KINDS:
        mine = [h for h in reversed(history.get(kind, [])) if h in installed]
        if mine[keep:]:
            dropped[kind] = mine[max(0, keep):]
    return dropped


def _newest(metas: list[dict[str, Any]], keep_newest: int) -> set[str]:
    """The ids of the ``keep_newest`` newest packs of each kind and name (device/versions.py ``newness``)."""
    by_name: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for meta in metas:
        by_name.setdefault((str(meta.get("kind")), folded(meta.get("name", ""))), []).append(meta)
    return {str(m["id"]) for group in by_name.values()
            for m in sorted(group, key=newness, reverse=True)[:max(0, keep_newest)]}


def plan(store: Any, others: dict[str, str], keep_newest: int, history: int | None = None
         ) -> tuple[list[dict[str, Any]], list[tuple[dict[str, Any], str]], dict[str, list[str]]]:
    """(the packs of ``store`` a clean-up may delete, by name and newest first; each pack kept with its reason;
    the roll-back steps it lets go, :func:`history_beyond`).  ``others``: id -> the reason the caller keeps it
    ("program 3", "library kit's tagger"); ``history``: keep only that many roll-back steps per slot (None: all).
    The reason is the first that holds of: active, ``others``, newest, "roll back N" (N its step: ``--history N``
    or more keeps it), so a pack said kept by "roll back" is one that only its slot's history keeps."""
    pointer, metas = store.pointer(), store.list()
    installed = {str(m["id"]) for m in metas}
    dropped = history_beyond(pointer.history, installed, history)
    gone = {pid for ids in dropped.values() for pid in ids}
    step = {pid: n for pid, n in steps(pointer.history, installed).items() if pid not in gone}
    active, newest = {pid for pid in pointer.slots.values() if pid}, _newest(metas, keep_newest)
    delete, kept = [], []
    for meta in metas:
        pid = str(meta["id"])
        why = ("active" if pid in active else others.get(pid) or ("newest" if pid in newest else "")
               or (f"roll back {step[pid]}" if pid in step else ""))
        if why:
            kept.append((meta, why))
        else:
            delete.append(meta)
    return delete, kept, dropped

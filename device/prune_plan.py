"""What a clean-up of old pack versions (``POST /packs/prune``, `hatbox box-pack --prune`) deletes, what it keeps and
why, and which roll-back steps ``--history N`` lets go.

A pack is kept when it is active, what a MIDI program plays now (:func:`program_keeps`), a library's tagger, one of
the ``keep`` newest of its kind and name, or a roll-back step of its slot (device/store.py keeps up to
``HISTORY_LEN`` per slot).  p44 regression QA: five auditioned versions of one pedal were all roll-back steps, so
nothing could ever go, and the answer did not say which reason kept which pack.  Each kept pack now has one short
reason (:func:`plan`), and ``history`` keeps only that many roll-back steps per slot (:func:`history_beyond`).
"""
from __future__ import annotations

from typing import Any

from device.midi_programs import Entry, program_words, resolve
from device.versions import folded, newness
from export.manifest import KINDS


def program_keeps(entries: list[Entry], packs: list[dict[str, Any]]) -> dict[str, str]:
    """Pack id -> why a MIDI program keeps it, of the programs ``entries`` and the store's list ``packs``: what each
    program plays now (device/midi_programs.py ``resolve``), nothing else.  A mapping by id keeps its pack ("program
    3"; once it is deleted, the newest of its name that plays instead); a mapping by name keeps only the newest of its
    name by install sequence ("program 0, follows the newest 'drive'").  p45 soak QA: the version a by-name mapping
    was made with was kept too, forever ("program 0" beside 0.1.0 while program 0 played 0.4.0)."""
    kept: dict[str, str] = {}
    for entry in entries:
        plays = resolve(entry, packs)[0]
        if plays is not None:
            kept.setdefault(str(plays["id"]), _program_why(entry, str(plays["id"])))
    return kept


def _program_why(entry: Entry, plays: str) -> str:
    """"program 3" (by id: its own pack), "program 0, follows the newest 'drive'" (by name), "program 3, in place of
    its deleted pack" (by id, its pack gone: the newest of its name plays)."""
    said = program_words(entry.program, entry.channel)
    if entry.follow:
        return f"{said}, follows the newest '{entry.name}'"
    return said if plays == entry.pack else f"{said}, in place of its deleted pack"


def recent(history: dict[str, list[str]], installed: set[str]) -> dict[str, list[str]]:
    """Each slot's roll-back steps: the installed packs of its ``history`` (oldest first, as active.json keeps it),
    newest first, so the pack at index ``n - 1`` is step ``n`` (1: what a roll back goes back to first).  Worked out
    once; :func:`steps` and :func:`history_beyond` read it."""
    return {kind: [h for h in reversed(history.get(kind, [])) if h in installed] for kind in KINDS}


def history_beyond(history: dict[str, list[str]], installed: set[str], keep: int | None) -> dict[str, list[str]]:
    """The roll-back steps past the ``keep`` most recent of each slot (None: none), slot -> ids, newest first."""
    return _beyond(recent(history, installed), keep)


def _steps(slots: dict[str, list[str]]) -> dict[str, int]:
    """Pack -> its step in :func:`recent`'s ``slots`` (a pack in two slots' histories: the first slot's)."""
    out: dict[str, int] = {}
    for mine in slots.values():
        for n, pid in enumerate(mine, start=1):
            out.setdefault(pid, n)
    return out


def _beyond(slots: dict[str, list[str]], keep: int | None) -> dict[str, list[str]]:
    """The steps of :func:`recent`'s ``slots`` past the ``keep`` most recent of each (None: none)."""
    if keep is None:
        return {}
    return {kind: mine[max(0, keep):] for kind, mine in slots.items() if mine[keep:]}


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
    slots = recent(pointer.history, installed)
    dropped = _beyond(slots, history)
    gone = {pid for ids in dropped.values() for pid in ids}
    step = {pid: n for pid, n in _steps(slots).items() if pid not in gone}
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

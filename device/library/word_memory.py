"""What a box library remembers of the words renamed and dropped on it (forty-ninth stop, regression QA "month2"):
a word renamed on the box (`box-library L --rename-word punchy thump`) was undone silently by the next push from a
laptop that still had the old word (its corrections said "punchy" again, and the box took them as the laptop's).

Each library keeps :data:`MEMORY` in its folder, ``{"renamed": {OLD: NEW}, "dropped": [WORD]}``, written by
:func:`remember_change` when a word is renamed or dropped on the box (under the corrections lock of
device.api.library_fixes), and :func:`applied` to the corrections a push brings: a word renamed on the box becomes
its new word, a word dropped on the box goes (a correction left with no word: back to the tagger, as the drop did).
Words compare in any case.  A rename of NEW back to OLD clears the entry; a word that comes into use again (the NEW
of a later rename) is no longer one renamed or dropped.  A library made by `push-library --replace` takes the
memory of the older libraries of its name it replaces (:func:`memory_for`, before they are deleted; the same
laptop's only: another laptop's library of the name is not replaced, nor are its renames taken).
"""
from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

log = logging.getLogger("hatbox.api")
MEMORY = "words_changed.json"       # in the library's folder
Memory = dict[str, Any]             # {"renamed": {old: new}, "dropped": [word]}


def empty() -> Memory:
    """A memory of no word changed."""
    return {"renamed": {}, "dropped": []}


def read_memory(folder: Path) -> Memory | None:
    """Library ``folder``'s :data:`MEMORY` (None: it has none; one that cannot be read is logged, as none)."""
    try:
        found = json.loads((folder / MEMORY).read_bytes())
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        log.warning("library %s: cannot read the words renamed on the box (%s)", folder.name, exc)
        return None
    if not isinstance(found, dict):
        return None
    renamed = found.get("renamed") if isinstance(found.get("renamed"), dict) else {}
    dropped = found.get("dropped") if isinstance(found.get("dropped"), list) else []
    return {"renamed": {str(k): str(v) for k, v in renamed.items()}, "dropped": [str(w) for w in dropped]}


def write_memory(folder: Path, memory: Memory) -> None:
    """Keep ``memory`` as library ``folder``'s :data:`MEMORY`; one that cannot be written is logged (the words were
    changed all the same: only a later push of the old word is not renamed)."""
    from export.atomic import write_atomic
    try:
        write_atomic(folder / MEMORY, json.dumps(memory, sort_keys=True).encode())
    except OSError as exc:
        log.warning("library %s: cannot keep the words renamed on the box (%s)", folder.name, exc)


def changed(memory: Memory, word: str, to: str) -> Memory:
    """``memory`` after ``word`` was renamed to ``to`` ("" dropped) on the box: earlier renames to ``word`` follow
    it (a -> b, then b -> c: a -> c), a rename back (b -> a after a -> b) clears the entry, and ``to`` is a word in
    use again (no longer renamed away or dropped)."""
    key, new = word.casefold(), to.casefold()
    renamed = {k: v for k, v in memory["renamed"].items() if k.casefold() not in (key, new)}
    dropped = [w for w in memory["dropped"] if w.casefold() not in (key, new)]
    for old, now in list(renamed.items()):
        if now.casefold() != key:
            continue
        if not to:
            del renamed[old]
            dropped.append(old)
        else:
            renamed[old] = to
    back = any(k.casefold() == new and v.casefold() == key for k, v in memory["renamed"].items())
    if to and not back:
        renamed[word] = to
    elif not to:
        dropped.append(word)
    return {"renamed": {k: v for k, v in renamed.items() if k != v}, "dropped": sorted(set(dropped))}


def remember_change(folder: Path, word: str, to: str) -> None:
    """``word`` was renamed to ``to`` ("" dropped) in library ``folder``'s corrections on the box: remembered."""
    write_memory(folder, changed(memory_for(folder), word, to))


def applied(memory: Memory, fixes: list[tuple[str, list[str]]]
            ) -> tuple[list[tuple[str, list[str]]], list[dict[str, Any]]]:
    """``fixes`` (path, tags) with ``memory``'s renames and drops made, and what was changed: each ``word`` (as the
    box remembers it), ``to`` (None: dropped) and ``files`` (how many of ``fixes`` said it).  "None of my words"
    ([""]) stays as it is."""
    renamed = {k.casefold(): v for k, v in memory["renamed"].items()}
    spelled = {k.casefold(): k for k in memory["renamed"]} | {w.casefold(): w for w in memory["dropped"]}
    dropped = {w.casefold() for w in memory["dropped"]}
    counts: dict[str, int] = {}
    out = []
    for path, tags in fixes:
        hit = {t.casefold() for t in tags if t} & (set(renamed) | dropped)
        for key in hit:
            counts[key] = counts.get(key, 0) + 1
        now = [renamed.get(t.casefold(), t) for t in tags if t.casefold() not in dropped or not t]
        out.append((path, sorted(set(now)) if hit else tags))
    said = [{"word": spelled[k], "to": renamed.get(k), "files": n} for k, n in sorted(counts.items())]
    return out, said


def memory_for(folder: Path, older: Memory | None = None) -> Memory:
    """Library ``folder``'s memory: its own, or (a library with none yet, as `push-library --replace` makes) that of
    the older libraries of its name on the box, newest last, taken as its own (written) when there is any.
    ``older``: that of the older libraries, looked up already (:func:`older_memory`, outside the corrections lock:
    a scan of the box's library folders); None: looked up here."""
    own = read_memory(folder)
    if own is not None:
        return own
    memory = inherited(folder) if older is None else older
    if memory["renamed"] or memory["dropped"]:
        write_memory(folder, memory)
    return memory


def older_memory(folder: Path) -> Memory | None:
    """What :func:`memory_for` would take from the older libraries of ``folder``'s name (:func:`inherited`), looked
    up before the corrections lock is taken (p50: with 50 libraries that each remember a word, 170 ms of reading
    their records, bench/library_word_memory.py); None when the library has a memory of its own."""
    return None if read_memory(folder) is not None else inherited(folder)


def inherited(folder: Path) -> Memory:
    """The memories of the older libraries of ``folder``'s name (:func:`_older_of_name`), newest last, as one; not
    written."""
    memory = empty()
    for other in _older_of_name(folder):
        found = read_memory(other) or empty()
        memory = {"renamed": {**memory["renamed"], **found["renamed"]},
                  "dropped": sorted(set(memory["dropped"]) | set(found["dropped"]))}
    return memory


def _older_of_name(folder: Path) -> list[Path]:
    """The other library folders beside ``folder`` whose record (library.json) has its name and its uploader's pairing
    (``uploaded_by_token``: `push-library --replace` replaces only the pushing laptop's own libraries; another
    laptop's library of the name keeps its renames to itself), oldest first."""
    remembering = [other for other in (folder.parent.iterdir() if folder.parent.is_dir() else ())
                   if other != folder and not other.name.startswith(".") and (other / MEMORY).is_file()]
    mine = _record(folder) if remembering else {}       # its own record read only when another remembers words
    name, by = mine.get("name"), mine.get("uploaded_by_token")
    if not name:
        return []
    others = []
    for other in remembering:
        record = _record(other)
        if record.get("name") == name and record.get("uploaded_by_token") == by:
            others.append((float(record.get("uploaded") or 0), other))
    return [o for _, o in sorted(others, key=lambda x: (x[0], x[1].name))]


def _record(folder: Path) -> dict[str, Any]:
    """Library ``folder``'s record ({} when it cannot be read)."""
    try:
        found = json.loads((folder / "library.json").read_bytes())
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}

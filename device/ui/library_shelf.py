"""The libraries on the box as the Library page's shelf tells of them (device/ui/data.py ``StoreData.shelf``): a
library's record (library.json, or ``GET /libraries``' entry) and its tags.db's figures as :class:`Shelved`."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable


@dataclass(frozen=True)
class Shelved:
    """A library on the box as the Library page tells of it (``GET /libraries``' record, STORE/libraries/ID/
    library.json, and its tags.db): a library waiting for a tagger or being tagged has no tags to list yet."""

    name: str
    state: str          # "waiting" (sent while no tagger was active), "tagging", "done", "cancelled" (stopped part
                        # way), "failed", or "untagged" (for another reason: ``error`` says it)
    files: int          # the files the box kept of those sent
    done: int = 0       # of them, tagged so far
    unread: int = 0     # files that could not be read: the box refused them when they were sent, or the tagger
                        # could not decode them
    error: str = ""     # why it failed or waits, in the box's words
    skipped: int = 0    # files read fine that hold nothing to tag (silent, too short): not tagged, not unreadable (p46)


def shelved(info: dict[str, Any], db: Path, counts: Callable[[], tuple[int, int]] | None = None) -> Shelved:
    """A library's record (library.json, or ``GET /libraries``' entry) as :class:`Shelved`; its tags.db ``db``, where
    there is one, gives the files tagged so far, those the tagger could not decode and those it found silent or too
    short (``counts()``: the last two, where the caller keeps them; an unreadable database: nothing)."""
    from hatbox.text import NO_TAGGER
    state, error = str(info.get("state") or "failed"), str(info.get("error") or "")
    if state == "untagged" and error == NO_TAGGER:
        state = "waiting"
    progress = info.get("progress") if isinstance(info.get("progress"), dict) else {}
    files, done = _whole(info.get("accepted")), _whole(progress.get("done"))
    unread, skipped = _whole(info.get("rejected")), 0
    if db.is_file():
        from device.library import query
        try:
            failed, skipped = unread_in(db) if counts is None else counts()
            unread += failed
            if state == "tagging":
                done = max(done, query.tagging_run(db)[1])
        except Exception:  # noqa: BLE001 - a database being written or damaged: the record's figures stand
            pass
    return Shelved(str(info.get("name") or info.get("id") or "library"), state, files, min(done, files), unread, error,
                   skipped)


def unread_in(db: Path) -> tuple[int, int]:
    """(files the tagger could not decode, files it found silent or too short) of library database ``db``."""
    from device.library import query
    return len(query.failures(db, "error")), len(query.failures(db, "skipped"))


def record_of(path: Path) -> dict[str, Any] | None:
    """A library.json as the panel needs it: without its file list and last results (kept in memory); None when it
    cannot be read or is not a record."""
    import json
    try:
        info = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    return {k: v for k, v in info.items() if k not in ("files", "results")} if isinstance(info, dict) else None


def _whole(value: Any) -> int:
    """``value`` as a count (0 for anything that is not a whole number: a record from an older box, damaged)."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0

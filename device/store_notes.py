"""Small record files the box keeps on its card beside the store's other state (forty-sixth stop), so that a restart
(a power cut) keeps who did what: who deleted a pack (:data:`device.store_layout.DELETED_FILE`, the store's
``PackStore.deleted``) and who set the kit's or the synth's MIDI channel (:data:`device.store_layout.CHANNELS_BY_FILE`,
device/api/midi_routes.py ``ChannelSetters``).  Before, both were kept in memory only: after a restart a laptop got
the plain "the box has no pack" words.

Each file is ``{"version": 1, "records": [{...}, ...]}``, oldest first, the last ``keep`` records (one per key: a
record for a key already kept replaces it and goes last), written whole or not at all (export.atomic.write_atomic, as
active.json is).  It is read at start; a missing file is no records; a damaged one (cut short, edited by hand, not of
this shape) is no records and one line in the log: the records only name who did what, nothing plays from them, so
they never stop the box.  A write the disk refuses (a full card) is logged and the records stay in memory for this run.
A second reader of the same folder (the panel's store beside the API's) sees another's writes: the file is read again
when it changed (its stat), and each change re-reads it first.
"""
from __future__ import annotations

import json
import logging
import os
import threading
import time
from pathlib import Path
from typing import Any

from device.store_layout import versioned
from export.atomic import write_atomic
from hatbox.errors import file_state

VERSION = 1
HALF_AGE_S = 60.0         # a write's temporary file older than this was cut off by a power cut: removed at start
log = logging.getLogger("hatbox.store")

Records = dict[str, dict[str, Any]]      # key -> record, oldest first


def parse_records(data: bytes, key: str) -> Records:
    """The records of a file's bytes, by their ``key`` field (a text); ValueError when it is not such a file.  A
    record that is no object or has no text ``key`` is left out (one bad record loses only itself)."""
    raw = versioned(data, VERSION, "records", list, "record file")
    return {str(r[key]): r for r in raw["records"] if isinstance(r, dict) and isinstance(r.get(key), str) and r[key]}


def records_bytes(records: Records) -> bytes:
    """What :func:`parse_records` reads back as ``records``."""
    return (json.dumps({"version": VERSION, "records": list(records.values())}, indent=1, sort_keys=True)
            + "\n").encode("utf-8")


class KeptRecords:
    """The last ``keep`` records of one file at ``path`` (see the module's doc), by their field ``key``; ``what``
    names them in the log ("who deleted which pack")."""

    def __init__(self, path: Path, keep: int, what: str, key: str = "id") -> None:
        self.path, self.keep, self.what, self.key = Path(path), keep, what, key
        self._lock = threading.Lock()
        self._records: Records = {}
        self._seen: tuple[int, int, int] | None = None      # the stat of the file as last read or written here
        _remove_halves(self.path)
        self._reload()

    def current(self) -> Records:
        """The records, oldest first (read again when the file changed since it was last read or written here)."""
        with self._lock:
            self._reload()
            return dict(self._records)

    def get(self, key: str) -> dict[str, Any] | None:
        return self.current().get(key)

    def add(self, notes: Records) -> None:
        """Keep ``notes`` (key -> record), newest last, and write the file; never raises for the disk (logged)."""
        if not notes:
            return
        with self._lock:
            self._reload()
            kept = {k: v for k, v in self._records.items() if k not in notes}
            self._records = dict(list({**kept, **notes}.items())[-self.keep:])
            self._write()

    def _reload(self) -> None:
        stamp = file_state(self.path)
        if stamp is None or stamp == self._seen:       # no file (or ours): what is in memory stands
            return
        self._seen = stamp
        try:
            self._records = dict(list(parse_records(self.path.read_bytes(), self.key).items())[-self.keep:])
        except (OSError, ValueError) as exc:
            if not _first_warning(self.path, stamp):
                return
            why = (str(exc).splitlines() or [""])[0][:120] or type(exc).__name__
            log.warning("the box's record of %s (%s) could not be read (%s): it is left out; nothing else is "
                        "changed", self.what, self.path.name, why)

    def _write(self) -> None:
        try:
            write_atomic(self.path, records_bytes(self._records))
        except OSError as exc:
            log.warning("could not keep the record of %s in %s (%s): it is kept until the box stops", self.what,
                        self.path.name, exc)
            return
        self._seen = file_state(self.path)


_WARNED: set[tuple[str, tuple[int, int, int]]] = set()    # (path, stamp) of damaged files said in the log
_WARNED_LOCK = threading.Lock()


def _first_warning(path: Path, stamp: tuple[int, int, int]) -> bool:
    """Whether the damage of ``path`` as it is now (``stamp``) is new to this process: the API's store and the panel's
    read the same file, and it is said once (p46 reg QA: twice per start)."""
    with _WARNED_LOCK:
        key = (str(path), stamp)
        if key in _WARNED:
            return False
        _WARNED.add(key)
        return True


def _remove_halves(path: Path) -> None:
    """Remove what a power cut left of a write of ``path`` (export.atomic's temporary files), those older than
    :data:`HALF_AGE_S` (a write under way in another reader of the folder is not one)."""
    try:
        halves = list(path.parent.glob(f".{path.name}.*"))
    except OSError:
        return
    for half in halves:
        try:
            if time.time() - half.stat().st_mtime > HALF_AGE_S:
                os.unlink(half)
        except OSError:
            pass

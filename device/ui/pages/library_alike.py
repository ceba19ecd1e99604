"""The Library page's "more like this" list on the one scale of alike (device/library/closeness.py): the closeness
0-100 the box's GET /libraries/{id}/similar gives and `hatbox box-library LIB --like` and `hatbox library query
--like` print (p51 QA: the page said Kick-Hardest "94% alike", the raw cosine, where the CLI said 88, and a snare
"51% alike" where the CLI said 0).

The page lists the files most like a sample over every library tagged by the same pack (device/ui/data.py
``similar``); each one's closeness is read against the middle of the sample's *own* library, as the box's route
reads it, so that one pair gets one number on the panel and on the laptop.  Runs on the page's reader (device/ui/
reader.py), never on the panel's thread: it reads the cosine of every file of the libraries searched."""
from __future__ import annotations

import sqlite3
import threading
from collections import OrderedDict
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from device.library.closeness import closeness, middle, middle_in
from device.ui.data import PanelData, Sample
from hatbox.errors import HatboxError

SHOWN = 8           # files a "more like this" list shows (device/ui/data.py's default k)


@dataclass(frozen=True)
class Alike(Sample):
    """A file of a "more like this" list: :class:`Sample` (``score``: its cosine to the sample asked about) with its
    ``closeness`` 0-100 (None: its library has no spread to read against, device.library.closeness.middle)."""

    closeness: int | None = None


def library_key(sample: Sample) -> str:
    """Which library ``sample`` is of, as the page lists it: the first part of its shown path (the box's library
    names, device/ui/data.py ``_library_names``, one per library: a shared name has its id's end added); "" for a
    sample shown by its path (one library: the demo's, a test's)."""
    return sample.shown.split("/", 1)[0] if sample.shown else ""


def own_db(path: str) -> Path | None:
    """The tag database of the box library that holds file ``path``, in the box's layout (device/ui/data.py's:
    ``libraries/<id>/files/<path in the library>``, ``libraries/<id>/tags.db`` beside ``files``); None for a file in
    none (the demo's, a test's)."""
    for up in reversed(Path(path).parents):
        if up.name == "files" and up.parent.parent.name == "libraries":
            db = up.parent / "tags.db"
            return db if db.is_file() else None
    return None


def every_alike(data: PanelData, path: str) -> list[Sample]:
    """Every file ``data`` ranks as like ``path``, closest first (``similar(path, k=None)``: every reader takes ``k``,
    device/ui/data.py's PanelData)."""
    return data.similar(path, k=None)


def alike_samples(data: PanelData, ref: Sample, k: int = SHOWN) -> list[Sample]:
    """The ``k`` files most like ``ref``, closest first, each an :class:`Alike` with its closeness against the middle
    cosine of ``ref``'s own library: read from that library's database where the box holds it (:func:`own_db`: the
    cosines of its files alone, as the box's route reads them, as one array, kept for the next asking while the
    database is unchanged: :func:`middle_kept`; p51: asking ``data`` for every file of 20,000 made a Sample of
    each, 0.5 s), else from every file ``data`` ranks (:func:`library_key` picks its library's)."""
    db = own_db(ref.path)
    if db is not None:
        shown = list(data.similar(ref.path, k=k))[:k]
        return _with_closeness(shown, middle_kept(db, ref.path) if shown else None)
    every = every_alike(data, ref.path)
    own = library_key(ref)
    return _with_closeness(every[:k], middle(s.score for s in every if library_key(s) == own))


KEPT = 64               # middles kept (:func:`middle_kept`): a page's worth of samples asked about, and more
_kept: OrderedDict[tuple[str, str], tuple[tuple[object, ...], float | None]] = OrderedDict()
_kept_lock = threading.Lock()


def middle_kept(db: Path, path: str) -> float | None:
    """:func:`_middle_in` of ``path`` in library database ``db``, kept (the newest :data:`KEPT`) while the database
    is unchanged (the file, its -wal and -shm, its files' last rowid: :func:`_stamp`; a re-tag, a correction since
    reads it again): a sample asked about again costs no read of every file (p51 review)."""
    key, stamp = (str(db), path), _stamp(db)
    with _kept_lock:
        got = _kept.get(key)
        if got is not None and got[0] == stamp:
            _kept.move_to_end(key)
            return got[1]
    mid = _middle_in(db, path)
    if stamp == _stamp(db):             # not changed while it was read
        with _kept_lock:
            _kept[key] = (stamp, mid)
            while len(_kept) > KEPT:
                _kept.popitem(last=False)
    return mid


def _stamp(db: Path) -> tuple[object, ...]:
    """What a commit to library database ``db`` changes (device.library.query.db_state: the identity, size and time of
    the database, its -wal and -shm, read without opening them) and the highest rowid of its files."""
    from device.library.query import db_state
    return (*db_state(db), _last_row(db))


def _last_row(db: Path) -> int:
    """The highest rowid of ``db``'s files (one look-up in its index; -1 where it cannot be read).  Opened as the
    middle's read opens it, not read-only: a read-only connection, the last one, leaves a -wal behind, and the next
    stamp would differ."""
    try:
        con = sqlite3.connect(db.resolve().as_uri() + "?mode=rw", uri=True, timeout=1.0)
        try:
            (last,) = con.execute("SELECT max(rowid) FROM files").fetchone()
        finally:
            con.close()
    except (sqlite3.Error, OSError):
        return -1
    return -1 if last is None else int(last)


def _middle_in(db: Path, path: str) -> float | None:
    """device.library.closeness.middle_in, None where the library cannot say (being replaced, damaged, re-tagged;
    sqlite3.Error too: p51 review, a database that failed a read lost the list of files read)."""
    try:
        return middle_in(db, path)
    except (HatboxError, sqlite3.Error):
        return None


def _with_closeness(samples: list[Sample], mid: float | None) -> list[Sample]:
    """``samples`` as :class:`Alike` rows, each with its closeness against the middle cosine ``mid``."""
    return [Alike(**asdict(s), closeness=closeness(s.score, mid)) for s in samples]


def near_of(sample: Sample) -> int | None:
    """``sample``'s closeness (None: none, or not a file of a "more like this" list)."""
    return getattr(sample, "closeness", None)

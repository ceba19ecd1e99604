"""`hatbox tag` with a new tagger pack on a database another pack tagged (a re-tag): the old tags stay listed until
the new pack has gone through every file, then the new replace them at once (p54 F3; the box does the same with its
own copy, device/api/library_fixes.py).

QA: a laptop re-tag stopped part way (Ctrl-C) left `hatbox library query DB --tag kick` listing only the files tagged
again so far: the listing counts only the rows of the pack that tagged the library last (device.library.db.VIEW).  So
a re-tag writes the new pack's rows (files, tags, its meta) to a database of its own beside the library's,
:func:`stage_path` (``<db>.retag``), while every move, removal and correction is written to the library's database as
on any run; a re-tag stopped part way goes on from the rows there when the same command runs again.  Once a run of
it has gone through every file, :func:`merge` puts them in the library's database in one SQLite transaction (a crash
at any point leaves the old pack's rows or the new's, never a mix) and removes the stage; the producer's own tags
(``user_tags``, ``kept_tags``) are not touched by it.  A stage whose pack is the one that tagged the library is a
leftover of a merge cut off before it was removed (:func:`drop_if_stale`).  First taggings and runs with the
library's own pack write the library's database as before.

p54 review R1: the run's moves are replayed on the stage (:func:`follow`: a file moved over another staged one takes
its row, not the other's); the producer's kept tags given back to a file new or changed during a re-tag wait in the
stage (table ``back_later``) and are given back by :func:`merge`, in its transaction (before, they sat in
``user_tags`` under a path no row stood for, lost to a rename and stuck to the next sound saved there, or by a row
of the file's old bytes, kept again by their hash when it left); a run that could
not reach every file (a folder not opened) merges nothing (``run`` "held"), the stage's rows there kept; a stage
records the identity of its library's database (meta ``retag_id`` in both): one beside another database (the library
deleted to start over) is dropped.
"""
from __future__ import annotations

import sqlite3
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from device.library import db as libdb
from device.library import kept as kept_tags

if TYPE_CHECKING:
    from device.library.tag import LibraryReport

# the meta keys a re-tag's pack sets (device.library.tag._run): in the stage until the merge, then the library's
PACK_KEYS = ("tags", "model", "embed_dim", "pack", "pack_model", "exclusive", "thresholds", "pack_file")
RUN_KEYS = ("run", "run_total")
ID_KEY = "retag_id"     # in the stage and in its library's database alike: which database a stage is of
LATER = "CREATE TABLE IF NOT EXISTS back_later (path TEXT PRIMARY KEY, hash TEXT NOT NULL)"


def stage_path(db_path: str | Path) -> Path:
    """The database a re-tag of library database ``db_path`` writes the new pack's rows to: ``<db>.retag``."""
    db_path = Path(db_path)
    return db_path.with_name(db_path.name + ".retag")


def needs_stage(con: sqlite3.Connection, model_id: str) -> bool:
    """Whether a run with the pack of ``model_id`` on the library database ``con`` is a re-tag: the database
    records another pack and holds files that pack went through (their old tags are what the listings show)."""
    recorded = libdb.get_meta(con, "model")
    if not recorded or recorded == model_id:
        return False
    return con.execute("SELECT 1 FROM files WHERE model = ? LIMIT 1", (recorded,)).fetchone() is not None


def drop_if_stale(con: sqlite3.Connection, db_path: str | Path) -> str:
    """Remove the stage of ``db_path`` (open as ``con``) when its pack is the one the library records (a merge went
    through and was cut off before it removed it), or when it is not of this database (its ``retag_id`` differs:
    the database was deleted, and made again, since).  A stage of another pack (a re-tag stopped, then a run with the
    library's own pack) is kept for the re-tag to go on.  Returns the pack ("name version", or "a new pack") of a
    stage dropped for being of another database, to be said; "" otherwise."""
    stage = stage_path(db_path)
    if not stage.is_file():
        return ""
    meta = _stage_meta(stage)
    if meta.get("model", "") in ("", libdb.get_meta(con, "model")):
        drop(db_path)
        return ""
    if not _same_db(meta, libdb.get_meta(con, ID_KEY)):
        drop(db_path)
        return meta.get("pack") or "a new pack"
    return ""


def _same_db(stage_meta: dict[str, str], library_id: str) -> bool:
    """Whether a stage (its meta) is of the library database whose ``retag_id`` is ``library_id``."""
    return bool(library_id) and stage_meta.get(ID_KEY, "") == library_id


def _stage_meta(stage: Path) -> dict[str, str]:
    """The stage's meta ({} when it cannot be read)."""
    try:
        return _read_meta(stage)
    except sqlite3.Error:
        return {}


def open_stage(con: sqlite3.Connection, db_path: str | Path, model_id: str, pack_file: str) -> sqlite3.Connection:
    """The stage of the library database ``con`` (at ``db_path``), open for a re-tag with the pack of ``model_id``
    (given as the file ``pack_file``, "" for none): a stage of another pack (a re-tag with it was stopped, then
    another pack given) loses its rows first; a new one is marked as this database's (``retag_id``, committed in
    both)."""
    stage = libdb.connect(stage_path(db_path))
    stage.execute(LATER)
    if libdb.get_meta(stage, "model") not in ("", model_id):
        stage.execute("DELETE FROM files")
        stage.execute("DELETE FROM back_later")
    if not libdb.get_meta(stage, ID_KEY):
        mark = uuid.uuid4().hex
        libdb.set_meta(con, **{ID_KEY: mark})
        con.commit()
        libdb.set_meta(stage, **{ID_KEY: mark})
    if pack_file:
        libdb.set_meta(stage, pack_file=pack_file)
    stage.commit()
    return stage


def follow(stage: sqlite3.Connection, rows: list[tuple[str, str]]) -> None:
    """Replay on the stage the moves (src, dst) this run wrote to the library (device.library.moves): a staged row
    goes with its bytes, and a path whose bytes were replaced loses its row (a source with none clears it), as do
    the kept tags waiting for either path (:func:`give_back_later`)."""
    libdb.move_rows(stage, rows)
    stage.executemany(f"DELETE FROM back_later WHERE path = {libdb.TEXT}",
                      [(libdb.stored(rel),) for pair in rows for rel in pair])


def prune(stage: sqlite3.Connection, paths: list[str]) -> None:
    """Drop the stage's rows of files that are not in the library now (``paths``: the files found and those under
    folders that could not be opened; moved or deleted since a stopped re-tag wrote them: a file moved after the
    library's rows were written is tagged again under its new name), and the kept tags waiting for them."""
    present = set(paths)
    gone = [rel for rel in libdb.known_files(stage) if rel not in present]
    gone += [rel for (rel,) in stage.execute("SELECT path FROM back_later") if rel not in present]
    if gone:
        libdb.remove(stage, gone)
        stage.executemany(f"DELETE FROM back_later WHERE path = {libdb.TEXT}", [(libdb.stored(r),) for r in gone])


def give_back_later(stage: sqlite3.Connection, written: list[tuple[str, str]]) -> None:
    """Keep (path, content hash) of rows written to the stage for new bytes (a file new or changed during the re-tag),
    whose kept tags :func:`merge` gives back (device.library.kept.give_back) when their rows join the library's."""
    stage.executemany(f"INSERT OR REPLACE INTO back_later (path, hash) VALUES ({libdb.TEXT}, ?)",
                      [(libdb.stored(rel), digest) for rel, digest in written if digest])


def merge(con: sqlite3.Connection, db_path: str | Path, report: LibraryReport) -> None:
    """The re-tag went through every file: the stage's rows and pack meta replace the old pack's in the library
    database ``con`` (at ``db_path``) in one transaction, with the kept tags waiting in the stage given back
    (``report.tags_back``), then the stage goes.  ``report.retagged`` is set as soon as that transaction is
    committed.  The producer's own tags are not otherwise touched."""
    stage = stage_path(db_path)
    con.commit()
    con.execute("ATTACH DATABASE ? AS s", (str(stage),))
    try:
        with con:                                       # one transaction: committed whole or rolled back
            _swap_rows(con)
            _swap_meta(con)
            back = kept_tags.give_back(con, _waiting(con), {})
        report.retagged, report.tags_back = True, report.tags_back + back
    finally:
        con.execute("DETACH DATABASE s")
    drop(db_path)


def _waiting(con: sqlite3.Connection) -> list[tuple[str, str]]:
    """(path, hash) of the kept tags waiting in the attached stage ``s`` for files whose rows it holds of those same
    bytes (a file changed again since, to bytes the library knew, waits for nothing)."""
    if not con.execute("SELECT 1 FROM s.sqlite_master WHERE name = 'back_later'").fetchone():
        return []
    return [(str(p), str(h)) for p, h in con.execute(
        "SELECT b.path, b.hash FROM s.back_later b JOIN s.files f ON f.path = b.path AND f.hash = b.hash ORDER BY 1")]


def _swap_rows(con: sqlite3.Connection) -> None:
    """In the open transaction: the stage's files and tags rows in the library's, replacing those of their paths."""
    con.execute("DELETE FROM main.tags WHERE path IN (SELECT path FROM s.files)")
    con.execute("DELETE FROM main.files WHERE path IN (SELECT path FROM s.files)")
    con.execute("INSERT INTO main.files SELECT * FROM s.files")
    con.execute("INSERT INTO main.tags SELECT * FROM s.tags")


def _swap_meta(con: sqlite3.Connection) -> None:
    """In the open transaction: the stage's pack and run meta in the library's (a key the stage lacks goes)."""
    keys = PACK_KEYS + RUN_KEYS
    marks = ", ".join("?" * len(keys))
    con.execute(f"DELETE FROM main.meta WHERE key IN ({marks})", keys)
    con.execute(f"INSERT INTO main.meta SELECT key, value FROM s.meta WHERE key IN ({marks})", keys)


def drop(db_path: str | Path) -> None:
    """Remove the stage of ``db_path`` (with its SQLite -wal and -shm files)."""
    libdb.remove_db(stage_path(db_path))


@dataclass(frozen=True)
class Retag:
    """A re-tag of a library part way: ``pack`` ("name version") and ``pack_file`` (the file it was given, "" when
    not recorded) of the new pack, ``old`` the pack whose tags the listings show meanwhile, ``done`` the files it
    went through of the ``total`` its last run found, ``running`` whether a `hatbox tag` is at it now, ``model``
    the new pack's model id, ``held`` whether its last run went through every file it reached but could not reach
    some (under a folder that could not be opened)."""

    pack: str
    pack_file: str
    old: str
    done: int
    total: int
    running: bool
    model: str = ""
    held: bool = False


def retag_of(db_path: str | Path) -> Retag | None:
    """The re-tag of the library database at ``db_path`` part way (read only), None when there is none (or its stage
    cannot be read, is a leftover of a merge or of another database: :func:`drop_if_stale`)."""
    stage = stage_path(db_path)
    if not stage.is_file():
        return None
    try:
        old, new = _read_meta(Path(db_path)), _read_meta(stage)
        done = _count_current(stage)
    except sqlite3.Error:
        return None
    if not new.get("model") or new.get("model") == old.get("model") or not _same_db(new, old.get(ID_KEY, "")):
        return None
    total = new.get("run_total", "")
    return Retag(new.get("pack", ""), new.get("pack_file", ""), old.get("pack", ""), done,
                 int(total) if total.isdigit() else done, _running(db_path, new), new["model"],
                 new.get("run") == "held")


def _running(db_path: str | Path, meta: dict[str, str]) -> bool:
    """Whether a `hatbox tag` holds the lock of ``db_path`` while the stage says its run is on."""
    if meta.get("run") != "running":
        return False
    from export.atomic import lock_held
    return lock_held(libdb.lock_path(db_path))


def _read_meta(path: Path) -> dict[str, str]:
    """Every meta key -> value of the database at ``path``, read only."""
    con = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
    try:
        return {str(k): str(v) for k, v in con.execute("SELECT key, value FROM meta")}
    finally:
        con.close()


def _count_current(stage: Path) -> int:
    """How many files the stage holds of its pack (tagged, failed or skipped: gone through)."""
    con = sqlite3.connect(f"{stage.absolute().as_uri()}?mode=ro", uri=True)
    try:
        return int(con.execute(f"SELECT COUNT(*) FROM files f WHERE {libdb.CURRENT}").fetchone()[0])
    finally:
        con.close()

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
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from device.library import db as libdb

# the meta keys a re-tag's pack sets (device.library.tag._run): in the stage until the merge, then the library's
PACK_KEYS = ("tags", "model", "embed_dim", "pack", "pack_model", "exclusive", "thresholds", "pack_file")
RUN_KEYS = ("run", "run_total")


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


def drop_if_stale(con: sqlite3.Connection, db_path: str | Path) -> None:
    """Remove the stage of ``db_path`` (open as ``con``) when its pack is the one the library records: a merge went
    through and was cut off before it removed it.  A stage of another pack (a re-tag stopped, then a run with the
    library's own pack) is kept for the re-tag to go on."""
    stage = stage_path(db_path)
    if stage.is_file() and _stage_model(stage) in ("", libdb.get_meta(con, "model")):
        drop(db_path)


def _stage_model(stage: Path) -> str:
    """The model id the stage records ("" when it records none or cannot be read)."""
    try:
        con = sqlite3.connect(f"{stage.absolute().as_uri()}?mode=ro", uri=True)
        try:
            return libdb.get_meta(con, "model")
        finally:
            con.close()
    except sqlite3.Error:
        return ""


def open_stage(db_path: str | Path, model_id: str) -> sqlite3.Connection:
    """The stage of ``db_path``, open for a re-tag with the pack of ``model_id``: a stage of another pack (a re-tag
    with it was stopped, then another pack given) loses its rows first."""
    con = libdb.connect(stage_path(db_path))
    if libdb.get_meta(con, "model") not in ("", model_id):
        con.execute("DELETE FROM files")
        con.commit()
    return con


def prune(stage: sqlite3.Connection, paths: list[str]) -> None:
    """Drop the stage's rows of files that are not in the library now (``paths``: moved or deleted since a stopped
    re-tag wrote them; a moved file is tagged again under its new name)."""
    present = set(paths)
    gone = [rel for rel in libdb.known_files(stage) if rel not in present]
    if gone:
        libdb.remove(stage, gone)


def merge(con: sqlite3.Connection, db_path: str | Path) -> None:
    """The re-tag went through every file: the stage's rows and pack meta replace the old pack's in the library
    database ``con`` (at ``db_path``) in one transaction, then the stage goes.  Rows of files the re-tag did not
    write (under a folder that could not be opened) stay as they were, under the old pack, as after any pack change.
    The producer's own tags are not touched."""
    stage = stage_path(db_path)
    con.commit()
    con.execute("ATTACH DATABASE ? AS s", (str(stage),))
    try:
        with con:                                       # one transaction: committed whole or rolled back
            _swap_rows(con)
            _swap_meta(con)
    finally:
        con.execute("DETACH DATABASE s")
    drop(db_path)


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
    stage = stage_path(db_path)
    for suffix in ("-wal", "-shm", ""):
        stage.with_name(stage.name + suffix).unlink(missing_ok=True)


@dataclass(frozen=True)
class Retag:
    """A re-tag of a library part way: ``pack`` ("name version") and ``pack_file`` (the file it was given, "" when
    not recorded) of the new pack, ``old`` the pack whose tags the listings show meanwhile, ``done`` the files it
    went through of the ``total`` its last run found, ``running`` whether a `hatbox tag` is at it now."""

    pack: str
    pack_file: str
    old: str
    done: int
    total: int
    running: bool


def retag_of(db_path: str | Path) -> Retag | None:
    """The re-tag of the library database at ``db_path`` part way (read only), None when there is none (or its stage
    cannot be read, or is a leftover of a merge: :func:`drop_if_stale`)."""
    stage = stage_path(db_path)
    if not stage.is_file():
        return None
    try:
        old, new = _read_meta(Path(db_path)), _read_meta(stage)
        done = _count_current(stage)
    except sqlite3.Error:
        return None
    if not new.get("model") or new.get("model") == old.get("model"):
        return None
    total = new.get("run_total", "")
    return Retag(new.get("pack", ""), new.get("pack_file", ""), old.get("pack", ""), done,
                 int(total) if total.isdigit() else done, _running(db_path, new))


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

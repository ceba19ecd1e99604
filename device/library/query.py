"""Queries on a library database: tags and their counts, files by tag, similar files (cosine);
and the producer's corrections (``set_tags``: a file's tags in their own words, kept across
re-tagging, listed before the tagger's guesses; ``export_csv``: them as training data).
The corrections live in device.library.fixes, the tagger's doubts (``unsure``) in device.library.review, the
opening of a database in device.library.open_db; their names are this module's too, as before.

Every function opens its own connection, so the API can call them from any thread while a
tagging run writes (SQLite WAL).  Paths come back absolute (library root + stored relative path).
"""
from __future__ import annotations

import os
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from device.library import db as libdb
# read here by device.library's own names (its __init__), device/ui/data.py, device/api/ and hatbox's library commands
# (other helpers' files): the rest of what moved out is imported from its own module
from device.library.fixes import (DiskFull, NotInLibrary, corrections, export_csv, file_status,  # noqa: F401
                                  set_tags, spelled_as_known, unwritable, utf8_name)
from device.library.open_db import _open, _relative, known_tags
from device.library.review import Unsure, is_exclusive, unsure  # noqa: F401
from hatbox.errors import HatboxError

_known_tags = known_tags      # the old private name: device/api/library_fixes.py (helper F3) imports it


@dataclass(frozen=True)
class Hit:
    path: Path
    score: float             # tag probability (1.0 for a correction), or cosine similarity for similarity searches
    corrected: bool = False  # the tag is the producer's own (set_tags), not the tagger's


def root_of(db_path: str | Path) -> Path:
    """The library folder the database stands for (:func:`library_root`); it may be gone (moved, a drive out)."""
    con, root = _open(db_path)
    con.close()
    return root


def tagging_run(db_path: str | Path) -> tuple[str, int, int]:
    """(state, files tagged, files found) of the last `hatbox tag` into the database: state "done", "running" or
    "stopped" (device.library.db.tagging_state); the files the current pack tagged (or found failed or empty) of the
    files that run found in the library folder."""
    con, _ = _open(db_path)
    try:
        state = libdb.tagging_state(con, db_path)
        done = con.execute(f"SELECT COUNT(*) FROM files f WHERE {libdb.CURRENT}").fetchone()[0]
        total = libdb.get_meta(con, "run_total", "")
    finally:
        con.close()
    return state, int(done), int(total) if total.isdigit() else int(done)


@dataclass(frozen=True)
class RunCounts:
    """What a library database holds of its last `hatbox tag`'s pack (meta ``model``), counted as `hatbox tag` says
    it (p53 QA: a stopped run said "121 files tagged and saved", `library query` "stopped part-way, at 122"):
    ``tagged`` the files it tagged (status ok: its "tagged and saved"), ``untagged`` those it went through without a
    tag (failed to decode, skipped: silent or empty; `library query --failed` lists them), ``older`` the files whose
    tags another pack gave (a re-tag with a new pack stopped before it reached them: the listings leave those tags
    out, two packs' words are not mixed in one listing, device.library.db ``effective_tags``)."""

    tagged: int
    untagged: int
    older: int


def run_counts(db_path: str | Path) -> RunCounts:
    """:class:`RunCounts` of the database at ``db_path`` (HatboxError when it cannot be read as one)."""
    con, _ = _open(db_path)
    try:
        row = con.execute(f"SELECT SUM(f.status = 'ok' AND ({libdb.CURRENT})), SUM(f.status <> 'ok' AND "
                          f"({libdb.CURRENT})), SUM(f.status = 'ok' AND NOT ({libdb.CURRENT})) FROM files f").fetchone()
    finally:
        con.close()
    return RunCounts(*(int(n or 0) for n in row))


def list_tags(db_path: str | Path) -> dict[str, int]:
    """tag -> number of files carrying it: the tagger's hits (score over the tag's threshold) of files
    without corrections, plus the corrections; every tag of the pack is listed, even with no file (the
    box's panel offers these tags when a file is retagged, so a tag no file carries yet must be there)."""
    con, _ = _open(db_path)
    with con:
        counts = dict(con.execute("SELECT tag, COUNT(*) FROM effective_tags GROUP BY tag").fetchall())
        known = known_tags(con)
    con.close()
    return {t: int(counts.get(t, 0)) for t in sorted(set(known) | set(counts))}


def files_with_tag(db_path: str | Path, tag: str, limit: int | None = None) -> list[Hit]:
    """Files tagged ``tag`` (or the library's tag it differs from only in case or Unicode form): the producer's
    corrections first, then the tagger's, most confident first."""
    con, root = _open(db_path)
    known = known_tags(con)
    if tag not in known:                        # "Pad" for pad, an accent written the other way: the library's spelling
        tag = spelled_as_known([tag], known)[0]
    if tag not in known:
        con.close()
        raise HatboxError(f"tag '{tag}' is not one of this library's tags ({', '.join(known)})")
    rows = con.execute("SELECT path, score, corrected FROM effective_tags WHERE tag = ? "
                       "ORDER BY corrected DESC, score DESC, path LIMIT ?",
                       (tag, -1 if limit is None else int(limit))).fetchall()
    con.close()
    return [Hit(root / p, float(s), bool(c)) for p, s, c in rows]


def tags_of(db_path: str | Path, path: str | Path) -> dict[str, float]:
    """Every tag's score for one library file (absolute, or relative to the library root)."""
    con, root = _open(db_path)
    rel = _relative(root, Path(path))
    rows = con.execute(f"SELECT tag, score FROM tags WHERE path = {libdb.TEXT} ORDER BY score DESC",
                       (libdb.stored(rel),)).fetchall()
    con.close()
    return {t: float(s) for t, s in rows}


def current_tags(db_path: str | Path, path: str | Path) -> list[str]:
    """One library file's tags as every listing shows them (the producer's when corrected, else the
    tagger's hits), alphabetical; [] for a file the database does not hold."""
    return current_tags_of(db_path, [path])[path]


def current_tags_of(db_path: str | Path, paths: Iterable[str | Path]) -> dict[str | Path, list[str]]:
    """Each of ``paths`` -> its tags as :func:`current_tags` gives them, read through one connection (the box's
    kit listing: device/api/kit_tags.py).  HatboxError or sqlite3.Error when the database cannot be read."""
    con, root = _open(db_path)
    try:
        return {path: _tags_now(con, _relative(root, Path(path))) for path in paths}
    finally:
        con.close()


def _tags_now(con: sqlite3.Connection, rel: str) -> list[str]:
    rows = con.execute(f"SELECT DISTINCT tag FROM effective_tags WHERE path = {libdb.TEXT} ORDER BY tag",
                       (libdb.stored(rel),)).fetchall()
    return [t for (t,) in rows]


def corrected_tags(db_path: str | Path, path: str | Path) -> list[str]:
    """The producer's own tags for one file ([] when the tagger's stand)."""
    con, root = _open(db_path)
    try:
        return libdb.user_tags_of(con, _relative(root, Path(path)))
    finally:
        con.close()


def failures(db_path: str | Path, status: str | None = None) -> list[tuple[Path, str]]:
    """(file, reason) of every file that could not be tagged: it did not decode (``status`` "error"),
    or holds nothing to tag (``status`` "skipped": silent, too short, empty); both when ``status`` is None.
    ``status`` "folder": (folder, reason) of the folders the last `hatbox tag` could not open (no permission, a
    drive not plugged in), whose files kept the rows they had (meta ``unopened``; none in older databases)."""
    if status not in (None, "error", "skipped", "folder"):
        raise ValueError(f"status {status!r} is not 'error', 'skipped' or 'folder'")
    con, root = _open(db_path)
    try:
        if status == "folder":
            return [(root / rel, why) for rel, why in _unopened(libdb.get_meta(con, "unopened"))]
        rows = con.execute("SELECT path, error FROM files WHERE status IN (?, ?) ORDER BY path",
                           (status or "error", status or "skipped")).fetchall()
    finally:
        con.close()
    return [(root / p, e) for p, e in rows]


def _unopened(text: str) -> list[tuple[str, str]]:
    """The (folder, reason) pairs device.library.tag records as meta ``unopened`` (JSON), [] for none or garbage."""
    import json
    try:
        pairs = json.loads(text) if text else []
    except ValueError:
        return []
    return [(str(p[0]), str(p[1])) for p in pairs if isinstance(p, list) and len(p) == 2] \
        if isinstance(pairs, list) else []


# the files the tagger heard but gave no tag, nor the producer: :func:`untagged`, :func:`untagged_count`
_UNTAGGED = f"f.status = 'ok' AND ({libdb.CURRENT}) AND f.path NOT IN (SELECT path FROM effective_tags) " \
            "AND f.path NOT IN (SELECT path FROM user_tags)"        # p49: "none of my words" is a correction


def untagged(db_path: str | Path) -> list[tuple[Path, str, float]]:
    """(file, the tagger's best guess, its score) of every file the tagger heard but gave no tag: a tagger of several
    tags per file gives each tag over its threshold, and may be sure of none (an exclusive one always gives its top
    tag); nor has the producer tagged it.  Such a file is under no tag of a listing or ``--links`` folder."""
    con, root = _open(db_path)
    best = "(SELECT t.{} FROM tags t WHERE t.path = f.path ORDER BY t.score DESC, t.tag LIMIT 1)"
    rows = con.execute(f"SELECT f.path, {best.format('tag')}, {best.format('score')} FROM files f "
                       f"WHERE {_UNTAGGED} ORDER BY f.path").fetchall()
    con.close()
    return [(root / p, str(t or ""), float(s or 0.0)) for p, t, s in rows]


def none_untagged(db_path: str | Path) -> list[tuple[Path, str, float]]:
    """(file, the tagger's best guess, its score; "" and 0.0 for none) of every file the producer corrected to none
    of the words (device.library.fixes.set_none): under no tag, and not in :func:`untagged` (a correction), listed
    apart by the box's --untagged as the laptop's `library query --untagged` does (p49)."""
    con, root = _open(db_path)
    best = "(SELECT t.{} FROM tags t WHERE t.path = u.path ORDER BY t.score DESC, t.tag LIMIT 1)"
    rows = con.execute(f"SELECT u.path, {best.format('tag')}, {best.format('score')} FROM user_tags u "
                       "WHERE u.tag = '' ORDER BY u.path").fetchall()
    con.close()
    return [(root / p, str(t or ""), float(s or 0.0)) for p, t, s in rows]


def untagged_count(db_path: str | Path) -> int:
    """How many files :func:`untagged` lists, counted in the database (the panel's tag list, the notes after `hatbox
    tag` and `library query` want the number only, not each file's best guess)."""
    con, _root = _open(db_path)
    (n,) = con.execute(f"SELECT COUNT(*) FROM files f WHERE {_UNTAGGED}").fetchone()
    con.close()
    return int(n)


def similar_to_vector(db_path: str | Path, vector: np.ndarray, k: int | None = 10,
                      exclude: str | None = None) -> list[Hit]:
    """The ``k`` files (None: every one) whose embeddings are closest (cosine) to ``vector`` [E], closest first; files
    as alike by their path (one order at every call: the box's pages of a listing follow on, p47).  For a ``k``,
    only the paths of the first k + 1 are read (p51 review: decoding every path of 20,000 was half the read), in the
    same snapshot as the embeddings (p51 MF3: a re-tag between the reads, a new rowid, dropped its file)."""
    con, root = _open(db_path)
    try:
        _snapshot(con)
        return _ranked(con, root, vector, k, exclude).hits
    finally:
        con.close()


@dataclass
class _Ranking:
    """What :func:`_ranked` read: the ``hits``, and the cosine [F] of every row ranked (``sims``, in path order) with
    each row's rowid (``ids``, for a ``k``) or its path (``rels``, for every file)."""

    hits: list[Hit]
    sims: np.ndarray
    ids: list[int]
    rels: Sequence[str | None]


def _ranked(con: sqlite3.Connection, root: Path, vector: np.ndarray, k: int | None,
            exclude: str | None) -> _Ranking:
    """:func:`similar_to_vector`'s read, through ``con`` (in a snapshot: :func:`_snapshot`) of the library at
    ``root``."""
    rels: Sequence[str | None]
    if k is None:
        rels, mat = _embeddings(con)
        ids: list[int] = []
    else:
        ids, mat = _embeddings_by_id(con)
    if not len(mat):
        return _Ranking([], np.zeros(0, np.float32), [], [])
    sims = _cosines(mat, vector)
    ranked = np.argsort(-sims, kind="stable")       # rows in path order: as alike, by path
    if k is not None:
        ranked = ranked[:max(int(k), 0) + 1]        # one more: ``exclude`` may be among them
        rels = _paths_of(con, {ids[i]: int(i) for i in ranked}, len(ids))
    order = [i for i in ranked if rels[i] is not None and rels[i] != exclude][:k]
    return _Ranking([Hit(root / str(rels[i]), float(sims[i])) for i in order], sims, ids, rels)


def similar_and_pack(db_path: str | Path, path: str | Path, k: int | None = 10) -> tuple[list[Hit], np.ndarray, str]:
    """(:func:`similar`'s hits for the library's file ``path``, its embedding [E], the library's pack id: meta
    ``model``) through one connection and one read of the embeddings, which also gives :func:`cosines_to` of
    ``path`` (kept for it while the database is unchanged, :func:`db_state`: the panel's first "more like this"
    asks for both and read every embedding twice, p52).  NotInLibrary or HatboxError as :func:`embedding_of`."""
    before = db_state(db_path)
    con, root = _open(db_path)
    try:
        _snapshot(con)
        vector, rel, pack = _embedding_in(con, root, path)
        got = _ranked(con, root, vector, k, rel)
        others, last = _others(con, got, rel), _last_row(con)
    finally:
        con.close()
    if before == db_state(db_path):                     # not changed while it was read
        _keep_cosines(db_path, rel, (*before, last), others)
    return got.hits, vector, pack


def _others(con: sqlite3.Connection, got: _Ranking, rel: str) -> np.ndarray:
    """The cosines of :class:`_Ranking` ``got`` less the row of the file ``rel`` they were taken to: every other
    file's, in path order (:func:`cosines_to`'s array)."""
    if not got.ids:
        return got.sims[np.array([r != rel for r in got.rels], bool)] if len(got.sims) else got.sims
    row = con.execute(f"SELECT rowid FROM files WHERE path = {libdb.TEXT}", (libdb.stored(rel),)).fetchone()
    return got.sims[np.array(got.ids) != (row[0] if row else -1)]


KEPT_COSINES = 8        # arrays of :func:`cosines_to` kept (:func:`similar_and_pack`): one per library asked about
_cosines_kept: dict[str, tuple[str, tuple[object, ...], np.ndarray]] = {}
_cosines_lock = threading.Lock()


def _keep_cosines(db_path: str | Path, rel: str, state: tuple[object, ...], cosines: np.ndarray) -> None:
    """Keep ``cosines`` (:func:`cosines_to` of ``rel``) for library ``db_path`` as it was in ``state`` (its
    :func:`db_state` and the files' :func:`_last_row`), for the next :func:`cosines_to` of ``rel`` alone.  Keyed on
    the resolved path: a store given through a link, or as a relative path, is the same library (p52 R1)."""
    key = os.path.realpath(db_path)
    with _cosines_lock:
        _cosines_kept.pop(key, None)
        _cosines_kept[key] = (rel, state, cosines)
        while len(_cosines_kept) > KEPT_COSINES:
            _cosines_kept.pop(next(iter(_cosines_kept)))


def _kept_cosines(db_path: str | Path, rel: str, state: tuple[object, ...]) -> np.ndarray | None:
    """The cosines :func:`_keep_cosines` kept of ``rel`` in library ``db_path`` (taken: given once), None unless the
    database was as it was then in ``state`` (:func:`db_state`, taken before the asker opened it, and the files'
    :func:`_last_row`)."""
    key = os.path.realpath(db_path)
    with _cosines_lock:
        got = _cosines_kept.get(key)
        if got is None or got[0] != rel or got[1] != state:
            return None
        del _cosines_kept[key]
    return got[2]


def _last_row(con: sqlite3.Connection) -> int:
    """The highest rowid of the files (a file added since; a re-tag of the last row reuses its rowid: the change is
    seen by :func:`db_state`'s file times)."""
    (last,) = con.execute("SELECT max(rowid) FROM files").fetchone()
    return -1 if last is None else int(last)


def db_state(db_path: str | Path) -> tuple[object, ...]:
    """What a commit to library database ``db_path`` changes, read from the file system only: the identity, size and
    time (ns) of the database, its ``-wal`` and its ``-shm``.

    Never ``open()`` these files: closing any descriptor of a file drops every POSIX lock this process holds on it,
    SQLite's own included (p52 final read FR4: a "more like this" read the -shm's header beside an API correction
    holding the write lock, a tagging child then wrote too and the database came out malformed).  The price: a
    commit into a reused -wal within one tick of a coarse file clock can look unchanged (p52 R1), which costs at most
    a kept array of cosines one commit old, used once, milliseconds after it was read."""
    got: list[object] = []
    for f in (Path(db_path), Path(f"{db_path}-wal"), Path(f"{db_path}-shm")):
        try:
            st = os.stat(f)
            got += [st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns]
        except OSError:
            got.append(None)
    return tuple(got)


def _snapshot(con: sqlite3.Connection) -> None:
    """Begin a read transaction on ``con``: its reads until it closes see one state of the database (WAL: a tagging
    run commits beside it unhindered)."""
    if not con.in_transaction:
        con.execute("BEGIN")


def _paths_of(con: sqlite3.Connection, rows: dict[int, int], n: int) -> list[str | None]:
    """[n] the path of each files row of ``rows`` (its rowid -> its index among :func:`_embeddings_by_id`'s rows) at
    that index, None at every other (and for a row deleted since)."""
    found: list[str | None] = [None] * n
    marks = ",".join("?" * len(rows))
    for rowid, path in con.execute(f"SELECT rowid, path FROM files WHERE rowid IN ({marks})", list(rows)).fetchall():
        found[rows[rowid]] = path
    return found


def _cosines(mat: np.ndarray, vector: np.ndarray) -> np.ndarray:
    """The cosine [F] (float32) of each row of ``mat`` [F, E] (rows of length 1: :func:`_embeddings`) to
    ``vector`` [E]."""
    q = np.asarray(vector, np.float32)
    return mat @ (q / (np.linalg.norm(q) + 1e-9))


def similar(db_path: str | Path, path: str | Path, k: int | None = 10) -> list[Hit]:
    """"More like this" for a file already in the library (``k`` None: every other file, closest first)."""
    vector, rel, _ = embedding_of(db_path, path)
    return similar_to_vector(db_path, vector, k, exclude=rel)


def cosines_to(db_path: str | Path, path: str | Path) -> np.ndarray:
    """The cosine [F - 1] (float32, in path order) of every other file :func:`similar` ranks to the library's file
    ``path``, each the very number :func:`similar` gives it (the same rows, in the same order, through one
    product): the numbers alone, read through one connection, with no path read and no :class:`Hit` made (p51
    review: the panel's middle of 20,000 files built a Hit of each, 0.36 s).  NotInLibrary or HatboxError as
    :func:`embedding_of` gives."""
    state = db_state(db_path)                   # before this connection's own -wal
    con, root = _open(db_path)
    try:
        vector, rel, _ = _embedding_in(con, root, path)
        kept = _kept_cosines(db_path, rel, (*state, _last_row(con)))
        if kept is not None:
            return kept
        rows = con.execute(f"SELECT f.path = {libdb.TEXT}, f.embedding FROM files f WHERE f.status = 'ok' "
                           f"AND ({libdb.CURRENT}) ORDER BY path", (libdb.stored(rel),)).fetchall()
    finally:
        con.close()
    if not rows:
        return np.zeros(0, np.float32)
    sims = _cosines(_rows_of([b for _, b in rows]), vector)
    return sims[np.array([not me for me, _ in rows], bool)]


def embedding_of(db_path: str | Path, path: str | Path) -> tuple[np.ndarray, str, str]:
    """(embedding [E], its path in the library, the library's pack id: meta ``model``) of a file the library holds;
    NotInLibrary, or HatboxError for a file that was not tagged or was tagged by an earlier pack."""
    con, root = _open(db_path)
    try:
        return _embedding_in(con, root, path)
    finally:
        con.close()


def _embedding_in(con: sqlite3.Connection, root: Path, path: str | Path) -> tuple[np.ndarray, str, str]:
    """:func:`embedding_of` through the open connection ``con`` of the library at ``root``."""
    rel = _relative(root, Path(path))
    row = con.execute(f"SELECT status, error, model, embedding FROM files WHERE path = {libdb.TEXT}",
                      (libdb.stored(rel),)).fetchone()
    model = libdb.get_meta(con, "model")
    if row is None:
        raise NotInLibrary(f"{path} is not a file of this library")
    status, error, row_model, blob = row
    if status != "ok":
        raise HatboxError(f"{path} could not be tagged: {error}; so there is nothing to compare it by")
    if model and row_model != model:
        raise HatboxError(f"{path} was tagged by an earlier pack than the rest of the library",
                          hint="finish re-tagging it: hatbox tag LIBRARY --pack PACK")
    return libdb.embedding(blob), rel, str(model or "")


def pack_of(db_path: str | Path) -> str:
    """The id of the pack that tagged the library last (meta ``model``; "" for none): embeddings of two libraries
    can be compared only when it is the same."""
    con, _ = _open(db_path)
    try:
        return libdb.get_meta(con, "model")
    finally:
        con.close()


def pack_name(db_path: str | Path) -> str:
    """"name version" of the pack that tagged the library last ("" when the database does not say: tagged before the
    forty-ninth stop, or by a hatbox that did not record it: its ``pack_model`` is not the ``model`` now)."""
    con, _ = _open(db_path)
    try:
        same = libdb.get_meta(con, "pack_model") == libdb.get_meta(con, "model")
        return libdb.get_meta(con, "pack") if same else ""
    finally:
        con.close()


def similar_to_file(db_path: str | Path, path: str | Path, pack: str | Path, k: int | None = 10) -> list[Hit]:
    """"More like this" for any audio file: embed it with the library's pack (HatboxError for another
    pack: its embeddings mean something else), then search."""
    from device.library.runner import PackTagger
    con, _ = _open(db_path)
    model = libdb.get_meta(con, "model")
    con.close()
    tagger = PackTagger(pack)
    if model and model not in (tagger.model_id, tagger.weights_id):   # weights_id: a database tagged before p20
        raise HatboxError(f"{pack} is not the pack that tagged this library: its similarities would mean nothing",
                          hint="pass the pack you ran hatbox tag with")
    path = Path(path)
    if not path.is_file():
        from device.audio.audiofile import not_a_file
        raise HatboxError(not_a_file(path))
    return similar_to_vector(db_path, tagger.embed_file(path), k)


def _embeddings(con: sqlite3.Connection) -> tuple[list[str], np.ndarray]:
    """Relative paths and row-normalised embeddings [F, E] (10,000 x 64 floats is 2.5 MB), in path order."""
    rows = con.execute(f"SELECT path, embedding FROM files f WHERE status = 'ok' AND ({libdb.CURRENT}) "
                       "ORDER BY path").fetchall()
    if not rows:
        return [], np.zeros((0, 0), np.float32)
    return [p for p, _ in rows], _rows_of([b for _, b in rows])


def _embeddings_by_id(con: sqlite3.Connection) -> tuple[list[int], np.ndarray]:
    """:func:`_embeddings` with each row's rowid for its path (no path read: :func:`_paths_of` reads those wanted)."""
    rows = con.execute(f"SELECT f.rowid, f.embedding FROM files f WHERE status = 'ok' AND ({libdb.CURRENT}) "
                       "ORDER BY path").fetchall()
    if not rows:
        return [], np.zeros((0, 0), np.float32)
    return [r for r, _ in rows], _rows_of([b for _, b in rows])


def _rows_of(blobs: list[bytes]) -> np.ndarray:
    """The embeddings ``blobs`` as rows of length 1 [F, E] (device.library.db.embeddings: one array where every row
    is as long)."""
    mat = libdb.embeddings(blobs)
    return mat / (np.linalg.norm(mat, axis=1, keepdims=True) + 1e-9)

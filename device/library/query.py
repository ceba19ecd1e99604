"""Queries on a library database: tags and their counts, files by tag, similar files (cosine);
and the producer's corrections (``set_tags``: a file's tags in their own words, kept across
re-tagging, listed before the tagger's guesses; ``export_csv``: them as training data).

Every function opens its own connection, so the API can call them from any thread while a
tagging run writes (SQLite WAL).  Paths come back absolute (library root + stored relative path).
"""
from __future__ import annotations

import os
import shlex
import sqlite3
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Callable

import numpy as np

from device.library import db as libdb
from device.library.paths import on_disk
from export.manifest import TAG_RULE, normal_tag, tag_problem
from hatbox.errors import HatboxError


class NotInLibrary(HatboxError):
    """The file asked about is not one the library database holds."""


class DiskFull(HatboxError):
    """The disk a library database is on is full: the correction was not written (the box says it in its words)."""


# Read on the laptop (hatbox library fix) and through the box's API (hatbox box-library --fix): it names what
# both have, and the way to add a file to each.
NOT_IN_LIBRARY_HINT = ("give its path inside the library, as its --tag and --unsure listings show it; a file added "
                       "since the library was tagged is not in it yet: tag the folder again (hatbox tag), or, for a "
                       "library on a box, send the folder again (hatbox push-library FOLDER: a new library, which "
                       "hatbox box-library lists; fix the file there)")


@dataclass(frozen=True)
class Hit:
    path: Path
    score: float             # tag probability (1.0 for a correction), or cosine similarity for similarity searches
    corrected: bool = False  # the tag is the producer's own (set_tags), not the tagger's




def _open(db_path: str | Path) -> tuple[sqlite3.Connection, Path]:
    if Path(db_path).is_dir():
        raise HatboxError(f"{db_path} is a folder that holds no library database (the .hatbox-tags.sqlite that "
                          "hatbox tag writes in a library folder without --out)",
                          hint="give the database hatbox tag wrote (its --out), or tag the folder first: hatbox tag "
                               "LIBRARY --pack TAGGER.hatpack")
    if not Path(db_path).is_file():
        raise HatboxError(f"no library database at {db_path}", hint="tag a library first: hatbox tag LIBRARY")
    try:
        con = libdb.connect(db_path)
    except libdb.CannotWrite:                   # a read-only drive or folder, a backup: listed as it stands
        con = libdb.connect_readonly(db_path)
    some = lambda: [p for (p,) in con.execute("SELECT path FROM files LIMIT 20")]  # noqa: E731 - asked when moved
    return con, library_root(db_path, libdb.get_meta(con, "root", "."), libdb.get_meta(con, "inside"), some)


def library_root(db_path: str | Path, recorded: str, inside: str = "",
                 some: Callable[[], list[str]] = list) -> Path:
    """The library folder the database ``db_path`` stands for: the folder it was tagged from (``recorded``), except
    that a database kept inside its library (``inside`` "1": meta written by device.library.tag; "" in databases
    written before it, where the name :data:`device.library.db.IN_LIBRARY`, what `hatbox tag` writes without --out,
    says so) stands for the folder it is in when that folder holds the library's files (any of ``some()``, paths the
    database lists) or the recorded folder is gone: a library copied or moved with its database lists and takes
    corrections for its files where they are now; a copy of the database alone (a backup) still stands for the
    library it was made from."""
    db_path = Path(db_path)
    here, there = db_path.parent.resolve(), Path(recorded)
    kept_inside = inside == "1" or (inside == "" and db_path.name == libdb.IN_LIBRARY)
    if kept_inside and here != there.resolve():
        if not there.is_dir() or any((here / p).exists() for p in some() if isinstance(p, str)):
            return here
    return there


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


def list_tags(db_path: str | Path) -> dict[str, int]:
    """tag -> number of files carrying it: the tagger's hits (score over the tag's threshold) of files
    without corrections, plus the corrections; every tag of the pack is listed, even with no file (the
    box's panel offers these tags when a file is retagged, so a tag no file carries yet must be there)."""
    con, _ = _open(db_path)
    with con:
        counts = dict(con.execute("SELECT tag, COUNT(*) FROM effective_tags GROUP BY tag").fetchall())
        known = _known_tags(con)
    con.close()
    return {t: int(counts.get(t, 0)) for t in sorted(set(known) | set(counts))}


def files_with_tag(db_path: str | Path, tag: str, limit: int | None = None) -> list[Hit]:
    """Files tagged ``tag`` (or the library's tag it differs from only in case or Unicode form): the producer's
    corrections first, then the tagger's, most confident first."""
    con, root = _open(db_path)
    known = _known_tags(con)
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


def _pack_tags(con: sqlite3.Connection) -> list[str]:
    """The tags of the pack that tagged the library, in its order."""
    return [t for t in libdb.get_meta(con, "tags").split(",") if t]


def _known_tags(con: sqlite3.Connection) -> list[str]:
    """The pack's tags, then any the producer added (alphabetical)."""
    pack = _pack_tags(con)
    own = [t for (t,) in con.execute("SELECT DISTINCT tag FROM user_tags ORDER BY tag") if t not in pack]
    return pack + own


def tags_of(db_path: str | Path, path: str | Path) -> dict[str, float]:
    """Every tag's score for one library file (absolute, or relative to the library root)."""
    con, root = _open(db_path)
    rel = _relative(root, Path(path))
    rows = con.execute(f"SELECT tag, score FROM tags WHERE path = {libdb.TEXT} ORDER BY score DESC",
                       (libdb.stored(rel),)).fetchall()
    con.close()
    return {t: float(s) for t, s in rows}


@dataclass(frozen=True)
class Unsure:
    path: Path
    margin: float                        # how far the tagger was from deciding otherwise (0 = a coin toss)
    guesses: list[tuple[str, float]]     # (tag, score): an exclusive tagger's two highest; a multi-label one's tag in
                                         # doubt (nearest its threshold), then the tags it gave the file, highest first
    doubt: str = ""                      # a multi-label tagger's tag in doubt ("" for an exclusive tagger's)


def margins(probs: np.ndarray, exclusive: bool, thresholds: np.ndarray | None = None) -> np.ndarray:
    """How sure the tagger is of each file [F] from its scores [F, n_tags]: for an exclusive tagger
    the gap between its two highest scores; for a multi-label one the smallest distance of any
    tag's score from that tag's threshold (default 0.5).  Small = unsure."""
    p = np.asarray(probs, np.float64)
    if exclusive:
        if p.shape[1] < 2:                          # one tag: nothing to decide between
            return np.ones(len(p))
        top2 = np.sort(p, axis=1)[:, -2:]
        return top2[:, 1] - top2[:, 0]
    th = np.full(p.shape[1], 0.5) if thresholds is None else np.asarray(thresholds, np.float64)
    return np.abs(p - th).min(axis=1)


def scores_look_exclusive(probs: np.ndarray) -> bool:
    """True when every file's scores [F, n_tags] sum to 1 (a softmax: an exclusive tagger's); a multi-label
    tagger's independent sigmoids do not.  For databases that do not record which kind tagged them."""
    return bool(len(probs)) and bool(np.allclose(np.asarray(probs, np.float64).sum(axis=1), 1.0, atol=2e-3))


def unsure(db_path: str | Path, k: int = 20) -> list[Unsure]:
    """The ``k`` files the tagger was least sure of (files you corrected left out): where a review
    finds most of its mistakes first (bench/tagger_review.py measures how many)."""
    con, root = _open(db_path)
    tags = _pack_tags(con)
    exclusive_meta = libdb.get_meta(con, "exclusive")    # absent in databases written before 2026-12-02
    th_text = libdb.get_meta(con, "thresholds")
    thresholds = np.array([float(t) for t in th_text.split(",")]) if th_text else None
    rels, mat = _score_matrix(con, tags, "SELECT t.path, t.tag, t.score FROM tags t JOIN files f ON f.path = t.path "
                                        "AND f.status = 'ok' WHERE t.path NOT IN (SELECT path FROM user_tags)")
    con.close()
    if not rels:
        return []
    exclusive = exclusive_meta == "1" if exclusive_meta else scores_look_exclusive(mat)
    th = thresholds if thresholds is not None and len(thresholds) == len(tags) else np.full(len(tags), 0.5)
    m = margins(mat, exclusive, th)
    out = []
    for i in np.argsort(m, kind="stable")[:k]:
        if exclusive:
            pick = np.argsort(-mat[i], kind="stable")[:2]
            out.append(Unsure(root / rels[i], float(m[i]), [(tags[j], float(mat[i, j])) for j in pick]))
        else:
            out.append(_in_doubt(root / rels[i], float(m[i]), mat[i], th, tags))
    return out


GIVEN_SHOWN = 3      # a multi-label tagger's tags shown beside the one in doubt


def _in_doubt(path: Path, margin: float, scores: np.ndarray, th: np.ndarray, tags: list[str]) -> Unsure:
    """A multi-label tagger's doubt about one file (``scores`` [n_tags], thresholds ``th`` [n_tags]): the tag
    nearest its threshold, then the tags given (score >= threshold), highest first, at most :data:`GIVEN_SHOWN`.
    Not the two tags nearest their thresholds: with one in doubt at 0.50, the second nearest was a tag the file was
    far from ("dark 0.50, bass 0.00" for a file the tagger called lead 1.00; p42's QA)."""
    doubt = int(np.argmin(np.abs(scores - th)))
    given = [j for j in np.argsort(-scores, kind="stable") if scores[j] >= th[j] and j != doubt][:GIVEN_SHOWN]
    return Unsure(path, margin, [(tags[j], float(scores[j])) for j in [doubt, *given]], doubt=tags[doubt])


def current_tags(db_path: str | Path, path: str | Path) -> list[str]:
    """One library file's tags as every listing shows them (the producer's when corrected, else the
    tagger's hits), alphabetical; [] for a file the database does not hold."""
    con, root = _open(db_path)
    rel = _relative(root, Path(path))
    rows = con.execute(f"SELECT DISTINCT tag FROM effective_tags WHERE path = {libdb.TEXT} ORDER BY tag",
                       (libdb.stored(rel),)).fetchall()
    con.close()
    return [t for (t,) in rows]


def is_exclusive(db_path: str | Path) -> bool:
    """Whether the tagger that tagged the library gives each file one tag (an exclusive pack) rather
    than any number; read from the database's metadata, or, for databases written before it was
    recorded, from whether the stored scores look like a softmax (:func:`scores_look_exclusive`)."""
    con, _ = _open(db_path)
    try:
        meta = libdb.get_meta(con, "exclusive")
        if meta:
            return meta == "1"
        rels, mat = _score_matrix(con, _pack_tags(con), "SELECT path, tag, score FROM tags")
    finally:
        con.close()
    return scores_look_exclusive(mat) if rels else True


def _score_matrix(con: sqlite3.Connection, tags: list[str], sql: str) -> tuple[list[str], np.ndarray]:
    """(relative paths [F], sorted; scores [F, len(tags)]) from ``sql``'s (path, tag, score) rows; tags
    outside ``tags`` are ignored."""
    col = {t: i for i, t in enumerate(tags)}
    scores: dict[str, np.ndarray] = {}
    for rel, tag, score in con.execute(sql):
        if tag in col:
            scores.setdefault(rel, np.zeros(len(tags)))[col[tag]] = score
    rels = sorted(scores)
    return rels, (np.stack([scores[r] for r in rels]) if rels else np.zeros((0, len(tags))))


def corrected_tags(db_path: str | Path, path: str | Path) -> list[str]:
    """The producer's own tags for one file ([] when the tagger's stand)."""
    con, root = _open(db_path)
    try:
        return libdb.user_tags_of(con, _relative(root, Path(path)))
    finally:
        con.close()


def file_status(db_path: str | Path, path: str | Path) -> tuple[str, str]:
    """(status, reason) of one library file: ("ok", "") when the tagger tagged it, ("skipped", why) when it
    holds nothing to tag (silent, too short, empty), ("error", why) when it does not decode.  NotInLibrary
    for a file the database does not hold."""
    con, root = _open(db_path)
    try:
        return _status(con, _relative(root, Path(path)), path, root, db_path)
    finally:
        con.close()


def _status(con: sqlite3.Connection, rel: str, path: str | Path, root: Path | None = None,
            db_path: str | Path | None = None) -> tuple[str, str]:
    """:func:`file_status` of the file stored as ``rel`` (``path``: as the caller named it, for the error; ``root``:
    the library folder, to say of a file there that the database does not hold yet whether it is new or renamed)."""
    if not str(path).strip():
        raise NotInLibrary("no file was named (the path is empty)", hint="give the file's path inside the library, "
                                                                         "as --tag and --unsure list it")
    row = con.execute(f"SELECT status, error FROM files WHERE path = {libdb.TEXT}",
                      (libdb.stored(rel),)).fetchone()
    if row is None:
        _say_if_not_tagged_yet(con, rel, path, root, db_path)
        near = _near(con, rel)
        if near:
            raise NotInLibrary(f"{path} is not a file of this library; did you mean {near}?",
                               hint="give the path inside the library as --tag and --unsure list it")
        raise NotInLibrary(f"{path} is not a file of this library", hint=NOT_IN_LIBRARY_HINT)
    return str(row[0]), "" if row[0] == "ok" else str(row[1] or "")


def _say_if_not_tagged_yet(con: sqlite3.Connection, rel: str, path: str | Path, root: Path | None,
                           db_path: str | Path | None = None) -> None:
    """NotInLibrary for ``rel``, a file the database does not hold that is in the library folder ``root``: renamed
    or moved since the library was tagged (its bytes are those of a file the database holds under a name that is
    gone), or added since; either way what to run.  Nothing for a path that is no file there."""
    if root is None:
        return
    if PurePosixPath(rel).is_absolute() or ".." in PurePosixPath(rel).parts:
        if Path(path).is_absolute() and Path(path).is_file():   # a file elsewhere: a sample's source, another library
            raise NotInLibrary(f"{path} is not inside the library {root}",
                               hint="give a file of the library (hatbox library query DB --tag TAG lists them)")
        return
    if not (root / rel).is_file():
        return
    from device.library.scan import readable_hash
    digest = readable_hash(root / rel)
    olds = [os.fsdecode(p) for (p,) in con.execute("SELECT path FROM files WHERE hash = ?", (digest,))] if digest \
        else []
    gone = sorted(p for p in olds if not (root / p).exists())
    again = f"hatbox tag {shlex.quote(str(root))} --pack TAGGER.hatpack"
    if db_path is not None and Path(db_path).resolve() != (root / libdb.IN_LIBRARY).resolve():
        again += f" --out {shlex.quote(str(db_path))}"         # without it, a second database in the library
    if gone:
        raise NotInLibrary(f"{path} is not in the library's database under that name: it holds the same sound as "
                           f"{gone[0]}, which is gone (renamed or moved since the library was tagged)",
                           hint=f"tag the folder again and its tags and your corrections follow it to its new name: "
                                f"{again}; then fix it")
    state = libdb.tagging_state(con, db_path) if db_path is not None else "done"
    if state != "done":                 # QA: "added since it was tagged", of a file a stopped run had not reached
        raise NotInLibrary(f"{path} is not tagged yet: "
                           + ("the library is being tagged now and has not reached it" if state == "running" else
                              "the last hatbox tag of the library stopped before it reached it"),
                           hint=("wait for it to end; then fix it" if state == "running" else
                                 f"finish the tagging (it goes on where it stopped): {again}; then fix it"))
    raise NotInLibrary(f"{path} was added to the library since it was tagged: the database does not hold it yet",
                       hint=f"tag the folder again (only new and changed files are tagged): {again}; then fix it")


def _near(con: sqlite3.Connection, rel: str) -> str:
    """The one library file ``rel`` (a path the library does not hold) most likely means, or "": the same path in
    another case (``loops/KICK 2.WAV`` for ``loops/kick 2.wav``), the same path under a folder given in front
    (``kit/kick 1.wav`` for ``kick 1.wav``), or the only file of that name."""
    paths = [os.fsdecode(p) for (p,) in con.execute("SELECT path FROM files")]
    want = rel.casefold()
    for test in (lambda p: p.casefold() == want, lambda p: want.endswith("/" + p.casefold()),
                 lambda p: p.rsplit("/", 1)[-1].casefold() == want.rsplit("/", 1)[-1]):
        found = [p for p in paths if test(p)]
        if len(found) == 1:
            return found[0]
    return ""


def set_tags(db_path: str | Path, path: str | Path, tags: list[str]) -> list[str]:
    """Replace the tagger's tags for one library file with ``tags`` (the producer's words: a pack's
    tag or a new one); an empty list gives the file back to the tagger.  Any file the library holds
    can carry them, whatever the tagger made of it (a file that turned silent keeps, and can clear, the
    tags given before).  The correction outlives re-tagging and goes when the file leaves the library.
    Returns the file's tags as now stored.  NotInLibrary (nothing written) for a file the database does
    not hold, HatboxError for a tag that cannot be a folder name or CSV cell.  A tag that differs only in
    case from one the library has ("Kick" where the pack says "kick") is stored in the library's spelling
    (:func:`spelled_as_known`): two would share one folder of links on macOS and Windows.  HatboxError, nothing
    written, for a database that takes no writes (a read-only file, locked by another program: :func:`unwritable`)."""
    given = [_check_tag(t) for t in tags]
    con, root = _open(db_path)
    rel = _relative(root, Path(path))
    try:
        clean = sorted(set(spelled_as_known(given, _known_tags(con))))
        _status(con, rel, path, root, db_path)      # NotInLibrary before anything is written
        with con:                                   # one transaction: all or nothing
            libdb.put_user_tags(con, rel, clean)
    except sqlite3.OperationalError as exc:
        raise unwritable(db_path, exc) from None
    finally:
        con.close()
    return clean


def unwritable(db_path: str | Path, exc: sqlite3.OperationalError) -> HatboxError:
    """The HatboxError for a correction the library database ``db_path`` did not take (SQLite's ``exc``): a
    read-only file, one locked by another program, a full disk; nothing was changed."""
    trouble = libdb.write_trouble(exc, db_path)
    if trouble == "read-only":
        return HatboxError(f"cannot write {db_path}: the database file is read-only; nothing was changed",
                           hint=f"make it writable (chmod u+w {shlex.quote(str(db_path))}; check the owner if "
                                "another user wrote it) and run the command again")
    if trouble == "locked":
        return HatboxError(f"{db_path} is locked by another program (a hatbox tag running on it?); nothing was "
                           "changed", hint="wait for it to finish, then run the command again")
    if trouble == "full":
        return DiskFull(f"cannot write {db_path}: the disk is full; nothing was changed",
                           hint="free some space, then run the command again")
    return HatboxError(f"cannot write {db_path}: {exc}; nothing was changed",
                       hint="check that the database and its folder are writable and the disk is not full")


def corrections(db_path: str | Path, *, heard: bool = False) -> dict[Path, list[str]]:
    """Every corrected file (absolute path) -> its tags; with ``heard``, only the files the tagger could hear
    (not those it skipped as silent or empty, nor those that do not decode: no use as training data)."""
    con, root = _open(db_path)
    out: dict[Path, list[str]] = {}
    only = " AND path IN (SELECT path FROM files WHERE status = 'ok')" if heard else ""
    for rel, tag in con.execute(f"SELECT path, tag FROM effective_tags WHERE corrected = 1{only} ORDER BY path, tag"):
        out.setdefault(root / rel, []).append(tag)
    con.close()
    return out


def export_csv(db_path: str | Path, out: str | Path) -> int:
    """Write the corrections as training data (``path,tag[,tag...]`` rows, absolute paths), for
    ``hatbox train tagger YOUR-TAGS/ corrections.csv``; returns the number of rows.  Files the tagger could
    not hear (skipped: silent, empty; or undecodable) are left out, and so are files whose name is not valid
    UTF-8 (a CSV of names is UTF-8; training reads one that is not as Windows-1252, every other name with it).
    Written whole or not at all (device.library.fixes_csv, which the box's corrections are written by too)."""
    from device.library.fixes_csv import write_fixes_csv
    rows = {path: tags for path, tags in corrections(db_path, heard=True).items() if utf8_name(path)}
    try:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise HatboxError(f"cannot write {out}: {exc.strerror}") from None
    write_fixes_csv(Path(out), ((str(path), tags) for path, tags in rows.items()), str(out))
    return len(rows)


def utf8_name(path: str | Path) -> bool:
    """Whether ``path``'s name is valid UTF-8 (not held with surrogateescape: see device.library.db)."""
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def spelled_as_known(tags: list[str], known: list[str]) -> list[str]:
    """``tags`` (in order) each written as the first of ``known`` (the library's tags: the pack's, then the
    producer's) that differs from it only in case, else as the first of ``tags`` that does; duplicates kept."""
    spelling: dict[str, str] = {}
    for t in [*known, *tags]:
        spelling.setdefault(normal_tag(t).casefold(), t)
    return [spelling[normal_tag(t).casefold()] for t in tags]


def _check_tag(tag: str) -> str:
    """A tag as stored: stripped; refused (HatboxError) when :func:`export.manifest.tag_problem` finds one."""
    if tag_problem(tag):           # quoted cut short: a 300 MB "tag" was echoed whole (thirty-third stop's QA)
        shown = tag if len(tag) <= 60 else f"{tag[:40]}... ({len(tag)} characters)"
        raise HatboxError(f"'{shown}' cannot be a tag", hint=TAG_RULE)
    return normal_tag(tag)


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
_UNTAGGED = f"f.status = 'ok' AND ({libdb.CURRENT}) AND f.path NOT IN (SELECT path FROM effective_tags)"


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


def untagged_count(db_path: str | Path) -> int:
    """How many files :func:`untagged` lists, counted in the database (the panel's tag list, the notes after `hatbox
    tag` and `library query` want the number only, not each file's best guess)."""
    con, _root = _open(db_path)
    (n,) = con.execute(f"SELECT COUNT(*) FROM files f WHERE {_UNTAGGED}").fetchone()
    con.close()
    return int(n)


def similar_to_vector(db_path: str | Path, vector: np.ndarray, k: int = 10, exclude: str | None = None) -> list[Hit]:
    """The ``k`` files whose embeddings are closest (cosine) to ``vector`` [E]."""
    con, root = _open(db_path)
    rels, mat = _embeddings(con)
    con.close()
    if not rels:
        return []
    q = np.asarray(vector, np.float32)
    sims = mat @ (q / (np.linalg.norm(q) + 1e-9))
    order = [i for i in np.argsort(-sims) if rels[i] != exclude][:k]
    return [Hit(root / rels[i], float(sims[i])) for i in order]


def similar(db_path: str | Path, path: str | Path, k: int = 10) -> list[Hit]:
    """"More like this" for a file already in the library."""
    vector, rel, _ = embedding_of(db_path, path)
    return similar_to_vector(db_path, vector, k, exclude=rel)


def embedding_of(db_path: str | Path, path: str | Path) -> tuple[np.ndarray, str, str]:
    """(embedding [E], its path in the library, the library's pack id: meta ``model``) of a file the library holds;
    NotInLibrary, or HatboxError for a file that was not tagged or was tagged by an earlier pack."""
    con, root = _open(db_path)
    rel = _relative(root, Path(path))
    row = con.execute(f"SELECT status, error, model, embedding FROM files WHERE path = {libdb.TEXT}",
                      (libdb.stored(rel),)).fetchone()
    model = libdb.get_meta(con, "model")
    con.close()
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


def similar_to_file(db_path: str | Path, path: str | Path, pack: str | Path, k: int = 10) -> list[Hit]:
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
    """Relative paths and row-normalised embeddings [F, E] (10,000 x 64 floats is 2.5 MB)."""
    rows = con.execute(f"SELECT path, embedding FROM files f WHERE status = 'ok' AND ({libdb.CURRENT}) "
                       "ORDER BY path").fetchall()
    if not rows:
        return [], np.zeros((0, 0), np.float32)
    mat = np.stack([libdb.embedding(b) for _, b in rows])
    return [p for p, _ in rows], mat / (np.linalg.norm(mat, axis=1, keepdims=True) + 1e-9)


def _relative(root: Path, path: Path) -> str:
    """``path`` as the database stores it (relative to the library ``root``).  A relative path is
    taken from the library root, or from the working directory when only there is it a file (what a
    shell's tab completion gives).  A name typed in the other Unicode form than the library's is the library's."""
    path = on_disk(root, path)
    try:
        here = not path.is_absolute() and not (root / path).exists() and path.is_file()
    except (OSError, ValueError):                 # a name no file could have (too long, a NUL): not one of them
        here = False
    if here:
        path = path.resolve()
    if path.is_absolute():
        for seen in (path.resolve(), Path(os.path.abspath(path))):    # through a link to a drive: as the walk names it
            try:
                return seen.relative_to(root).as_posix()
            except ValueError:
                continue
        return path.as_posix()
    return path.as_posix()

"""The producer's corrections of files that left a library, kept until their sound comes back (forty-seventh stop).

A folder or drive away for a night (``mv Samples/snares snares.away``, an unplugged disk that was no link) made its
files leave the library at the next `hatbox tag`, and their corrections went with them for good.  Now a file that
leaves, or a path whose sound was replaced by another, leaves its producer's tags here (table ``kept_tags``: the hash
of its bytes, its path then, each tag, when it left), and a later run that writes a row for a path holding those bytes
(the file back under its old name or any other, tagged again) gives them back (:func:`give_back`), unless that path
carries tags of its own by then.  A file whose bytes were never read (no hash: a link to nothing, a named pipe) cannot
be known again: its tags go (:func:`keep` names it).  The corrections of the latest :data:`KEEP_LIMIT` files that left
are kept, however long ago; older ones are forgotten first (:func:`forget_oldest`).

The producer sees them (forty-eighth stop): :func:`kept_left` lists them (`hatbox library query DB --left`),
:func:`count_left` counts them, :func:`matching` finds those a typed path names (a file, or a folder: everything
under it) and :func:`forget` drops them (`hatbox library fix DB --forget-left [PATH ...]`).
"""
from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from device.library import db as libdb
from device.library.moves import likeness
from device.library.paths import nfc

KEEP_LIMIT = 10_000     # files that left whose corrections a database keeps (a few hundred bytes each)


def keep(con: sqlite3.Connection, rels: list[str], left_ns: int) -> list[str]:
    """Keep the producer's tags of each of ``rels`` (paths whose row goes: files that left, or whose sound another
    replaced) by the hash stored for the bytes the row stands for, at time ``left_ns`` (ns since the epoch).  Call it
    before the rows change.  Returns those of ``rels`` that carried tags and could not be kept (no hash stored)."""
    hashes = libdb.stored_hashes(con, rels)
    unkept = []
    for rel in rels:
        tags = libdb.user_tags_of(con, rel)
        if not tags:
            continue
        digest = hashes.get(rel)
        if not digest:
            unkept.append(rel)
            continue
        key = libdb.stored(rel)
        con.execute(f"DELETE FROM kept_tags WHERE hash = ? AND path = {libdb.TEXT}", (digest, key))
        con.executemany(f"INSERT INTO kept_tags (hash, path, tag, left_ns) VALUES (?, {libdb.TEXT}, ?, ?)",
                        [(digest, key, tag, left_ns) for tag in tags])
    return unkept


def forget_oldest(con: sqlite3.Connection, limit: int | None = None) -> int:
    """Forget the corrections of the files that left longest ago beyond the latest ``limit`` (default
    :data:`KEEP_LIMIT`); returns how many."""
    limit = KEEP_LIMIT if limit is None else limit
    old = con.execute("SELECT hash, path FROM kept_tags GROUP BY hash, path ORDER BY MAX(left_ns) DESC, path "
                      "LIMIT -1 OFFSET ?", (limit,)).fetchall()
    con.executemany(f"DELETE FROM kept_tags WHERE hash = ? AND path = {libdb.TEXT}",
                    [(digest, libdb.stored(path)) for digest, path in old])
    return len(old)


def give_back(con: sqlite3.Connection, written: list[tuple[str, str]], given: dict[str, list[str]]) -> list[str]:
    """For each (path, content hash) of ``written`` (rows written this run), give the path the kept tags of a file
    that left with those bytes: of several, the one that left under the same path, else the most alike path
    (device.library.moves.likeness), else the latest to leave; their kept rows go.  A path that carries tags of its
    own keeps them (the kept ones go: the producer has tagged it since).  ``given`` (hash -> tags, this run's) gives
    further copies of those bytes written in the same run the same tags, as a rename gives copies.  Returns the
    paths that got tags back."""
    back = []
    for rel, digest in written:
        if not digest:
            continue
        tags = _take(con, rel, digest) or given.get(digest, [])
        if not tags or libdb.user_tags_of(con, rel):
            continue
        libdb.put_user_tags(con, rel, tags)
        given[digest] = tags
        back.append(rel)
    return back


def _take(con: sqlite3.Connection, rel: str, digest: str) -> list[str]:
    """The kept tags of the file that left with bytes ``digest`` that best fits ``rel`` (see :func:`give_back`),
    taken out of the table; [] when none left with them."""
    rows = con.execute("SELECT path, tag, left_ns FROM kept_tags WHERE hash = ?", (digest,)).fetchall()
    if not rows:
        return []
    left: dict[str, tuple[list[str], int]] = {}
    for path, tag, when in rows:
        left.setdefault(str(path), ([], int(when)))[0].append(str(tag))
    best = max(left, key=lambda p: (p == rel, likeness(p, rel), left[p][1], [-ord(c) for c in p]))
    con.execute(f"DELETE FROM kept_tags WHERE hash = ? AND path = {libdb.TEXT}", (digest, libdb.stored(best)))
    return sorted(left[best][0])



# ------------------------------------------------------------------------------ seen and forgotten (48th stop)
@dataclass(frozen=True)
class Kept:
    """The producer's tags of one file that left: ``path`` when it left (relative to the library folder, as the
    database stores it), ``tags`` (alphabetical), ``left_ns`` (ns since the epoch), ``digest`` (its bytes' hash)."""
    path: str
    tags: tuple[str, ...]
    left_ns: int
    digest: str


def entries(con: sqlite3.Connection) -> list[Kept]:
    """Every file that left keeping the producer's tags, the latest to leave first (then by path); none in a
    database without ``kept_tags`` (one from before the forty-seventh stop, opened read-only)."""
    if "kept_tags" not in libdb.table_names(con):
        return []
    tags: dict[tuple[str, str], list[str]] = {}
    left: dict[tuple[str, str], int] = {}
    for digest, path, tag, when in con.execute("SELECT hash, path, tag, left_ns FROM kept_tags ORDER BY tag"):
        key = (str(digest), str(path))
        tags.setdefault(key, []).append(str(tag))
        left[key] = max(left.get(key, 0), int(when))
    rows = [Kept(path, tuple(tags[(digest, path)]), left[(digest, path)], digest) for digest, path in tags]
    return sorted(rows, key=lambda k: (-k.left_ns, k.path, k.digest))


def count(con: sqlite3.Connection) -> int:
    """How many files that left keep the producer's tags (one a hash and path; none without ``kept_tags``)."""
    if "kept_tags" not in libdb.table_names(con):
        return 0
    return int(con.execute("SELECT COUNT(*) FROM (SELECT 1 FROM kept_tags GROUP BY hash, path)").fetchone()[0])


def drop(con: sqlite3.Connection, chosen: list[Kept]) -> int:
    """Forget the kept tags of ``chosen`` (in the caller's transaction); returns how many of them were still kept
    (a `hatbox tag` run may have given some back meanwhile)."""
    gone = 0
    for k in chosen:
        cur = con.execute(f"DELETE FROM kept_tags WHERE hash = ? AND path = {libdb.TEXT}",
                          (k.digest, libdb.stored(k.path)))
        gone += 1 if cur.rowcount else 0
    return gone


def under(rows: list[Kept], rel: str) -> list[Kept]:
    """Those of ``rows`` whose path when it left is ``rel`` (relative to the library folder, either Unicode form)
    or lies under the folder ``rel``; every one for the library folder itself (``.``); none for "" (no path)."""
    if not rel.strip():
        return []
    if rel == ".":
        return list(rows)
    want = nfc(rel.rstrip("/"))
    return [k for k in rows if nfc(k.path) == want or nfc(k.path).startswith(want + "/")]


def _typed_forms(root: Path, typed: str) -> list[str]:
    """The paths in the library a typed path may stand for, the likelier first.  A relative path typed while the
    working folder lies inside the library is first read from the working folder, as a shell user means it (``.``
    in ``kicks/`` is ``kicks``, not the whole library), then as `hatbox library fix FILE` takes it (relative to the
    library folder: device.library.open_db._relative); from outside the library the other way round (the file
    left: nothing is there to find).  An absolute path has one reading."""
    from device.library.open_db import _relative
    forms = [_relative(root, Path(typed))]
    here = None if Path(typed).is_absolute() else _in_library(root, Path(os.path.abspath(typed)))
    if here is not None and here not in forms:
        inside = _in_library(root, Path(os.path.abspath("."))) is not None
        forms = [here, *forms] if inside else [*forms, here]
    return forms


def _in_library(root: Path, path: Path) -> str | None:
    """``path`` (absolute) relative to the library ``root`` (or the folder it links to); None when outside."""
    for base in (root, root.resolve()):
        if path.is_relative_to(base):
            return path.relative_to(base).as_posix()
    return None


def matching(db_path: str | Path, typed: list[str]) -> tuple[list[Kept], dict[str, list[Kept]]]:
    """Every file that left keeping the producer's tags in the database ``db_path``, and for each path of
    ``typed`` (a file or folder when it left, absolute, or relative: :func:`_typed_forms`) those it names ([] for
    one that names none, and for an empty path: it names nothing)."""
    from device.library.open_db import _open
    con, root = _open(db_path)
    try:
        rows = entries(con)
    finally:
        con.close()
    return rows, {text: _first_hit(root, rows, text)[1] for text in typed}


def read_as(root: Path, rows: list[Kept], typed: str) -> str | None:
    """The path in the library folder ``root`` that the path ``typed`` stands for among the kept files ``rows``:
    the first of its readings (:func:`_typed_forms`) that names one of them (``.``: the library folder itself, every
    one); None when none does, and for an empty path (it names nothing).  :func:`matching` picks by it."""
    return _first_hit(root, rows, typed)[0]


def _first_hit(root: Path, rows: list[Kept], typed: str) -> tuple[str | None, list[Kept]]:
    """(:func:`read_as`'s reading of ``typed``, the kept files ``rows`` it names: :func:`under` once); (None, [])."""
    for form in _typed_forms(root, typed) if typed.strip() else []:
        hit = under(rows, form)
        if hit:
            return form, hit
    return None, []


def kept_left(db_path: str | Path) -> list[Kept]:
    """Every file that left the library of database ``db_path`` keeping the producer's tags, latest first."""
    return matching(db_path, [])[0]


def count_left(db_path: str | Path) -> int:
    """How many files that left the library of database ``db_path`` keep the producer's tags."""
    from device.library.open_db import _open
    con, _root = _open(db_path)
    try:
        return count(con)
    finally:
        con.close()


def forget(db_path: str | Path, chosen: list[Kept]) -> int:
    """Forget the kept tags of ``chosen`` in the database ``db_path``, all in one transaction (all or nothing);
    returns how many were still kept.  HatboxError, nothing changed, when the database takes no writes
    (device.library.fixes.unwritable)."""
    from device.library.fixes import unwritable
    from device.library.open_db import _open
    con, _root = _open(db_path)
    try:
        with con:
            return drop(con, chosen)
    except sqlite3.OperationalError as exc:
        raise unwritable(db_path, exc) from None
    finally:
        con.close()

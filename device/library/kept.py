"""The producer's corrections of files that left a library, kept until their sound comes back (forty-seventh stop).

A folder or drive away for a night (``mv Samples/snares snares.away``, an unplugged disk that was no link) made its
files leave the library at the next `hatbox tag`, and their corrections went with them for good.  Now a file that
leaves, or a path whose sound was replaced by another, leaves its producer's tags here (table ``kept_tags``: the hash
of its bytes, its path then, each tag, when it left), and a later run that writes a row for a path holding those bytes
(the file back under its old name or any other, tagged again) gives them back (:func:`give_back`), unless that path
carries tags of its own by then.  A file whose bytes were never read (no hash: a link to nothing, a named pipe) cannot
be known again: its tags go (:func:`keep` names it).  The corrections of the latest :data:`KEEP_LIMIT` files that left
are kept, however long ago; older ones are forgotten first (:func:`forget_oldest`).
"""
from __future__ import annotations

import sqlite3

from device.library import db as libdb
from device.library.moves import likeness

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


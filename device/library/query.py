"""Queries on a library database: tags and their counts, files by tag, similar files (cosine).

Every function opens its own read connection, so the API can call them from any thread while a
tagging run writes (SQLite WAL).  Paths come back absolute (library root + stored relative path).
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from device.library import db as libdb
from hatbox.errors import HatboxError


@dataclass(frozen=True)
class Hit:
    path: Path
    score: float       # tag probability, or cosine similarity for similarity searches


def _open(db_path: str | Path) -> tuple[sqlite3.Connection, Path]:
    if not Path(db_path).is_file():
        raise HatboxError(f"no library database at {db_path}", hint="tag a library first: hatbox tag LIBRARY")
    con = libdb.connect(db_path)
    return con, Path(libdb.get_meta(con, "root", "."))


def list_tags(db_path: str | Path) -> dict[str, int]:
    """tag -> number of files carrying it (score over the tag's threshold)."""
    con, _ = _open(db_path)
    with con:
        rows = con.execute("SELECT tag, SUM(hit) FROM tags GROUP BY tag ORDER BY tag").fetchall()
    con.close()
    return {t: int(n or 0) for t, n in rows}


def files_with_tag(db_path: str | Path, tag: str, limit: int | None = None) -> list[Hit]:
    """Files tagged ``tag``, most confident first."""
    con, root = _open(db_path)
    known = libdb.get_meta(con, "tags").split(",")
    if tag not in known:
        con.close()
        raise HatboxError(f"tag '{tag}' is not one of this library's tags ({', '.join(known)})")
    rows = con.execute("SELECT path, score FROM tags WHERE tag = ? AND hit = 1 ORDER BY score DESC, path LIMIT ?",
                       (tag, -1 if limit is None else int(limit))).fetchall()
    con.close()
    return [Hit(root / p, float(s)) for p, s in rows]


def tags_of(db_path: str | Path, path: str | Path) -> dict[str, float]:
    """Every tag's score for one library file (absolute, or relative to the library root)."""
    con, root = _open(db_path)
    rel = _relative(root, Path(path))
    rows = con.execute("SELECT tag, score FROM tags WHERE path = ? ORDER BY score DESC", (rel,)).fetchall()
    con.close()
    return {t: float(s) for t, s in rows}


def failures(db_path: str | Path) -> list[tuple[Path, str]]:
    """(file, reason) of every file that could not be tagged."""
    con, root = _open(db_path)
    rows = con.execute("SELECT path, error FROM files WHERE status = 'error' ORDER BY path").fetchall()
    con.close()
    return [(root / p, e) for p, e in rows]


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
    con, root = _open(db_path)
    rel = _relative(root, Path(path))
    row = con.execute("SELECT embedding FROM files WHERE path = ? AND status = 'ok'", (rel,)).fetchone()
    con.close()
    if row is None:
        raise HatboxError(f"{path} is not a tagged file of this library")
    return similar_to_vector(db_path, libdb.embedding(row[0]), k, exclude=rel)


def similar_to_file(db_path: str | Path, path: str | Path, pack: str | Path, k: int = 10) -> list[Hit]:
    """"More like this" for any audio file: embed it with the library's pack, then search."""
    from device.library.runner import PackTagger
    return similar_to_vector(db_path, PackTagger(pack).embed_file(Path(path)), k)


def _embeddings(con: sqlite3.Connection) -> tuple[list[str], np.ndarray]:
    """Relative paths and row-normalised embeddings [F, E] (10,000 x 64 floats is 2.5 MB)."""
    rows = con.execute("SELECT path, embedding FROM files WHERE status = 'ok' ORDER BY path").fetchall()
    if not rows:
        return [], np.zeros((0, 0), np.float32)
    mat = np.stack([libdb.embedding(b) for _, b in rows])
    return [p for p, _ in rows], mat / (np.linalg.norm(mat, axis=1, keepdims=True) + 1e-9)


def _relative(root: Path, path: Path) -> str:
    """``path`` as the database stores it (relative to the library ``root``).  A relative path is
    taken from the library root, or from the working directory when only there is it a file (what a
    shell's tab completion gives)."""
    if not path.is_absolute() and not (root / path).exists() and path.is_file():
        path = path.resolve()
    if path.is_absolute():
        try:
            return path.resolve().relative_to(root).as_posix()
        except ValueError:
            return path.as_posix()
    return path.as_posix()

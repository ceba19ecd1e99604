"""A tagger's doubts about a library (device.library.query re-exports these): how sure it was of each file
(:func:`margins`), the files it was least sure of (:func:`unsure`), where a review finds most of its mistakes first, and
whether the tagger gives one tag per file (:func:`is_exclusive`)."""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from device.library import db as libdb
from device.library.open_db import _open, _pack_tags


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


def unsure(db_path: str | Path, k: int | None = 20) -> list[Unsure]:
    """The ``k`` files the tagger was least sure of (files you corrected left out; ``k`` None: all of them, least
    sure first): where a review finds most of its mistakes first (bench/tagger_review.py measures how many)."""
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

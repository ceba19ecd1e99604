"""p51 final reading (MF3 1): ``query.similar_to_vector`` with a ``k`` read the rowids and embeddings in one query
and the paths of the first k + 1 in a second, each in its own transaction; a re-tag between them (put_result: DELETE
then INSERT, a new rowid) dropped the file from "more like this" (the panel lost its closest files while its library
was being tagged).  Both reads are now one snapshot."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from device.library import db as libdb
from device.library import query

TAGS = ["hat", "kick"]


def _library(root: Path, n: int = 10) -> Path:
    """A library database of ``n`` rows (random embeddings [16]; the files themselves are not needed)."""
    root.mkdir()
    db = root / "tags.db"
    con = libdb.connect(db)
    libdb.set_meta(con, root=str(root.resolve()), inside=0, tags=",".join(TAGS), model="tagger", exclusive=1,
                   run="done", run_total=n)
    rng = np.random.default_rng(5)
    for i in range(n):
        _retag(con, f"s{i:02d}.wav", rng.standard_normal(16).astype(np.float32))
    con.commit()
    con.close()
    return db


def _retag(con: Any, rel: str, emb: np.ndarray) -> None:
    p = np.array([0.3, 0.7], np.float32)
    libdb.put_result(con, rel, (0, 1), "0" * 64, "tagger", TAGS, p, p >= p.max(), emb)


def test_a_retag_between_the_reads_loses_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = _library(tmp_path / "lib")
    vector = np.random.default_rng(9).standard_normal(16).astype(np.float32)
    before = query.similar_to_vector(db, vector, 4)
    assert len(before) == 4
    real = query._paths_of

    def retag_first(con: Any, rows: dict[int, int], n: int) -> list[str | None]:
        other = libdb.connect(db)                       # a tagging run re-tags every file, committing at once
        for rel in [f"s{i:02d}.wav" for i in range(10)]:
            (blob,) = other.execute("SELECT embedding FROM files WHERE path = ?", (rel,)).fetchone()
            _retag(other, rel, libdb.embedding(blob).copy())
        other.commit()
        other.close()
        return real(con, rows, n)

    monkeypatch.setattr(query, "_paths_of", retag_first)
    during = query.similar_to_vector(db, vector, 4)
    assert during == before, (during, before)           # was: [] (every rowid read first was gone)
    monkeypatch.setattr(query, "_paths_of", real)
    assert query.similar_to_vector(db, vector, 4) == before     # the re-tagged rows: the same files, as close

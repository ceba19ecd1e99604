"""p52 L: the panel's first "more like this" of a sample read its library's embeddings twice: once for the list
(device/ui/data.py StoreData.similar) and once more for the middle its closeness is read against
(library_alike.middle_kept -> closeness.middle_in -> query.cosines_to).  The list's read now gives both
(query.similar_and_pack), the cosines kept for the next cosines_to of that file while the database is unchanged; a
commit between the two reads is read again."""
from __future__ import annotations

from collections import OrderedDict
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from device.library import closeness, query
from device.library import db as libdb
from device.ui.data import Sample, StoreData
from device.ui.pages import library_alike
from tests.test_p51_m2_alike_middle import TAGS, _store


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The embeddings matrices read (device.library.db.embeddings: every read of a library's embeddings), each by its
    row count; nothing kept from another test."""
    got: list[int] = []
    real = libdb.embeddings

    def counting(blobs: Any) -> np.ndarray:
        got.append(len(blobs))
        return real(blobs)
    monkeypatch.setattr(libdb, "embeddings", counting)
    monkeypatch.setattr(library_alike, "_kept", OrderedDict())
    monkeypatch.setattr(query, "_cosines_kept", {}, raising=False)
    return got


def _fresh_middle(db: Path, path: str) -> float | None:
    """The middle read anew (nothing kept)."""
    query._cosines_kept.clear()
    return closeness.middle_in(db, path)


def test_the_first_more_like_this_reads_the_embeddings_once(tmp_path: Path, reads: list[int]) -> None:
    files = _store(tmp_path)
    ref = Sample(str(files / "s003.wav"), 1.0)
    shown = library_alike.alike_samples(StoreData(tmp_path), ref)
    assert len(shown) == library_alike.SHOWN and reads == [40]          # was [40, 40]: the list's, the middle's
    mid = _fresh_middle(files.parent / "tags.db", ref.path)
    assert mid is not None and [library_alike.near_of(s) for s in shown] == \
        [closeness.closeness(s.score, mid) for s in shown]             # the same numbers as a read of its own


def test_the_kept_cosines_are_those_a_read_gives_and_are_given_once(tmp_path: Path, reads: list[int]) -> None:
    files = _store(tmp_path)
    db, asked = files.parent / "tags.db", files / "s005.wav"
    hits, vector, pack = query.similar_and_pack(db, asked, 3)
    assert hits == query.similar(db, asked, 3) and pack == "tagger" and vector.shape == (16,)
    assert len(reads) == 2
    kept = query.cosines_to(db, asked)
    assert len(reads) == 2 and len(kept) == 39                           # given from the list's read
    again = query.cosines_to(db, asked)
    assert len(reads) == 3 and np.array_equal(kept, again)              # given once; read anew, the same numbers
    query.similar_and_pack(db, files / "s006.wav", 3)
    query.cosines_to(db, asked)                                          # another file's cosines: not these
    assert len(reads) == 5


@pytest.mark.parametrize("change", ["retag", "in place"])
def test_a_commit_between_the_list_and_its_middle_is_read(tmp_path: Path, reads: list[int], change: str) -> None:
    files = _store(tmp_path)
    db, asked = files.parent / "tags.db", str(files / "s003.wav")
    StoreData(tmp_path).similar(asked, 8)
    con = libdb.connect(db)
    if change == "retag":                                   # a tagging run's re-tag of a file: a new row
        p = np.array([0.5, 0.5], np.float32)
        libdb.put_result(con, "s010.wav", (0, 10), "a" * 64, "tagger", TAGS, p, p >= p.max(), np.ones(16, np.float32))
    else:                                                   # the same size, the same row
        con.execute("UPDATE files SET embedding = ? WHERE path = 's011.wav'", (np.ones(16, "<f4").tobytes(),))
    con.commit()
    con.close()
    before = len(reads)
    got = closeness.middle_in(db, asked)
    assert len(reads) == before + 1 and got == _fresh_middle(db, asked)

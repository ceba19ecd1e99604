"""p51 review of B1 (the panel's "more like this"): its middle of the sample's own library built a Hit of every file
(20,000 files: 0.24-0.35 s on the page's reader, in pure Python holding the GIL); it is now read as one array
(device.library.query.cosines_to) and kept while the database is unchanged.  The reader's ``similar`` takes ``k``
by the PanelData protocol (no inspection of its signature), and a database that fails its read with a sqlite3.Error
loses the middle only, not the list."""
from __future__ import annotations

import json
import sqlite3
from collections import OrderedDict
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from device.library import closeness, query
from device.library import db as libdb
from device.ui.data import MemoryData, Sample, StoreData
from device.ui.pages import library_alike

TAGS = ["hat", "kick"]


def _store(root: Path, n: int = 41) -> Path:
    """A box store of one tagged library of ``n`` files (rows only: random embeddings), a failed file among them."""
    files = root / "libraries" / "lib-kit-000001" / "files"
    files.mkdir(parents=True)
    con = libdb.connect(files.parent / "tags.db")
    libdb.set_meta(con, root=str(files.resolve()), inside=0, tags=",".join(TAGS), model="tagger", exclusive=1,
                   run="done", run_total=n)
    rng = np.random.default_rng(3)
    for i in range(n):
        (files / f"s{i:03d}.wav").write_bytes(b"")
        if i == 7:
            libdb.put_error(con, f"s{i:03d}.wav", (0, i), "tagger", "not audio")
            continue
        p = rng.dirichlet(np.ones(2)).astype(np.float32)
        libdb.put_result(con, f"s{i:03d}.wav", (0, i), f"{i:064x}", "tagger", TAGS, p, p >= p.max(),
                         rng.standard_normal(16).astype(np.float32))
    con.commit()
    con.close()
    (files.parent / "library.json").write_text(json.dumps({"id": "lib-kit-000001", "name": "Kit", "state": "done",
                                                           "accepted": n, "rejected": 0}))
    return files


def test_the_middle_is_read_as_one_array_and_is_the_same_number(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    files = _store(tmp_path)
    db, asked = files.parent / "tags.db", files / "s003.wav"
    every = query.similar(db, asked, None)
    got = query.cosines_to(db, asked)
    assert got.dtype == np.float32 and sorted(got.tolist()) == sorted(h.score for h in every) and len(got) == 39
    want = closeness.middle(h.score for h in every)
    assert want is not None and closeness.middle_of(got) == want        # the same number, to the last bit
    assert closeness.middle_of(got[:3]) is None and closeness.middle_of(np.ones(9, np.float32)) is None

    assert query.similar(db, asked, 5) == every[:5] and query.similar(db, asked, 0) == []   # k reads k paths only
    assert all(h.path != asked for h in every) and len(every) == 39          # itself and the failed file left out

    def no_hit(*a: Any, **kw: Any) -> None:
        raise AssertionError("a Hit was made")
    monkeypatch.setattr(query, "Hit", no_hit)
    assert closeness.middle_in(db, asked) == want                        # was: a Hit of every file (0.36 s of 20k)


def test_the_middle_is_kept_while_the_database_is_unchanged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = _store(tmp_path)
    db = files.parent / "tags.db"
    reads: list[str] = []
    real = library_alike.middle_in
    monkeypatch.setattr(library_alike, "middle_in", lambda d, p: reads.append(p) or real(d, p))
    first = library_alike.middle_kept(db, str(files / "s001.wav"))
    assert library_alike.middle_kept(db, str(files / "s001.wav")) == first and reads == [str(files / "s001.wav")]
    library_alike.middle_kept(db, str(files / "s002.wav"))
    assert len(reads) == 2                                               # another file: read
    con = libdb.connect(db)                                               # a re-tag of one file changes it
    con.execute("UPDATE files SET embedding = ? WHERE path = 's000.wav'", (np.ones(16, "<f4").tobytes(),))
    con.commit()
    con.close()
    assert library_alike.middle_kept(db, str(files / "s001.wav")) == closeness.middle_in(db, files / "s001.wav")
    assert len(reads) == 3


def test_a_database_error_loses_the_middle_not_the_list(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = _store(tmp_path)
    data = StoreData(tmp_path)
    ref = data._sample(files / "s004.wav", 0.0)

    def broken(db: Any, path: Any) -> None:
        raise sqlite3.DatabaseError("database disk image is malformed")
    monkeypatch.setattr(library_alike, "middle_in", broken)
    monkeypatch.setattr(library_alike, "_kept", OrderedDict(), raising=False)     # none kept
    found = library_alike.alike_samples(data, ref, k=5)                  # was: sqlite3.DatabaseError raised
    assert len(found) == 5 and all(s.closeness is None for s in found)


def test_a_reader_is_asked_for_every_file_by_k() -> None:
    class Wrapped(MemoryData):
        def similar(self, path: str, *args: Any, **kw: Any) -> list[Sample]:     # a wrapper: no ``k`` to inspect
            return super().similar(path, *args, **kw)
    emb = {f"{i}.wav": [1.0, 0.1 * i] for i in range(8)}
    data = Wrapped(library={"kick": [Sample(p, 0.9) for p in emb]}, embeddings=emb)
    found = library_alike.alike_samples(data, Sample("0.wav", 0.9), k=3)
    assert [s.name for s in found] == ["1.wav", "2.wav", "3.wav"]
    assert found[0].closeness is not None and found[0].closeness > found[2].closeness   # was: none, the cosine

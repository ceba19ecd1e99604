"""p51 final reading (MF3 6): the panel's kept middle of a library (library_alike.middle_kept) was kept while the
size and time of tags.db and its -wal were unchanged; a re-tag committed in the same clock tick as the read, its log
checkpointed (the -wal back to 0 bytes), left both as they were and the old middle was given.  The stamp now holds
the files table's highest rowid too (a re-tag's row is a new one)."""
from __future__ import annotations

import os
from collections import OrderedDict
from pathlib import Path

import numpy as np
import pytest

from device.library import closeness
from device.library import db as libdb
from device.ui.pages import library_alike
from tests.test_p51_m2_alike_middle import _store


def _times(db: Path) -> dict[Path, tuple[int, int]]:
    return {f: (f.stat().st_atime_ns, f.stat().st_mtime_ns) for f in (db, db.with_name(db.name + "-wal"))
            if f.exists()}


def test_a_retag_in_the_same_tick_after_a_checkpoint_is_read(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(library_alike, "_kept", OrderedDict())
    files = _store(tmp_path)
    db, asked = files.parent / "tags.db", str(files / "s001.wav")
    con = libdb.connect(db)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    times, size = _times(db), db.stat().st_size
    first = library_alike.middle_kept(db, asked)
    assert first == closeness.middle_in(db, asked)
    p = np.array([0.4, 0.6], np.float32)                   # a re-tag: the file now far from most
    for i in (2, 3, 5, 6):
        libdb.put_result(con, f"s{i:03d}.wav", (0, i), f"{i:064x}", "tagger", ["hat", "kick"], p, p >= p.max(),
                         np.full(16, -1.0 if i % 2 else 1.0, np.float32))
    con.commit()
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")           # con stays open: the -wal stays, 0 bytes
    for f, (a, m) in times.items():                         # the same clock tick as the read
        os.utime(f, ns=(a, m))
    assert db.stat().st_size == size and _times(db) == times          # size and time alone cannot tell
    now = closeness.middle_in(db, asked)
    assert now != first
    assert library_alike.middle_kept(db, asked) == now    # was: the middle before the re-tag
    con.close()

"""The folder memory keeps its files' marks as they were when the fingerprint was taken, before packing: a file saved
while the push packed reads as changed next time, never as the packed sound (the forty-eighth stop's last review: the
marks were taken after packing, so --replace would carry the old sound's correction to the edited file)."""
from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from hatbox import library_memory as lm


def test_marks_taken_before_packing_are_the_ones_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HATBOX_CONFIG", str(tmp_path / "cfg" / "box.toml"))
    src = tmp_path / "kit"
    src.mkdir()
    f = src / "s0.wav"
    f.write_bytes(b"A" * 100)
    os.utime(f, (time.time() - 60, time.time() - 60))
    mark, before = lm.fingerprint(src), lm.file_marks(src)
    assert mark is not None
    f.write_bytes(b"B" * 100)                                    # saved while the push packed
    os.utime(f, (time.time() - 30, time.time() - 30))
    lm.remember(src, mark, "digest", [], before)
    kept = lm.packings(src)["digest"]
    assert kept == set(before.values()) and kept != set(lm.file_marks(src).values())


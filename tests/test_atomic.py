"""export.atomic: all-or-nothing replacement with ordinary permissions."""
from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from export.atomic import atomic_output, write_atomic


def test_replaces_whole_file_with_readable_permissions(tmp_path: Path) -> None:
    target = tmp_path / "state.json"
    target.write_bytes(b"old")
    write_atomic(target, b"new contents")
    assert target.read_bytes() == b"new contents"
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o644 & ~mask
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]      # no temp debris


def test_failure_inside_block_keeps_old_bytes_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "pack.hatpack"
    target.write_bytes(b"the working pack")
    with pytest.raises(RuntimeError):
        with atomic_output(target) as fh:
            fh.write(b"half a pa")
            raise RuntimeError("upload cut off")
    assert target.read_bytes() == b"the working pack"
    assert [p.name for p in tmp_path.iterdir()] == ["pack.hatpack"]

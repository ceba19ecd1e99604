"""p46 review: a library file dated ahead of the box's clock (a board with no battery clock boots at 1970) was never
kept by the Library page's figure cache: every refresh read it again."""
from __future__ import annotations

import os
import time
from pathlib import Path

from device.ui.stamped import Stamped


def test_a_file_dated_ahead_of_the_clock_is_kept(tmp_path: Path) -> None:
    record = tmp_path / "library.json"
    record.write_text("{}")
    ahead = time.time() + 3600
    os.utime(record, (ahead, ahead))
    cache = Stamped()
    for _ in range(5):
        assert cache.get("lib", [record], lambda: 42) == 42
    assert cache.reads == 1


def test_a_file_written_just_now_is_not_kept(tmp_path: Path) -> None:
    record = tmp_path / "library.json"
    record.write_text("{}")
    cache = Stamped()
    for _ in range(3):
        cache.get("lib", [record], lambda: 42)
    assert cache.reads == 3

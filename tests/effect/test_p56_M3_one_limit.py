"""p56 review R3 findings 7 and 8: the slip search of a missing CSV file had its own copy of the tagger's moved-file
search limit (20000 files), and listed (and looked at) the whole folder before applying it, a stat per entry on a
share without file types.  Now both searches use trainer.csvtext.SEARCH_MAX_FILES, and the listing stops one entry
past it."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from trainer import csvtext
from trainer.effect import checks
from trainer.tagger import moved_files


def test_one_limit_for_both_searches_and_no_dead_check() -> None:
    assert csvtext.SEARCH_MAX_FILES == 20000 and not hasattr(moved_files, "MAX_FILES")    # its walk reads csvtext's
    assert not hasattr(checks, "di_channel")              # no caller since the DI refusal (54509257)


def test_the_listing_stops_one_entry_past_the_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for k in range(40):
        (tmp_path / f"take{k}.wav").write_bytes(b"")
    monkeypatch.setattr(csvtext, "SEARCH_MAX_FILES", 5)
    looked: list[str] = []
    real = os.scandir

    class Counted:
        def __init__(self, path: Path) -> None:
            self.it = real(path)

        def __enter__(self) -> "Counted":
            return self

        def __exit__(self, *exc: object) -> None:
            self.it.close()

        def __iter__(self) -> "Counted":
            return self

        def __next__(self) -> os.DirEntry:
            entry = next(self.it)
            looked.append(entry.name)
            return entry

    monkeypatch.setattr(csvtext.os, "scandir", Counted)
    assert csvtext.slip_twin(tmp_path, "tkae1.wav") is None          # over the limit: not searched
    assert len(looked) <= 6, looked

"""p46 reg QA: a damaged deleted-packs.json was warned about twice per start (the API's store and the panel's read
the same file); it is said once per process for the file as it is."""
from __future__ import annotations

import logging
from pathlib import Path

import pytest

from device.store_notes import KeptRecords


def test_two_readers_of_one_damaged_file_warn_once(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "deleted-packs.json"
    path.write_text("{cut sho", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="hatbox.store"):
        first, second = KeptRecords(path, 16, "who deleted which pack"), KeptRecords(path, 16, "who deleted which pack")
    assert first.current() == {} and second.current() == {}
    said = [r.getMessage() for r in caplog.records if path.name in r.getMessage()]
    assert len(said) == 1, said
    first.add({"p1": {"id": "p1", "by": "laptopA"}})                 # written whole again: read by the other
    assert list(second.current()) == ["p1"]

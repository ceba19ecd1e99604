"""Forty-first stop (power-cut QA): the box sent what its start found of a damaged kit and damaged or rebuilt library
records, and how a re-tag failed or was cut off, but the API's model dropped the re-tag's words and `hatbox status`
printed none of the start's notes."""
from __future__ import annotations

from device.api import models as M
from hatbox.library_fixes import stopped_retag_line
from hatbox.status_report import recovery_lines


def test_status_says_what_the_start_found_of_the_kit_and_the_libraries() -> None:
    lines = recovery_lines({"kit_damaged": "the kit (kit.json) was damaged (bad JSON): the box started with no kit",
                            "libraries_rebuilt": ["lib-drums-1a2b3c"], "libraries_damaged": ["lib-old-000000"]})
    assert lines[0].startswith("the kit (kit.json) was damaged")
    assert "library lib-drums-1a2b3c: its record was damaged and was made again" in lines[1]
    assert lines[2].startswith("library lib-old-000000: its record is damaged")
    gone = recovery_lines({"libraries_rebuilt": ["lib-a-1b2c3d"], "libraries_missing": ["lib-a-1b2c3d"]})
    assert gone == ["library lib-a-1b2c3d: its record was missing and was made again from its files and tags (its "
                    "name is taken from its id)"]


def test_the_api_keeps_how_a_retag_failed_or_was_cut_off() -> None:
    failed = M.StoppedRetag(tagger="t2", done=3, total=6, error="the box's disk is full").model_dump()
    cut = M.StoppedRetag(tagger="t2", done=3, total=6, cut_off=True).model_dump()
    assert failed["error"] == "the box's disk is full" and cut["cut_off"] is True
    lib = {"id": "lib-a-1", "tagger": "t1", "stopped_retag": failed}
    assert "a re-tag with t2 failed at 3 of 6: the box's disk is full: every file keeps its tags from t1" in \
        stopped_retag_line(lib)
    assert "was cut off by a restart at 3 of 6" in stopped_retag_line({**lib, "stopped_retag": cut})


def test_hatbox_tag_reads_a_full_disk_that_sqlite_calls_read_only_as_full(tmp_path, monkeypatch) -> None:
    import sqlite3

    from device.library import db as libdb
    from device.library.tag import _write_error
    monkeypatch.setattr(libdb, "disk_full_at", lambda path: True)
    err = _write_error(tmp_path / "tags.db", sqlite3.OperationalError("attempt to write a readonly database"))
    assert "the disk is full" in str(err) and "read-only" not in str(err)

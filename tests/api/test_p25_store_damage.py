"""The box's store after a hands-on pass that damaged it the ways an SD card or a person would (twenty-fifth stop)."""
from __future__ import annotations

import logging
from pathlib import Path

import pytest

from device.api.libraries import Libraries


def test_a_library_folder_without_its_record_is_kept_and_listed_failed_not_deleted(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Before: at start the box deleted any folder under libraries/ without a library.json, samples, tags.db and
    corrections with it, and a folder of samples a person copied in, saying nothing anywhere."""
    root = tmp_path / "libs"
    lost = root / "lib-kit-a8d3d8"                       # a library whose library.json went: files and tags.db stay
    (lost / "files").mkdir(parents=True)
    (lost / "files" / "kick.wav").write_bytes(b"RIFF")
    (lost / "tags.db").write_bytes(b"SQLite format 3\0")
    mine = root / "My Kit"                               # copied in by hand
    mine.mkdir()
    (mine / "snare.wav").write_bytes(b"RIFF")
    half = root / "lib-drums-0badc0"                      # an upload cut off between its unpacking and its record
    (half / "files").mkdir(parents=True)
    (root / "notes.txt").write_text("mine")
    with caplog.at_level(logging.WARNING):
        libs = Libraries(root)
    listed = {info["id"]: info for info in libs.list()}
    assert set(listed) == {"lib-kit-a8d3d8", "My Kit"}
    assert listed["lib-kit-a8d3d8"]["state"] == "failed" and listed["lib-kit-a8d3d8"]["accepted"] == 1
    assert "its record is damaged" in listed["My Kit"]["error"]
    assert (lost / "tags.db").exists() and (mine / "snare.wav").exists() and (root / "notes.txt").read_text() == "mine"
    assert not half.exists()
    said = caplog.text
    assert "removing library folder lib-drums-0badc0: an upload a restart cut off" in said
    assert "its library.json is missing" in said and "notes.txt is not a library" in said

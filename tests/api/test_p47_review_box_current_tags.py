"""Forty-seventh stop, review of the box side (K2): one reading of a file's tags now, for one file or many.

device/api/kit_tags.py held a second copy of device.library.query.current_tags's query and reached into open_db's
private names.  Now query.current_tags_of reads any number of files through one connection, current_tags is it for
one file, and the kit listing uses it (tests/api/test_p47_kit_tags_once.py counts the openings)."""
from __future__ import annotations

from pathlib import Path

import pytest

from device import library
from device.api import kit_tags
from device.library import db as libdb
from device.library import query
from tests.api.test_p47_kit_tags_once import kit_library


def test_current_tags_of_reads_many_files_with_one_connection(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    kit_library(tmp_path, "lib", 4)
    files, db = tmp_path / "lib" / "files", tmp_path / "lib" / "tags.db"
    library.set_tags(db, files / "s2.wav", ["tom", "clap"])
    opened: list[str] = []
    real = libdb.connect
    monkeypatch.setattr(libdb, "connect", lambda path, *a, **k: opened.append(str(path)) or real(path, *a, **k))
    asked = [files / f"s{i}.wav" for i in range(4)] + ["s1.wav", files / "not there.wav"]
    found = query.current_tags_of(db, asked)
    assert len(opened) == 1
    assert found == {**{files / f"s{i}.wav": ["kick"] for i in (0, 1, 3)}, files / "s2.wav": ["clap", "tom"],
                     "s1.wav": ["kick"], files / "not there.wav": []}
    assert [query.current_tags(db, p) for p in asked] == list(found.values())


def test_the_kit_listing_has_no_query_of_its_own() -> None:
    source = Path(kit_tags.__file__).read_text()
    assert "effective_tags" not in source and "_open" not in source and "_relative" not in source

"""Forty-first stop, QA with a full disk: a correction the box's full disk did not take is said as a full disk (507,
"make room"), as --retag, box-pack --activate and push say it; SQLite calls it "attempt to write a readonly database"
when the disk will not take its journal, and the box answered "the database file is read-only" with a chmod hint."""
from __future__ import annotations

import shutil
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest

from device.library import db as libdb
from tests.api.conftest import BoxUnderTest, make_box, wav_bytes, zip_bytes
from tests.api.packs import tagger_pack

READONLY = "attempt to write a readonly database"


def _full_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    """The disk has a few KiB left: SQLite's writes fail as it fails them then."""
    real = shutil.disk_usage
    monkeypatch.setattr(shutil, "disk_usage", lambda p: real(p)._replace(free=4096))

    def refused(*args: Any, **kw: Any) -> None:
        raise sqlite3.OperationalError(READONLY)
    monkeypatch.setattr(libdb, "put_user_tags", refused)


def _tagged_library(tmp_path: Path) -> tuple[BoxUnderTest, str]:
    box = make_box(tmp_path)
    assert box.push(tagger_pack(tmp_path / "t.hatpack")).status_code == 201
    kit = zip_bytes({f"kit/s{i}.wav": wav_bytes(2400 + 480 * i) for i in range(3)})
    lid = box.client.post("/libraries", content=kit, headers=box.auth).json()["id"]
    end = time.monotonic() + 20
    while box.client.get(f"/libraries/{lid}", headers=box.auth).json()["state"] == "tagging":
        assert time.monotonic() < end
        time.sleep(0.02)
    return box, lid


def test_sqlites_read_only_on_a_full_disk_is_a_full_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "tags.db"
    libdb.connect(db).close()
    assert libdb.write_trouble(sqlite3.OperationalError(READONLY), db) == "read-only"     # room on the disk
    monkeypatch.setattr(shutil, "disk_usage", lambda p: shutil._ntuple_diskusage(1 << 30, 1 << 30, 0))
    assert libdb.write_trouble(sqlite3.OperationalError(READONLY), db) == "full"
    assert libdb.write_trouble(sqlite3.OperationalError(READONLY)) == "read-only"         # no path: as it says
    assert libdb.write_trouble(sqlite3.OperationalError("database is locked"), db) == "locked"


def test_a_correction_on_a_full_box_says_the_disk_is_full(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    box, lid = _tagged_library(tmp_path)
    _full_disk(monkeypatch)
    r = box.client.put(f"/libraries/{lid}/files/tags", json={"path": "kit/s1.wav", "tags": ["snare"]},
                       headers=box.auth)
    assert r.status_code == 507, r.text
    body = r.json()
    assert body["message"] == "the box's disk is full: the correction of kit/s1.wav was not kept; nothing was changed"
    assert body["hint"].startswith("make room: hatbox box-library lists the libraries") and "chmod" not in r.text
    r = box.client.post(f"/libraries/{lid}/fixes", json={"fixes": [{"path": "kit/s1.wav", "tags": ["snare"]}]},
                        headers=box.auth)
    assert r.status_code == 507, r.text
    assert "the box's disk is full: the corrections sent were not kept" in r.json()["message"]

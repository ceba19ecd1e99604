"""Forty-fifth stop: "oldest first" among uploaded libraries (the panel's Library page, the libraries waiting for a
tagger) followed the box's wall clock, which on a board with no battery clock reads 1970 until the network sets it:
a library sent once the clock was set, then one sent after a restart without network, listed the newer first.
Each upload now gets an install sequence number (``seq`` in library.json), as packs do (device/store.py); libraries
from before it have none and come first, by their upload time (device/versions.py ``upload_order``)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator

import pytest

from device.api.libraries import Libraries
from device.ui.data import StoreData
from tests.api.test_libraries import _library_zip

SET_CLOCK = 1_780_000_000.0          # 2026: the network had set the clock
NO_CLOCK = 86_400.0                  # 1970-01-02: a restart with no battery clock and no network


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return tmp_path / "box"


def _upload(libs: Libraries, tmp_path: Path, name: str, clock: float, monkeypatch: pytest.MonkeyPatch) -> str:
    """Library ``name`` (two silent WAVs) uploaded while the box's wall clock reads ``clock``; its id."""
    archive = tmp_path / f"{name}.zip"
    archive.write_bytes(_library_zip(2))
    with monkeypatch.context() as m:
        m.setattr("device.api.libraries.time.time", lambda: clock)
        return libs.ingest(archive, name, None, None)["id"]     # no tagger: untagged, no thread started


@pytest.fixture
def two_uploads(store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Libraries, list[str]]]:
    """Libraries ``first`` (clock set) then ``second`` (the clock back at 1970) uploaded to ``store``."""
    libs = Libraries(store / "libraries")
    ids = [_upload(libs, tmp_path, "first", SET_CLOCK, monkeypatch),
           _upload(libs, tmp_path, "second", NO_CLOCK, monkeypatch)]
    yield libs, ids
    libs.shutdown(1.0)


def test_the_libraries_waiting_for_a_tagger_are_in_upload_order_whatever_the_clock(two_uploads) -> None:
    libs, ids = two_uploads
    assert [libs.get(i)["seq"] for i in ids] == [1, 2]
    assert libs.waiting() == ids


def test_the_panels_library_page_lists_the_oldest_upload_first_whatever_the_clock(two_uploads, store: Path) -> None:
    libs, ids = two_uploads
    data = StoreData(store)                           # the records on disk (the panel alone)
    assert [s.name for s in data.shelf()] == ["first", "second"]
    data.listing = libs.list                          # the API's records in memory (panel and API in one process)
    assert [s.name for s in data.shelf()] == ["first", "second"]


def test_the_sequence_goes_on_after_a_restart_and_after_a_delete(two_uploads, store: Path, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    libs, ids = two_uploads
    libs.delete(ids[0])
    again = Libraries(store / "libraries")
    third = _upload(again, tmp_path, "third", NO_CLOCK - 3600, monkeypatch)
    assert again.get(third)["seq"] == 3 and again.waiting() == [ids[1], third]
    again.shutdown(1.0)


def _record(store: Path, lid: str, **info: object) -> None:
    folder = store / "libraries" / lid
    (folder / "files").mkdir(parents=True)
    base = {"id": lid, "name": lid, "state": "untagged", "accepted": 1, "rejected": 0, "skipped": 0, "files": [],
            "progress": {"done": 0, "total": 1}, "results": None, "error": None}
    (folder / "library.json").write_text(json.dumps({**base, **info}))


def test_libraries_from_before_the_sequence_come_first_by_their_upload_time(store: Path) -> None:
    _record(store, "lib-new-000001", uploaded=10.0, seq=1)           # after the update, the clock at 1970
    _record(store, "lib-old-b-000002", uploaded=SET_CLOCK + 5)       # before it: no sequence
    _record(store, "lib-old-a-000003", uploaded=SET_CLOCK)
    _record(store, "lib-odd-000004", uploaded="yesterday", seq=True)  # neither read as a number: 0 and 0
    assert [s.name for s in StoreData(store).shelf()] == ["lib-odd-000004", "lib-old-a-000003", "lib-old-b-000002",
                                                          "lib-new-000001"]
    from device.versions import upload_order
    assert upload_order({"uploaded": float("nan"), "id": "x"}) == (0, 0.0, "x")

"""Storage errors off the upload path, QA round 20: every one a clear ErrorBody, never a bare 500.

Putting the active pointer back after the engine refused a pack (activate, an upload with ``?activate=true``,
rollback) on a full disk or failing storage is 507 / 500 "storage failed" saying what the box is left with;
deleting a library whose folder cannot be moved aside is 500 "storage failed" with nothing deleted (and one
moved aside is deleted, whatever follows); ``GET /status`` answers (free space null) when the disk's figures
cannot be read, and reports the free space the upload checks go by."""
from __future__ import annotations

import errno
import os
import shutil
import threading
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

import device.api.libraries as libraries_mod
import device.api.uploads as uploads_mod
from device.audio.audiofile import free_bytes
from device.store import PackStore
from hatbox.cli import main
from tests.api.conftest import BoxUnderTest, PairedServer, make_box
from tests.api.packs import gain_pack, tagger_pack
from tests.api.test_libraries import _library_zip

POINTER_FAILURES = [(errno.EIO, 500, "storage failed"), (errno.ENOSPC, 507, "no space")]
POINTER_IDS = ["EIO", "ENOSPC"]


def _raw(box: BoxUnderTest) -> TestClient:
    """A client that returns what the box answers to a server error instead of raising it."""
    return TestClient(box.app, raise_server_exceptions=False)


def _restore_fails(monkeypatch: pytest.MonkeyPatch, code: int) -> None:
    def failing(self: PackStore, pointer: Any) -> None:
        raise OSError(code, os.strerror(code))
    monkeypatch.setattr(PackStore, "restore_pointer", failing)


def _assert_left_listing(r: Any, box: BoxUnderTest, status: int, error: str, refused: str, playing: str) -> None:
    """The answer says the engine refused ``refused``, plays ``playing`` on, and the box lists ``refused`` active."""
    assert r.status_code == status, r.text
    body = r.json()
    assert body["error"] == error and body["hint"], body
    assert f"after the engine refused pack '{refused}'" in body["message"], body
    assert f"the engine plays '{playing}' as before" in body["message"], body
    assert f"lists '{refused}' as the active effect pack" in body["message"], body
    assert "Traceback" not in r.text and str(box.store_dir) not in r.text
    assert box.active() == refused                                  # what the message says, and nothing else
    assert box.control.active["effect"]["path"].endswith(f"{playing}/pack.hatpack")


@pytest.mark.parametrize(("code", "status", "error"), POINTER_FAILURES, ids=POINTER_IDS)
def test_activate_whose_pointer_cannot_be_put_back_says_so(playing, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           code: int, status: int, error: str) -> None:
    box, good = playing
    other = box.push(gain_pack(tmp_path / "o.hatpack", "other", "1.0.0"), activate=False).json()["pack"]["id"]
    box.control.refuse = True
    _restore_fails(monkeypatch, code)
    r = _raw(box).post(f"/packs/{other}/activate", headers=box.auth)
    _assert_left_listing(r, box, status, error, other, good)
    assert "nothing was changed" not in r.json()["message"]


@pytest.mark.parametrize(("code", "status", "error"), POINTER_FAILURES, ids=POINTER_IDS)
def test_upload_whose_pointer_cannot_be_put_back_says_so(playing, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         code: int, status: int, error: str) -> None:
    box, good = playing
    box.control.refuse = True
    _restore_fails(monkeypatch, code)
    r = _raw(box).post("/packs", params={"activate": True},
                       content=gain_pack(tmp_path / "n.hatpack", "new", "1.0.0").read_bytes(), headers=box.auth)
    new = next(p["id"] for p in box.client.get("/packs", headers=box.auth).json() if p["id"] != good)
    _assert_left_listing(r, box, status, error, new, good)


@pytest.mark.parametrize(("code", "status", "error"), POINTER_FAILURES, ids=POINTER_IDS)
def test_rollback_whose_pointer_cannot_be_put_back_is_no_bare_500(playing, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch,
                                                                  code: int, status: int, error: str) -> None:
    box, good = playing
    other = box.push(gain_pack(tmp_path / "o.hatpack", "other", "1.0.0")).json()["pack"]["id"]
    box.control.refuse = True
    _restore_fails(monkeypatch, code)
    r = _raw(box).post("/slots/effect/rollback", headers=box.auth)
    _assert_left_listing(r, box, status, error, good, other)
    monkeypatch.undo()
    box.control.refuse = False                                       # making the wanted pack active mends it
    assert box.client.post(f"/packs/{other}/activate", headers=box.auth).status_code == 200
    assert box.active() == other and PackStore(box.store_dir).problems() == []


class StoppableTagger:
    """Tags one file a second until cancelled (a library that is being tagged when it is deleted)."""

    def __init__(self) -> None:
        self.started = threading.Event()

    def __call__(self, root: Path, pack: Path, db_path: Path, progress: Any, cancel: threading.Event) -> dict:
        self.started.set()
        files = sorted(Path(root).rglob("*.wav"))
        for i in range(len(files)):
            if cancel.wait(1):
                return {"tagged": i}
            progress(i + 1, len(files))
        return {"tagged": len(files)}


def test_delete_library_whose_folder_cannot_be_moved_is_storage_failed_and_keeps_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tagger = StoppableTagger()
    box = make_box(tmp_path, tagger=tagger)
    assert box.push(tagger_pack(tmp_path / "t.hatpack")).status_code == 201
    lid = box.client.post("/libraries", content=_library_zip(3), headers=box.auth).json()["id"]
    assert tagger.started.wait(5)

    real_replace = os.replace

    def failing(src: Any, dst: Any) -> None:         # moving the library aside fails; its record still gets written
        if Path(src).name == lid:
            raise OSError(errno.EIO, "Input/output error")
        real_replace(src, dst)
    monkeypatch.setattr(libraries_mod.os, "replace", failing)
    r = _raw(box).delete(f"/libraries/{lid}", headers=box.auth)
    monkeypatch.undo()
    assert r.status_code == 500, r.text
    body = r.json()
    assert body["error"] == "storage failed" and "check the box's storage" in body["hint"], body
    assert f"the box's storage failed while deleting library '{lid}' (Input/output error)" in body["message"]
    assert "nothing was deleted: the library is still there, whole" in body["message"], body
    assert f"hatbox box-library {lid} --retag" in body["message"]        # its tagging was stopped for the delete
    assert "Traceback" not in r.text and str(box.store_dir) not in r.text
    listed = box.client.get(f"/libraries/{lid}", headers=box.auth).json()
    assert listed["state"] == "cancelled" and listed["accepted"] == 3
    assert len(list((box.store_dir / "libraries" / lid / "files").rglob("*.wav"))) == 3
    assert box.client.delete(f"/libraries/{lid}", headers=box.auth).status_code == 204
    assert box.library_dirs() == [".trash"] and not list((box.store_dir / "libraries" / ".trash").iterdir())


def test_delete_library_goes_through_when_the_folder_sync_after_the_move_fails(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    box = make_box(tmp_path)
    lid = box.client.post("/libraries", content=_library_zip(1), headers=box.auth).json()["id"]

    def failing_sync(path: Path) -> None:
        raise OSError(errno.EIO, "Input/output error")
    monkeypatch.setattr(libraries_mod, "fsync_dir", failing_sync)
    r = _raw(box).delete(f"/libraries/{lid}", headers=box.auth)        # moved aside: gone, whatever the sync
    assert r.status_code == 204, r.text
    monkeypatch.undo()
    assert box.client.get("/libraries", headers=box.auth).json() == [] and box.library_dirs() == [".trash"]


def test_status_answers_when_the_disk_cannot_be_read(box: BoxUnderTest, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(uploads_mod, "free_bytes", lambda _folder: 12345)
    disk = box.client.get("/status", headers=box.auth).json()["disk"]
    assert disk["free_bytes"] == 12345 and disk["total_bytes"] > 0        # the figure the upload checks go by

    def broken(_folder: Any) -> Any:
        raise OSError(errno.EIO, "Input/output error")
    monkeypatch.setattr(uploads_mod, "free_bytes", free_bytes)    # the one reading of the free space, on a failing disk
    monkeypatch.setattr(shutil, "disk_usage", broken)
    r = _raw(box).get("/status", headers=box.auth)
    assert r.status_code == 200, r.text
    assert r.json()["disk"] == {"free_bytes": None, "total_bytes": None} and r.json()["packs"] == []


def test_the_laptop_status_says_free_space_unknown(paired_server: PairedServer, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: Any) -> None:
    def broken(_folder: Any) -> Any:
        raise OSError(errno.EIO, "Input/output error")
    monkeypatch.setattr(shutil, "disk_usage", broken)
    capsys.readouterr()
    assert main(["status"]) == 0
    assert "0 libraries, free space unknown" in capsys.readouterr().out

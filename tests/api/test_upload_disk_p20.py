"""Uploads and the pointer, QA round 20: the box's disk failing or full is a clear JSON answer, never a bare 500.

An I/O error (or any OSError but a full disk) while a pack or a library is received, installed, unpacked or
made active is 500 "storage failed" (an ErrorBody: what failed, that nothing of the upload was kept, a hint
to check the box's storage), and the box keeps nothing of that upload.  Activating, rolling back or emptying a
slot on a full disk is 507 "no space" with nothing changed.  An upload whose Content-Length is over the
store's free space (less a reserve) is refused with 507 before a byte of its body is read; a chunked upload
(no Content-Length) goes on as before."""
from __future__ import annotations

import errno
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

import device.api.uploads as uploads_mod
import device.library.archive as archive_mod
from device.store import META_FILE, POINTER, PackStore
from hatbox.cli import main
from tests.api.conftest import BoxUnderTest, wav_bytes, zip_bytes
from tests.api.packs import gain_pack
from tests.api.test_pack_space_p19h import (_assert_nothing_kept, _big, _disk_fills_receiving, _disk_fills_writing,
                                            _FillingFile)

FAILURES = [errno.EIO, errno.EROFS, errno.EACCES]
FAILURE_IDS = ["EIO", "EROFS", "EACCES"]


def _raw(box: BoxUnderTest) -> TestClient:
    """A client that returns what the box answers to a server error instead of raising it."""
    return TestClient(box.app, raise_server_exceptions=False)


def _assert_storage_failed(r: Any, box: BoxUnderTest, doing: str, what: str = "pack") -> dict[str, Any]:
    assert r.status_code == 500, r.text
    body = r.json()
    assert set(body) == {"error", "message", "check", "hint"}, body
    assert body["error"] == "storage failed", body
    assert f"the box's storage failed while {doing}" in body["message"], body
    assert "storage" in body["hint"] and "try again" in body["hint"], body
    assert "Traceback" not in r.text and str(box.store_dir) not in r.text
    return body


def _assert_no_space(r: Any, box: BoxUnderTest) -> dict[str, Any]:
    assert r.status_code == 507, r.text
    body = r.json()
    assert body["error"] == "no space" and "hatbox box-pack" in body["hint"], body
    assert "Traceback" not in r.text and str(box.store_dir) not in r.text
    return body


# ------------------------------------------------------------------------- 1. a pack: storage failing
@pytest.mark.parametrize("code", FAILURES, ids=FAILURE_IDS)
def test_storage_error_receiving_a_pack_is_a_clear_500_and_keeps_nothing(playing, tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch,
                                                                        code: int) -> None:
    box, good = playing
    _disk_fills_receiving(monkeypatch, 100_000, code)
    r = _raw(box).post("/packs", params={"activate": True}, content=_big(tmp_path).read_bytes(), headers=box.auth)
    body = _assert_storage_failed(r, box, "receiving the pack")
    assert "nothing of the pack was kept" in body["message"] and "no space" not in r.text
    monkeypatch.undo()
    _assert_nothing_kept(box, good)


@pytest.mark.parametrize(("name", "doing"), [(META_FILE, "installing the pack"),
                                             (POINTER, "making the pack active")], ids=["installing", "activating"])
def test_storage_error_installing_or_activating_an_uploaded_pack_keeps_nothing(
        playing, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, doing: str) -> None:
    box, good = playing
    asked = _disk_fills_writing(monkeypatch, name, errno.EIO)
    r = _raw(box).post("/packs", params={"activate": True}, content=_big(tmp_path).read_bytes(), headers=box.auth)
    body = _assert_storage_failed(r, box, doing)
    assert asked and "nothing of the pack was kept" in body["message"]
    monkeypatch.undo()
    _assert_nothing_kept(box, good)


def test_push_shows_the_storage_error(paired_server, tmp_path: Path, capsys,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    _, app, _ = paired_server
    assert main(["push", str(gain_pack(tmp_path / "good.hatpack", "good", "1.0.0")), "--activate", "--quiet"]) == 0
    good = app.state.box.store.active()["effect"]
    capsys.readouterr()
    _disk_fills_receiving(monkeypatch, 64 << 10, errno.EIO)
    assert main(["push", str(_big(tmp_path)), "--activate", "--quiet"]) != 0
    err = capsys.readouterr().err
    assert "storage failed while receiving the pack" in err and "check the box's storage" in err, err
    assert "Traceback" not in err
    store = app.state.box.store
    assert store.ids() == [good] and store.active()["effect"] == good and store.problems() == []


# --------------------------------------------------------------------- 2. a library: storage failing
def _library(box: BoxUnderTest) -> bytes:
    return zip_bytes({"kit/a.wav": wav_bytes(), "kit/b.wav": wav_bytes(), "kit/c.wav": wav_bytes()})


def _assert_no_library(box: BoxUnderTest, good: str) -> None:
    assert box.library_dirs() == [] and box.client.get("/libraries", headers=box.auth).json() == []
    assert not list((box.store_dir / "tmp").iterdir())
    assert box.active() == good and PackStore(box.store_dir).problems() == []


def test_storage_error_receiving_a_library_is_500_not_archive_rejected(playing, monkeypatch: pytest.MonkeyPatch
                                                                      ) -> None:
    box, good = playing
    _disk_fills_receiving(monkeypatch, 1000, errno.EIO)
    r = _raw(box).post("/libraries", params={"name": "kit"}, content=_library(box), headers=box.auth)
    body = _assert_storage_failed(r, box, "receiving the library")
    assert "nothing of the library was kept" in body["message"]
    monkeypatch.undo()
    _assert_no_library(box, good)


def test_storage_error_unpacking_a_member_refuses_the_whole_library(playing, monkeypatch: pytest.MonkeyPatch
                                                                   ) -> None:
    """Before: that member was rejected ("could not be written on the box") and the library kept without it."""
    box, good = playing
    real = open

    def failing_open(path: Any, mode: str = "r", *a: Any, **kw: Any) -> Any:
        fh = real(path, mode, *a, **kw)
        return _FillingFile(fh, 100, errno.EIO) if mode == "xb" and str(path).endswith("b.wav") else fh
    monkeypatch.setattr(archive_mod, "open", failing_open, raising=False)
    r = _raw(box).post("/libraries", params={"name": "kit"}, content=_library(box), headers=box.auth)
    body = _assert_storage_failed(r, box, "writing kit/b.wav")
    assert "nothing of the library was kept" in body["message"]
    monkeypatch.undo()
    _assert_no_library(box, good)


def test_a_member_the_file_system_refuses_is_still_rejected_alone(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Not every OSError is the storage failing: a name too long for the file system rejects that member."""
    real = open

    def long_name(path: Any, mode: str = "r", *a: Any, **kw: Any) -> Any:
        if mode == "xb" and str(path).endswith("b.wav"):
            raise OSError(errno.ENAMETOOLONG, "File name too long")
        return real(path, mode, *a, **kw)
    monkeypatch.setattr(archive_mod, "open", long_name, raising=False)
    arc = tmp_path / "kit.zip"
    arc.write_bytes(zip_bytes({"kit/a.wav": wav_bytes(), "kit/b.wav": wav_bytes()}))
    report = archive_mod.unpack_archive(arc, tmp_path / "out")
    assert [f.path for f in report.accepted] == ["kit/a.wav"]
    assert "File name too long" in report.rejected[0].reason


# --------------------------------------------------------------------- 3. the pointer on a full disk
def _two_packs(box: BoxUnderTest, tmp_path: Path) -> tuple[str, str]:
    """(the active pack, the one before it in the slot's history)."""
    first = box.push(gain_pack(tmp_path / "one.hatpack", "one", "1.0.0")).json()["pack"]["id"]
    second = box.push(gain_pack(tmp_path / "two.hatpack", "two", "1.0.0")).json()["pack"]["id"]
    assert box.active() == second
    return second, first


def _assert_unchanged(box: BoxUnderTest, active: str, history: list[str]) -> None:
    store = PackStore(box.store_dir)
    assert store.active()["effect"] == active and store.pointer().history["effect"] == history
    assert box.control.active["effect"]["path"].endswith(f"{active}/pack.hatpack")
    assert not list((box.store_dir / "tmp").iterdir()) and store.problems() == []


@pytest.mark.parametrize("call", ["activate", "rollback", "deactivate"])
def test_full_disk_switching_the_pointer_is_507_and_changes_nothing(box: BoxUnderTest, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch,
                                                                   call: str) -> None:
    active, older = _two_packs(box, tmp_path)
    history = PackStore(box.store_dir).pointer().history["effect"]
    asked = _disk_fills_writing(monkeypatch, POINTER)
    path = {"activate": f"/packs/{older}/activate", "rollback": "/slots/effect/rollback",
            "deactivate": "/slots/effect/deactivate"}[call]
    body = _assert_no_space(_raw(box).post(path, headers=box.auth), box)
    assert asked and "the box's disk filled up while" in body["message"]
    assert "nothing was changed" in body["message"] and "try again" in body["hint"]
    monkeypatch.undo()
    _assert_unchanged(box, active, history)


def test_storage_error_activating_is_a_clear_500_and_changes_nothing(box: BoxUnderTest, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    active, older = _two_packs(box, tmp_path)
    history = PackStore(box.store_dir).pointer().history["effect"]
    _disk_fills_writing(monkeypatch, POINTER, errno.EIO)
    body = _assert_storage_failed(_raw(box).post(f"/packs/{older}/activate", headers=box.auth), box,
                                  f"making pack '{older}' active")
    assert "nothing was changed" in body["message"]
    monkeypatch.undo()
    _assert_unchanged(box, active, history)


# ------------------------------------------------------------- 4. Content-Length over the free space
def _no_writes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record every file app.py opens for writing (the upload's body going to disk)."""
    opened: list[str] = []
    real = open

    def recording(path: Any, mode: str = "r", *a: Any, **kw: Any) -> Any:
        if "w" in mode:
            opened.append(str(path))
        return real(path, mode, *a, **kw)
    monkeypatch.setattr(uploads_mod, "open", recording, raising=False)
    return opened


@pytest.mark.parametrize("what", ["pack", "library"])
def test_upload_declared_over_the_free_space_is_507_before_the_body_is_read(playing, tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch,
                                                                           what: str) -> None:
    box, good = playing
    data = _big(tmp_path).read_bytes() if what == "pack" else _library(box)
    asked: list[Path] = []

    def free(folder: Path) -> int:
        asked.append(Path(folder))
        return 1000 + (16 << 20)                   # 1000 bytes more than the reserve
    monkeypatch.setattr(uploads_mod, "free_bytes", free, raising=False)
    opened = _no_writes(monkeypatch)
    r = _raw(box).post("/packs" if what == "pack" else "/libraries", content=data, headers=box.auth)
    assert r.status_code == 507, r.text
    body = r.json()
    assert body["error"] == "no space" and f"the {what} is {len(data)} bytes" in body["message"], body
    assert f"nothing of the {what} was received" in body["message"] and "hatbox box-" in body["hint"]
    assert opened == [] and asked and asked[0].is_relative_to(box.store_dir)
    monkeypatch.undo()
    _assert_nothing_kept(box, good)
    assert box.library_dirs() == []


def test_upload_that_fits_the_free_space_goes_on(playing, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    box, good = playing
    data = _big(tmp_path).read_bytes()
    monkeypatch.setattr(uploads_mod, "free_bytes", lambda _folder: len(data) + uploads_mod.UPLOAD_RESERVE_BYTES)
    r = box.client.post("/packs", content=data, headers=box.auth)
    assert r.status_code == 201, r.text


def test_chunked_upload_is_not_held_to_the_free_space(playing, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a Content-Length there is nothing to check first: the upload is received as before."""
    box, good = playing
    data = _big(tmp_path).read_bytes()
    monkeypatch.setattr(uploads_mod, "free_bytes", lambda _folder: 0)

    def chunks() -> Any:
        for i in range(0, len(data), 64 << 10):
            yield data[i:i + (64 << 10)]
    r = box.client.post("/packs", content=chunks(), headers=box.auth)
    assert r.status_code == 201, r.text


def test_unreadable_free_space_does_not_block_uploads(playing, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    box, good = playing
    monkeypatch.setattr(uploads_mod, "free_bytes", lambda _folder: None)     # a failing disk: cannot be told
    r = box.client.post("/packs", content=_big(tmp_path).read_bytes(), headers=box.auth)
    assert r.status_code == 201, r.text

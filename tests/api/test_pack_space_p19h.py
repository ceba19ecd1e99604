"""Packs, QA round 19: a pack upload that fills the box's disk (ENOSPC or EDQUOT) while it is received,
installed or made active is refused like a library's: 507 "no space" with the hint that names `hatbox
box-pack`, nothing of it left in the store (no upload in tmp/, no staging folder, no half-installed or
installed-but-unasked pack), the previously active pack still active and playing, and `hatbox push` fails
with the box's message.  Deleting an old pack (what that hint says to do) works on a full disk.  The 404 for
an unknown pack points at `hatbox box-pack`, which lists the ids (`hatbox status` only counts them)."""
from __future__ import annotations

import errno
from pathlib import Path
from typing import Any

import pytest

import device.api.uploads as uploads_mod
import device.store as store_mod
from device.store import META_FILE, POINTER, PackStore
from hatbox.cli import main
from tests.api.conftest import BoxUnderTest
from tests.api.packs import gain_pack

CODES = [errno.ENOSPC, errno.EDQUOT]
IDS = ["ENOSPC", "EDQUOT"]


def _full(code: int) -> OSError:
    return OSError(code, "No space left on device" if code == errno.ENOSPC else "Disk quota exceeded")


class _FillingFile:
    """A file opened for writing on a disk that fills after ``room`` bytes: the write that crosses it
    writes what fits, then raises (as a real full disk does)."""

    def __init__(self, fh: Any, room: int, code: int) -> None:
        self._fh, self._room, self._code = fh, room, code

    def write(self, data: bytes) -> int:
        if len(data) > self._room:
            self._fh.write(data[: self._room])
            self._room = 0
            raise _full(self._code)
        self._room -= len(data)
        return self._fh.write(data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._fh, name)

    def __enter__(self) -> "_FillingFile":
        return self

    def __exit__(self, *exc: Any) -> None:
        self._fh.close()


def _disk_fills_receiving(monkeypatch: pytest.MonkeyPatch, room: int, code: int = errno.ENOSPC) -> None:
    """The box's disk fills once ``room`` bytes of an upload are written to tmp/."""
    monkeypatch.setattr(uploads_mod, "open", lambda path, mode="r", *a, **kw: _FillingFile(open(path, mode, *a, **kw),
                                                                                        room, code), raising=False)


def _disk_fills_writing(monkeypatch: pytest.MonkeyPatch, name: str, code: int = errno.ENOSPC) -> list[Path]:
    """The store's atomic write of a file called ``name`` (meta.json, active.json) fails for a full disk
    (write_atomic removes its temporary file, the old file stays); returns the paths it was asked for."""
    asked: list[Path] = []
    real = store_mod.write_atomic

    def write(path: Path, data: bytes) -> None:
        if Path(path).name != name:
            return real(path, data)
        asked.append(Path(path))
        raise _full(code)
    monkeypatch.setattr(store_mod, "write_atomic", write)
    return asked


def _big(tmp_path: Path) -> Path:
    return gain_pack(tmp_path / "big.hatpack", "big", "2.0.0", pad_bytes=300_000)


def _assert_nothing_kept(box: BoxUnderTest, good: str) -> None:
    """Only the good pack installed, it is active in the store and in the engine, nothing in tmp/ or trash/."""
    assert [p["id"] for p in box.client.get("/packs", headers=box.auth).json()] == [good]
    assert sorted(p.name for p in (box.store_dir / "packs").iterdir()) == [good]
    assert box.active() == good
    assert box.control.active["effect"]["path"].endswith(f"{good}/pack.hatpack")
    assert not list((box.store_dir / "tmp").iterdir()) and not list((box.store_dir / "trash").iterdir())
    assert PackStore(box.store_dir).problems() == []


def _assert_no_space(r: Any, box: BoxUnderTest, doing: str) -> dict[str, Any]:
    assert r.status_code == 507, r.text
    body = r.json()
    assert body["error"] == "no space", body
    assert f"the box's disk filled up while {doing}" in body["message"], body
    assert "hatbox box-pack" in body["hint"] and "--delete" in body["hint"], body
    assert "Traceback" not in r.text and str(box.store_dir) not in r.text
    return body


# ----------------------------------------------------------------------------------- 1. while receiving
@pytest.mark.parametrize("code", CODES, ids=IDS)
def test_disk_full_while_receiving_a_pack_is_507_and_keeps_nothing(playing, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch,
                                                                  code: int) -> None:
    box, good = playing
    _disk_fills_receiving(monkeypatch, 100_000, code)
    r = box.push(_big(tmp_path))
    body = _assert_no_space(r, box, "receiving the pack")
    assert "nothing of the pack was kept" in body["message"]
    assert ("No space left on device" if code == errno.ENOSPC else "Disk quota exceeded") in body["message"]
    _assert_nothing_kept(box, good)


def test_disk_full_before_a_pack_upload_starts_is_507(playing, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    box, good = playing

    def no_inode(*_a: Any, **_kw: Any) -> Path:
        raise _full(errno.ENOSPC)
    monkeypatch.setattr(box.app.state.box.store, "new_upload", no_inode)
    _assert_no_space(box.push(_big(tmp_path)), box, "starting to receive the pack")
    _assert_nothing_kept(box, good)


def test_other_write_errors_are_not_called_a_full_disk(playing, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    box, _ = playing
    _disk_fills_receiving(monkeypatch, 100_000, errno.EIO)
    r = box.push(_big(tmp_path))                        # answered (twentieth stop), not a full disk
    assert r.status_code == 500 and r.json()["error"] == "storage failed", r.text
    assert "full" not in r.json()["message"]
    assert not list((box.store_dir / "tmp").iterdir())


# ---------------------------------------------------------------- 2. while installing or making it active
@pytest.mark.parametrize("code", CODES, ids=IDS)
@pytest.mark.parametrize(("name", "doing", "said"), [
    (META_FILE, "installing the pack", "nothing of the pack was kept"),    # its staging folder held it all
    (POINTER, "making the pack active", "nothing of the pack was kept; the active pack is unchanged"),
], ids=["installing", "activating"])
def test_disk_full_while_installing_or_activating_an_uploaded_pack_keeps_nothing(
        playing, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, name: str, doing: str,
        said: str) -> None:
    box, good = playing
    asked = _disk_fills_writing(monkeypatch, name, code)
    body = _assert_no_space(box.push(_big(tmp_path), activate=True), box, doing)
    assert asked and said in body["message"]
    monkeypatch.undo()
    _assert_nothing_kept(box, good)                     # a staging folder or a taken-back pack: gone too


def test_store_install_removes_its_stage_when_the_disk_fills(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from export.pack import read_pack

    src = _big(tmp_path)
    store = PackStore(tmp_path / "store")
    up = store.new_upload()
    up.write_bytes(src.read_bytes())
    _disk_fills_writing(monkeypatch, META_FILE)
    with pytest.raises(OSError):
        store.install(up, read_pack(src).manifest, store_mod.file_sha256(src), {"checks": []})
    assert not list(store.tmp.iterdir()) and store.ids() == [] and store.problems() == []


# ------------------------------------------------------------------------------ 3. while making it active
def test_disk_full_activating_a_pack_installed_before_keeps_it_installed(playing, tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    box, good = playing
    big = _big(tmp_path)
    first = box.push(big, activate=False)
    assert first.status_code == 201, first.text
    other = first.json()["pack"]["id"]
    _disk_fills_writing(monkeypatch, POINTER)
    body = _assert_no_space(box.push(big, activate=True), box, "making the pack active")
    assert "stays installed as it was before, not active" in body["message"]
    monkeypatch.undo()
    assert sorted(p["id"] for p in box.client.get("/packs", headers=box.auth).json()) == sorted([good, other])
    assert box.active() == good and box.control.active["effect"]["path"].endswith(f"{good}/pack.hatpack")
    assert PackStore(box.store_dir).problems() == []


# ------------------------------------------------------------------------------- 4. making room: deleting
def test_an_old_pack_can_be_deleted_when_the_disk_is_full(playing, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    box, first = playing
    second = box.push(_big(tmp_path)).json()["pack"]["id"]         # ``first`` goes into the slot's history
    real = store_mod.write_atomic

    def write(path: Path, data: bytes) -> None:                    # full until ``first``'s bytes are gone
        if (box.store_dir / "packs" / first).exists():
            raise _full(errno.ENOSPC)
        return real(path, data)
    monkeypatch.setattr(store_mod, "write_atomic", write)
    r = box.client.delete(f"/packs/{first}", headers=box.auth)
    assert r.status_code == 204, r.text
    monkeypatch.undo()
    assert [p["id"] for p in box.client.get("/packs", headers=box.auth).json()] == [second]
    store = PackStore(box.store_dir)
    assert store.active()["effect"] == second and store.pointer().history["effect"] == []
    assert store.problems() == []


def test_deleting_a_pack_that_was_never_active_writes_no_pointer(playing, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    box, good = playing
    other = box.push(_big(tmp_path), activate=False).json()["pack"]["id"]
    asked = _disk_fills_writing(monkeypatch, POINTER)
    r = box.client.delete(f"/packs/{other}", headers=box.auth)
    assert r.status_code == 204, r.text
    assert asked == []
    monkeypatch.undo()
    _assert_nothing_kept(box, good)


# ---------------------------------------------------------------------------------------- 5. the laptop
@pytest.mark.parametrize("room", [64 << 10, 3 << 20], ids=["early", "late"])
def test_push_fails_with_the_boxs_message_when_its_disk_fills(paired_server, tmp_path: Path, capsys,
                                                              monkeypatch: pytest.MonkeyPatch, room: int) -> None:
    _, app, control = paired_server
    assert main(["push", str(gain_pack(tmp_path / "good.hatpack", "good", "1.0.0")), "--activate", "--quiet"]) == 0
    good = app.state.box.store.active()["effect"]
    capsys.readouterr()
    big = gain_pack(tmp_path / "huge.hatpack", "huge", "2.0.0", pad_bytes=4 << 20)
    _disk_fills_receiving(monkeypatch, room)
    assert main(["push", str(big), "--activate", "--quiet"]) != 0
    err = capsys.readouterr().err
    assert "the box could not do it: the box's disk filled up while receiving the pack" in err, err
    assert "nothing of the pack was kept" in err and "hatbox box-pack" in err and "Traceback" not in err
    store = app.state.box.store
    assert store.ids() == [good] and store.active()["effect"] == good and store.problems() == []
    assert control.active["effect"]["path"].endswith(f"{good}/pack.hatpack")


# --------------------------------------------------------------------------------- 6. the 404's hint
@pytest.mark.parametrize("pid", ["effect-nope-1.0.0-000000000000", "nope"], ids=["unknown id", "not an id"])
def test_unknown_pack_hint_names_the_command_that_lists_ids(box: BoxUnderTest, pid: str) -> None:
    for r in (box.client.get(f"/packs/{pid}", headers=box.auth),
              box.client.delete(f"/packs/{pid}", headers=box.auth),
              box.client.post(f"/packs/{pid}/activate", headers=box.auth)):
        assert r.status_code == 404, r.text
        assert "hatbox box-pack" in r.json()["hint"] and "hatbox status" not in r.json()["hint"], r.text

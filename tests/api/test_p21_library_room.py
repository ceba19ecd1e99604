"""A library whose unpacked files would not fit on the box's disk is refused before it is unpacked (p21).

The early check (a Content-Length over the free space less the 16 MiB reserve: 507 before the body is read)
counts only the archive; unpacking writes about as much again, and a compressed archive far more.  After the
archive is received and before a byte is unpacked, the members the box would extract (device.library.archive:
not the hidden files it skips nor those it refuses from the listing) are summed: more than the free space less
the same reserve is 507 "no space" with nothing kept (no ``lib-*`` folder, the received archive removed).  Before,
such a library was unpacked until the disk filled (or, with the free space faked as here, kept)."""
from __future__ import annotations

import io
import tarfile
import zipfile

import numpy as np
import pytest
import soundfile as sf

import device.api.uploads as uploads_mod
from tests.api.conftest import BoxUnderTest

SAMPLES = ("kit/a.wav", "kit/b.wav", "kit/c.wav")


def _silence() -> bytes:
    """A second of 16-bit mono silence at 48 kHz as a WAV (96 044 bytes; it compresses to almost nothing)."""
    buf = io.BytesIO()
    sf.write(buf, np.zeros(48000, dtype=np.float32), 48000, format="WAV")
    return buf.getvalue()


def _archive(kind: str, members: dict[str, bytes]) -> bytes:
    """A compressed archive (``zip``: deflated, ``tar.gz``) of ``members`` {name: data}."""
    buf = io.BytesIO()
    if kind == "zip":
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in members.items():
                zf.writestr(name, data)
    else:
        with tarfile.open(fileobj=buf, mode="w:gz") as tf:
            for name, data in members.items():
                info = tarfile.TarInfo(name)
                info.size = len(data)
                tf.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def _free(monkeypatch: pytest.MonkeyPatch, room: int) -> None:
    """The store's disk has ``room`` bytes to give beyond the reserve (before and after the upload is received)."""
    monkeypatch.setattr(uploads_mod, "free_bytes", lambda _folder: room + uploads_mod.UPLOAD_RESERVE_BYTES)


@pytest.mark.parametrize("kind", ["zip", "tar.gz"])
def test_a_library_that_unpacks_past_the_free_space_is_507_and_nothing_is_kept(box: BoxUnderTest, kind: str,
                                                                              monkeypatch: pytest.MonkeyPatch
                                                                              ) -> None:
    members = {name: _silence() for name in SAMPLES}
    data = _archive(kind, members)
    need = sum(len(b) for b in members.values())
    assert len(data) + 1000 < need                    # the archive passes the early check, its files do not fit
    _free(monkeypatch, len(data) + 1000)
    r = box.client.post("/libraries", params={"name": "kit"}, content=data, headers=box.auth)
    assert r.status_code == 507, r.text
    body = r.json()
    assert body["error"] == "no space", body
    assert f"the library unpacks to {need} bytes but the box has room for {len(data) + 1000} more" in body["message"]
    assert "nothing of the library was kept" in body["message"] and "hatbox box-library" in body["hint"], body
    assert str(box.store_dir) not in r.text
    monkeypatch.undo()
    assert box.library_dirs() == [] and box.client.get("/libraries", headers=box.auth).json() == []
    assert not list((box.store_dir / "tmp").iterdir())              # the received archive is removed


def test_a_library_whose_files_just_fit_is_unpacked(box: BoxUnderTest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Only what unpacking writes counts: a member refused from the listing (not audio) and the hidden files
    skipped take no room."""
    members = {name: _silence() for name in SAMPLES}
    need = sum(len(b) for b in members.values())
    members.update({"kit/notes.txt": bytes(500_000), "__MACOSX/kit/._a.wav": bytes(100_000)})
    _free(monkeypatch, need)
    r = box.client.post("/libraries", params={"name": "kit"}, content=_archive("zip", members), headers=box.auth)
    assert r.status_code == 201, r.text
    files = {f["path"]: f["ok"] for f in r.json()["files"]}
    assert files == {**{name: True for name in SAMPLES}, "kit/notes.txt": False}, files
    assert r.json()["skipped"] == 1
    _free(monkeypatch, need - 1)                                     # one byte less: refused
    r = box.client.post("/libraries", params={"name": "kit"}, content=_archive("zip", members), headers=box.auth)
    assert r.status_code == 507 and f"unpacks to {need} bytes" in r.json()["message"], r.text
    assert len(box.library_dirs()) == 1 and not list((box.store_dir / "tmp").iterdir())


def test_unreadable_free_space_does_not_block_a_library(box: BoxUnderTest, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(uploads_mod, "free_bytes", lambda _folder: None)     # a failing disk: cannot be told
    members = {name: _silence() for name in SAMPLES}
    r = box.client.post("/libraries", params={"name": "kit"}, content=_archive("zip", members), headers=box.auth)
    assert r.status_code == 201, r.text

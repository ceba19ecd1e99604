"""p43 review: a disk's free space had two readings (audio writes' and the box's uploads', one None on a failing disk,
the other raising); now device.audio.audiofile.free_bytes is the one, and the upload checks go by it."""
from __future__ import annotations

import errno
import shutil
from pathlib import Path

import device.api.uploads as uploads
from device.audio import audiofile


def test_free_bytes_is_the_disks_free_space_or_none(tmp_path: Path, monkeypatch) -> None:
    assert audiofile.free_bytes(tmp_path) == shutil.disk_usage(tmp_path).free
    assert audiofile.free_bytes(tmp_path / "no such folder") is None

    def failing(_folder: object) -> object:
        raise OSError(errno.EIO, "Input/output error")
    monkeypatch.setattr(shutil, "disk_usage", failing)
    assert audiofile.free_bytes(tmp_path) is None


def test_the_uploads_go_by_the_same_reading(tmp_path: Path, monkeypatch) -> None:
    assert uploads.free_bytes is audiofile.free_bytes
    monkeypatch.setattr(uploads, "free_bytes", lambda _folder: uploads.UPLOAD_RESERVE_BYTES + 1000)
    assert uploads.room_bytes(tmp_path) == 1000
    monkeypatch.setattr(uploads, "free_bytes", lambda _folder: None)
    assert uploads.room_bytes(tmp_path) is None
    assert uploads.disk_space(tmp_path)[0] is None
    uploads._check_room(10 ** 15, tmp_path, "pack")          # unknown free space: the upload is not refused

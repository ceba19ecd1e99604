"""p42 cloud QA 1: a full disk while a WAV is written (a training's report, a render's --out) said
"Exception ignored from cffi callback ... OSError: [Errno 28]" and then "cannot write X: AssertionError".  Now: one
line saying the disk is full (bytes needed, bytes free), no traceback, no half file, an older file as it was."""
from __future__ import annotations

import errno
import io
import os
import shutil
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from device.audio import audiofile
from hatbox.errors import AudioFileError

RATE = 48000


class _SmallDisk(io.FileIO):
    """A file on a disk with ``room`` bytes left: a write past them fails as the OS fails it (ENOSPC)."""

    room = 40_000

    def write(self, data: Any) -> int:
        if self.tell() + len(data) > self.room:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return super().write(data)


def _small_disk(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Files opened for writing by descriptor (export.atomic's temporary file) land on a nearly full disk; returns
    the list where Python's "Exception ignored" reports (sys.unraisablehook) are collected."""
    real = os.fdopen

    def fdopen(fd: int, mode: str = "r", *args: Any, **kw: Any) -> Any:
        if "w" in mode:
            return io.BufferedWriter(_SmallDisk(fd, "wb"))
        return real(fd, mode, *args, **kw)
    monkeypatch.setattr(os, "fdopen", fdopen)
    ignored: list[Any] = []
    monkeypatch.setattr(sys, "unraisablehook", ignored.append)
    return ignored


def test_a_disk_that_fills_while_a_wav_is_written_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "r.wav"
    audiofile.write(out, np.full(RATE, 0.1, np.float32), RATE)        # an older render, 1 s
    before = out.read_bytes()
    ignored = _small_disk(monkeypatch)
    with pytest.raises(AudioFileError) as err:
        audiofile.write(out, np.zeros(2 * RATE, np.float32), RATE)
    text = err.value.args[0]
    assert text.startswith(f"cannot write {out}: the disk is full (No space left on device): about 379 KiB "
                           "needed, ")
    assert "free; nothing was written" in text and "AssertionError" not in text
    assert err.value.hint == audiofile.FULL_DISK_HINT
    assert ignored == []                                               # no traceback from the cffi callback
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.wav"]     # no half file beside it
    assert out.read_bytes() == before


def test_a_flac_on_a_full_disk_says_what_is_free(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ignored = _small_disk(monkeypatch)
    noise = np.random.default_rng(0).uniform(-0.5, 0.5, 2 * RATE).astype(np.float32)
    words = r"the disk is full \(No space left on device\): [0-9.]+ [KMG]iB free; nothing was written"
    with pytest.raises(AudioFileError, match=words):
        audiofile.write(tmp_path / "r.flac", noise, RATE)
    assert ignored == [] and list(tmp_path.iterdir()) == []


def test_a_disk_without_room_is_refused_before_writing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = shutil.disk_usage
    monkeypatch.setattr(shutil, "disk_usage", lambda p: real(p)._replace(free=40 * 1024))
    with pytest.raises(AudioFileError) as err:
        audiofile.write(tmp_path / "s.wav", np.zeros((2, RATE), np.float32), RATE)
    assert err.value.args[0] == (f"cannot write {tmp_path / 's.wav'}: the disk is full: about 379 KiB needed, "
                              "40 KiB free; nothing was written")
    assert list(tmp_path.iterdir()) == []
    audiofile.write(tmp_path / "short.wav", np.zeros(RATE // 10, np.float32), RATE)    # 23 KiB: fits
    assert audiofile.read(tmp_path / "short.wav")[0].shape == (1, RATE // 10)


def test_the_size_a_file_takes_is_told_for_uncompressed_formats() -> None:
    assert audiofile.expected_bytes(RATE, 2, "FLOAT") == audiofile.HEADER_ROOM + RATE * 8
    assert audiofile.expected_bytes(RATE, 1, "PCM_24") == audiofile.HEADER_ROOM + RATE * 3
    assert audiofile.expected_bytes(RATE, 1, "VORBIS", "OGG") is None
    assert audiofile.expected_bytes(RATE, 1, "PCM_24", "FLAC") is None
    assert audiofile.full_disk_words(None, None) == "the disk is full"

"""p57 RD1 2: one helper makes and fills anonymous in-memory files (device/memory_file.py) for the model handed to
onnxruntime, the big pack member and the sampler's hand-over; a sample hand-over that cannot make its file sends
the audio in the message, as where the system has none, rather than failing."""
from __future__ import annotations

import errno
import os
from typing import Any

import numpy as np
import pytest

from device import memory_file
from device.audio import sample_handoff
from device.audio.sample_decode import Decoded

memfd = pytest.mark.skipif(not hasattr(os, "memfd_create"), reason="anonymous in-memory files are Linux's")


def _contents(fd: int) -> bytes:
    return os.pread(fd, os.fstat(fd).st_size + 1, 0)


@memfd
def test_write_all_writes_everything_when_the_system_writes_a_little_at_a_time(monkeypatch: pytest.MonkeyPatch
                                                                               ) -> None:
    fd = memory_file.new("hatbox-test")
    assert fd is not None
    real = os.write
    monkeypatch.setattr(os, "write", lambda f, data: real(f, bytes(data)[:3]))
    try:
        memory_file.write_all(fd, b"0123456789")
        memory_file.write_all(fd, np.arange(2, dtype=np.float32))
        monkeypatch.undo()
        assert _contents(fd) == b"0123456789" + np.arange(2, dtype=np.float32).tobytes()
        assert os.readlink(f"/proc/self/fd/{fd}").startswith("/memfd:hatbox-test")
    finally:
        os.close(fd)


def test_new_says_none_where_no_file_can_be_made(monkeypatch: pytest.MonkeyPatch) -> None:
    def full(*args: Any) -> int:
        raise OSError(errno.EMFILE, "Too many open files")
    monkeypatch.setattr(os, "memfd_create", full, raising=False)
    assert memory_file.new("hatbox-test") is None
    monkeypatch.delattr(os, "memfd_create")
    assert memory_file.new("hatbox-test") is None


@memfd
def test_a_write_that_fails_is_said_as_the_systems_oserror(monkeypatch: pytest.MonkeyPatch) -> None:
    fd = memory_file.new("hatbox-test")
    assert fd is not None

    def no_room(*args: Any) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(os, "write", no_room)
    try:
        with pytest.raises(OSError) as err:
            memory_file.write_all(fd, b"abc")
        assert err.value.errno == errno.ENOSPC
    finally:
        os.close(fd)


def test_a_sample_whose_memory_file_cannot_be_made_travels_in_the_message(monkeypatch: pytest.MonkeyPatch) -> None:
    def full(*args: Any) -> int:
        raise OSError(errno.EMFILE, "Too many open files")
    monkeypatch.setattr(os, "memfd_create", full, raising=False)
    got = Decoded(np.linspace(-0.5, 0.5, 480, dtype=np.float32), 480)
    fd, meta = sample_handoff.share(got)
    assert fd is None
    assert np.array_equal(sample_handoff.take(meta, fd).data, got.data)

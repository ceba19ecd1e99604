"""A disk that fills up, for the recording tests: ``audiofile.open`` replaced by :func:`filling_open`."""
from __future__ import annotations

import errno
import io
import os
from pathlib import Path
from typing import Any, Callable


class FillingFile:
    """A real file opened for writing that takes ``room`` bytes, then fails as a full disk does:
    the write that passes the limit puts what fits on disk and raises OSError(ENOSPC)."""

    def __init__(self, path: str | Path, room: int) -> None:
        self._fh = open(path, "wb", buffering=0)
        self.room = room

    def write(self, data: bytes) -> int:
        data = bytes(data)
        if len(data) > self.room:
            self._fh.write(data[:self.room])
            self.room = 0
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self.room -= len(data)
        return self._fh.write(data)

    def flush(self) -> None:
        self._fh.flush()

    def fileno(self) -> int:
        return self._fh.fileno()

    def close(self) -> None:
        self._fh.close()


def filling_open(room: int) -> Callable[..., Any]:
    """An ``open`` for device/audio/audiofile.py whose files written each take ``room`` bytes (header
    included); files read open as usual."""
    def fake_open(path: str | Path, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        return FillingFile(path, room) if mode == "wb" else open(path, mode, *args, **kwargs)
    return fake_open


class FillingRaw(io.RawIOBase):
    """The raw file under a buffered writer on a disk with ``room`` bytes free, as the OS answers:
    a write takes what fits (a short count) and one with no room left raises OSError(ENOSPC)."""

    def __init__(self, path: str | Path, room: int) -> None:
        super().__init__()
        self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        self.room = room

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        if self.room <= 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        n = os.write(self._fd, bytes(data)[:self.room])
        self.room -= n
        return n

    def fileno(self) -> int:
        return self._fd

    def close(self) -> None:
        if not self.closed:
            os.close(self._fd)
        super().close()


def filling_buffered_open(room: int) -> Callable[..., Any]:
    """Like :func:`filling_open`, but files written are buffered as ``open(path, "wb")`` makes them, so
    a full disk shows at the first flush (not at the header's write): what a real full disk does."""
    def fake_open(path: str | Path, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        return io.BufferedWriter(FillingRaw(path, room)) if mode == "wb" else open(path, mode, *args, **kwargs)
    return fake_open

"""A disk that fills up, for the recording tests: ``wav_recorder.open`` replaced by :func:`filling_open`
(or :func:`filling_buffered_open`), in this process or in a `hatbox device run` (:func:`run_sim_on_a_filling_disk`)."""
from __future__ import annotations

import errno
import io
import os
import subprocess
import sys
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
    """An ``open`` for device/audio/wav_recorder.py whose files written each take ``room`` bytes (header
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


RUN_ON_A_FILLING_DISK = '''
"""`hatbox device run` with wav_recorder.open filling up: patched at import, so the spawned engine
process (which runs this file again as __mp_main__) gets it too."""
import sys
from device.audio import wav_recorder
from tests.engine.full_disk import {opener}
wav_recorder.open = {opener}({room})
if __name__ == "__main__":
    from hatbox.cli import main
    sys.exit(main(sys.argv[1:]))
'''


def run_sim_on_a_filling_disk(tmp_path: Path, opener: Callable[[int], Callable[..., Any]], room: int,
                              seconds: int) -> subprocess.CompletedProcess[str]:
    """Run `hatbox device run --sim --seconds <seconds> --output take.wav` (no API, panel or MIDI; no ALSA
    devices) in a fresh Python in ``tmp_path``, its ``wav_recorder.open`` being ``opener(room)``
    (:func:`filling_open` or :func:`filling_buffered_open`, ``room`` in bytes).  Returns the finished run
    (text stdout and stderr); a run past 120 s raises subprocess.TimeoutExpired."""
    (tmp_path / "empty.conf").write_text("")
    script = tmp_path / "run_full.py"
    script.write_text(RUN_ON_A_FILLING_DISK.format(opener=opener.__name__, room=room))
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "ALSA_CONFIG_PATH": str(tmp_path / "empty.conf"),
           "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    return subprocess.run([sys.executable, str(script), "device", "run", "--sim", "--seconds", str(seconds),
                           "--no-api", "--no-panel", "--no-midi", "--osc-port", "0", "--output", "take.wav"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120, env=env)

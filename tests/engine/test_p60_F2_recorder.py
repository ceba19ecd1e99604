"""p60 F2 (the fifty-ninth stop's leftovers) on the take recorder (device/audio/wav_recorder.WavRecorder):

- it read its own tail back through /proc/self/fd (its file was opened write-only): the take is now opened read-write
  and read through the descriptor it writes;
- a take that rolled to a next file (past a WAV's 4 GiB) and whose disk filled in that file's first moments ended
  unfaded: the file before ended on a full-level sample, the next held a few samples falling over them alone (or
  none).  Now the one 10 ms fall runs across both files and the take ends on exactly 0 (p59 RD1 4).
"""
from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile as sf

from device.audio import audiofile, wav_recorder
from device.audio.alsa_io import AudioConfig
from device.audio.file_io import FileIO

from tests.engine.helpers import RATE

HEADER = audiofile.FLOAT_WAV_HEADER
FALL = np.arange(479, -1, -1, dtype=np.float64) / 480          # the take end's 10 ms line, 479/480 .. exactly 0


def test_the_recorder_reads_its_tail_through_its_own_descriptor(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """seal() fades the tail it reads back; nothing under /proc is opened, and the take is opened read-write."""
    opened: list[tuple[str, int]] = []
    real = os.open

    def spy(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        opened.append((os.fspath(path), flags))
        return real(path, flags, *args, **kwargs)
    monkeypatch.setattr(os, "open", spy)
    path = tmp_path / "take.wav"
    rec = audiofile.WavRecorder(path, RATE)
    rec.write(np.full(1000, 0.5, np.float32))
    rec.seal(lambda frames: np.linspace(0.75, 0.0, 4))
    rec.close()
    y, _ = sf.read(str(path), dtype="float64")
    assert y.shape == (1000,) and np.all(y[:-4] == 0.5) and np.allclose(y[-4:], [0.375, 0.25, 0.125, 0.0])
    assert not [p for p, _ in opened if p.startswith("/proc")], opened
    assert [flags & os.O_ACCMODE for p, flags in opened if p == str(path)] == [os.O_RDWR]


class _SharedDisk:
    """A disk of ``room`` bytes shared by every file written on it (the take's files one after the other): a write
    past it puts what fits and raises ENOSPC.  ``readable``: files opened read-write (as the recorder opens them), or
    write-only (a handle the recorder cannot read back through)."""

    def __init__(self, room: int, readable: bool) -> None:
        self.room, self.readable = room, readable

    def open(self, path: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if mode != "wb":
            return open(path, mode, *args, **kwargs)
        access = os.O_RDWR if self.readable else os.O_WRONLY
        return _DiskFile(os.open(path, access | os.O_CREAT | os.O_TRUNC, 0o644), self)


class _DiskFile:
    def __init__(self, fd: int, disk: _SharedDisk) -> None:
        self.fd, self.disk = fd, disk

    def write(self, data: Any) -> int:
        data = bytes(data)
        fits = data[:max(0, self.disk.room)]
        os.write(self.fd, fits)
        self.disk.room -= len(fits)
        if len(fits) < len(data):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return len(data)

    def flush(self) -> None:
        pass

    def fileno(self) -> int:
        return self.fd

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


def _square(seconds: float) -> np.ndarray:
    n = np.arange(int(seconds * RATE))
    return np.where((n // 100) % 2, 0.87, -0.87).astype(np.float32)


CHUNK = int(FileIO.BUFFER_S * RATE)          # frames the file backend hands the recorder at a time (12000)


@pytest.mark.parametrize("readable", [True, False])
@pytest.mark.parametrize("second", [100, 0, -40, CHUNK + 200])
def test_a_take_cut_early_in_its_next_file_ends_on_0(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     second: int, readable: bool) -> None:
    """`device run --output`'s files made 1 s long (FileIO.MAX_OUT_BYTES); the disk fills ``second`` frames into the
    second file (0: its header alone; -40: not even its whole header, so it is removed), within the first quarter
    second the file backend hands over (which the second file then does not count), or after it.  The take, its files
    read one after the other, is the signal up to its end times one straight 10 ms fall to exactly 0 on its last
    sample (before, the first file ended on -0.87 when the second counted nothing)."""
    monkeypatch.setattr(FileIO, "MAX_OUT_BYTES", 4 * RATE)
    room = 2 * HEADER + 4 * RATE + 4 * second if second >= 0 else HEADER + 4 * RATE + HEADER + second
    monkeypatch.setattr(wav_recorder, "open", _SharedDisk(room, readable).open, raising=False)
    path = tmp_path / "take.wav"
    io = FileIO(AudioConfig(rate=RATE, period=128, periods=3), None, path)
    x = _square(2.0)
    for s in range(0, x.size, 128):
        io.write(x[s:s + 128])
    io.close()
    files = [p for p in (path, tmp_path / "take-002.wav") if p.exists()]
    assert len(files) == (1 if second < 0 else 2)
    y = np.concatenate([sf.read(str(p), dtype="float64")[0] for p in files])
    kept = RATE + (CHUNK if second > CHUNK else 0)
    assert y.shape == (kept,) and io.recording()["kept_s"] == pytest.approx(kept / RATE)
    assert np.array_equal(y[:-480], x[:kept - 480])
    np.testing.assert_allclose(y[-480:], x[kept - 480:kept] * FALL, atol=1e-6)
    assert y[-1] == 0.0 and f"keeps the first {kept / RATE:.1f} s" in io.cut_short()


@pytest.mark.parametrize("readable", [True, False])
def test_a_fall_longer_than_the_next_file_runs_on_in_the_file_before(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                     readable: bool) -> None:
    """The recorder written 100 frames at a time, 1000 frames a file; the disk fills after 200 frames of the second:
    the 10 ms fall (480 frames) takes the first file's last 280 frames and the second's 200 (before: the second's
    200 alone fell, over 200 frames, and the first ended on a full-level sample)."""
    monkeypatch.setattr(wav_recorder, "open", _SharedDisk(2 * HEADER + 4 * 1250, readable).open, raising=False)
    path = tmp_path / "take.wav"
    rec = audiofile.WavRecorder(path, RATE, max_bytes=4 * 1000)
    x = _square(0.05)
    with pytest.raises(audiofile.AudioFileError):
        for s in range(0, x.size, 100):
            rec.write(x[s:s + 100])
    rec.seal(lambda frames: FALL[-min(frames, 480):].astype(np.float32))
    rec.close()
    y = np.concatenate([sf.read(str(p), dtype="float64")[0] for p in (path, tmp_path / "take-002.wav")])
    assert y.shape == (1200,) and rec.kept == 1200
    assert np.array_equal(y[:-480], x[:720])
    np.testing.assert_allclose(y[-480:], x[720:1200] * FALL, atol=1e-6)


def test_a_rolled_take_closes_the_file_before_once_the_next_holds_a_second(tmp_path: Path) -> None:
    """The file before stays open only until the next holds PREV_HELD_S of audio (one descriptor, not one per file)."""
    rec = audiofile.WavRecorder(tmp_path / "t.wav", RATE, max_bytes=8 * RATE)
    rec.write(np.zeros(2 * RATE + 100, np.float32))
    assert rec._prev is not None and rec._prev[2] == 2 * RATE
    rec.write(np.zeros(RATE, np.float32))
    assert rec._prev is None
    rec.close()
    assert [p.name for p in rec.paths] == ["t.wav", "t-002.wav"]

"""A recording on a disk that is full from the start: "no audio was recorded" (exit 2 from the
command), and no file that is not a WAV left behind: the file the recorder created is removed, an
older take at the same path is left as it was, and the message says which.  The disk is
tests/engine/full_disk.filling_buffered_open: files buffered as open() makes them, so the full disk
shows at the first flush, as a real one does."""
from __future__ import annotations

import contextlib
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from device.audio import audiofile, wav_recorder
from device.audio.alsa_io import AudioConfig, FileIO
from hatbox.errors import AudioFileError
from tests.engine.full_disk import filling_buffered_open, run_sim_on_a_filling_disk
from tests.engine.helpers import RATE

HEADER = audiofile.FLOAT_WAV_HEADER
NO_ROOM = "cannot write the output {}: No space left on device; no audio was recorded"


def _record(path: Path, seconds: float = 1.0) -> FileIO:
    """The file backend writing ``seconds`` of a ramp to ``path``, closed."""
    io = FileIO(AudioConfig(rate=RATE, period=128, periods=3), None, path)
    x = (np.arange(int(seconds * RATE), dtype=np.float32) % 1000) / 1000.0
    for s in range(0, x.size, 128):
        io.write(x[s:s + 128])
    io.close()
    return io


def _older_take(path: Path) -> bytes:
    sf.write(str(path), np.linspace(-0.5, 0.5, RATE // 2, dtype=np.float32), RATE, subtype="FLOAT")
    return path.read_bytes()


def test_the_recorder_removes_the_file_it_created_when_nothing_valid_got_in(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The bug: a 0-byte take.wav (not a WAV) stayed behind."""
    monkeypatch.setattr(wav_recorder, "open", filling_buffered_open(0), raising=False)
    path = tmp_path / "take.wav"
    rec = audiofile.WavRecorder(path, RATE)
    with pytest.raises(AudioFileError, match="No space left on device"):
        rec.write(np.zeros(RATE, np.float32))
    with contextlib.suppress(AudioFileError):
        rec.close()                                   # the disk is still full: its header update fails again
    assert not path.exists() and rec.removed == [path] and rec.paths == [] and rec.kept == 0
    assert list(tmp_path.iterdir()) == []


def test_the_file_backend_says_the_empty_take_was_removed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(wav_recorder, "open", filling_buffered_open(0), raising=False)
    path = tmp_path / "take.wav"
    io = _record(path)
    rec = io.recording()
    assert rec is not None and rec["kept_s"] == 0.0 and rec["files"] == []
    assert io.cut_short() == f"recording failed: {NO_ROOM.format(path)}; {path}, which held no valid WAV, was removed"
    assert list(tmp_path.iterdir()) == []


def test_an_older_take_is_left_as_it_was_when_nothing_could_replace_it(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The old recorder truncated the older take on opening: it was lost for a run that recorded nothing."""
    path = tmp_path / "take.wav"
    before = _older_take(path)
    monkeypatch.setattr(wav_recorder, "open", filling_buffered_open(0), raising=False)
    io = _record(path)
    assert path.read_bytes() == before and list(tmp_path.iterdir()) == [path]       # no .take.wav.part either
    assert io.cut_short() == f"recording failed: {NO_ROOM.format(path)}; the older {path} was left as it was"


def test_a_few_kb_free_leave_a_valid_empty_wav(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Room for the header and a little audio, never made part of the file: an empty WAV, which stays."""
    monkeypatch.setattr(wav_recorder, "open", filling_buffered_open(HEADER + 4000), raising=False)
    path = tmp_path / "take.wav"
    io = _record(path)
    assert io.cut_short() == f"recording failed: {NO_ROOM.format(path)}"
    assert audiofile.wav_header_problem(path) == "" and sf.read(str(path), dtype="float32")[0].size == 0
    assert io.recording()["files"] == [str(path)]


def test_a_take_with_audio_replaces_the_older_one_at_once(tmp_path: Path) -> None:
    """As docs/engine.md says: the older file is replaced as soon as the new take holds audio (the
    first quarter second), so a box killed mid-run leaves the new take there."""
    path = tmp_path / "take.wav"
    _older_take(path)
    io = FileIO(AudioConfig(rate=RATE, period=128, periods=3), None, path)
    for s in range(0, int(0.3 * RATE), 128):
        io.write(np.full(128, 0.25, np.float32))
    assert sf.info(str(path)).frames == int(FileIO.BUFFER_S * RATE)               # the new take, before close
    assert sorted(p.name for p in tmp_path.iterdir()) == ["take.wav"]
    io.close()
    y, _ = sf.read(str(path), dtype="float32")
    assert io.cut_short() == "" and y.size == io.written and np.all(y == 0.25)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs Linux's /dev/full")
def test_a_device_that_was_there_is_never_removed() -> None:
    io = _record(Path("/dev/full"), 0.5)
    assert io.cut_short() == f"recording failed: {NO_ROOM.format('/dev/full')}"
    assert Path("/dev/full").is_char_device()


def test_device_run_sim_on_a_full_disk_leaves_no_file_and_says_so(tmp_path: Path) -> None:
    r = run_sim_on_a_filling_disk(tmp_path, filling_buffered_open, 0, seconds=1)
    assert r.returncode == 2, (r.stdout, r.stderr)
    errors = [line for line in r.stderr.splitlines() if line.startswith("hatbox: error:")]
    take = tmp_path / "take.wav"
    assert errors == [f"hatbox: error: recording failed: {NO_ROOM.format(take)}; {take}, which held no valid WAV, "
                      "was removed"], r.stderr
    assert not take.exists() and not (tmp_path / ".take.wav.part").exists()


def test_a_header_that_fails_at_once_leaves_nothing_either(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An unbuffered file that cannot take the header: the error is raised at once (as before) and
    neither a piece of a header nor a .part is left; an older take stays."""
    from tests.engine.full_disk import filling_open
    monkeypatch.setattr(wav_recorder, "open", filling_open(HEADER // 2), raising=False)
    older = tmp_path / "older.wav"
    before = _older_take(older)
    for path in (tmp_path / "take.wav", older):
        with pytest.raises(AudioFileError, match="No space left on device"):
            audiofile.WavRecorder(path, RATE)
    assert list(tmp_path.iterdir()) == [older] and older.read_bytes() == before


@pytest.mark.parametrize("mode", [0o640, 0o444])
def test_a_take_that_replaces_an_older_one_keeps_its_permissions(tmp_path: Path, mode: int) -> None:
    """A take recorded over a shared (0640) or read-only (0444) older one keeps that file's permission bits;
    before, the new file came with the recorder's default mode."""
    path = tmp_path / "take.wav"
    _older_take(path)
    path.chmod(mode)
    rec = audiofile.WavRecorder(path, RATE, 1)
    rec.write(np.full(int(0.3 * RATE), 0.25, np.float32))
    rec.close()
    assert path.stat().st_mode & 0o777 == mode and sf.info(str(path)).frames == int(0.3 * RATE)

"""p59 RD1 1 (M6): the box's takes carry hatbox's software tag (a LIST/INFO chunk, ISFT 'hatbox', before the data:
device/audio/wav_recorder.float_wav_header), and a take is known by it alone.  Before, a take was known by its bare
58-byte float header (audiofile.recorder_take), which sox `-e floating-point` and scipy.io.wavfile write too: `hatbox
render --out` and `device run --output` wrote over a musician's sox recording without a word."""
from __future__ import annotations

import shutil
import struct
import subprocess
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from scipy.io import wavfile

from device.audio import audiofile
from device.audio.wav_recorder import FLOAT_WAV_HEADER, WavRecorder
from hatbox import box_start_checks
from hatbox.errors import AudioFileError
from hatbox.sim_take import keep_last_take

RATE = 48000
SOX = shutil.which("sox")


def _signal(frames: int, channels: int) -> np.ndarray:
    """[frames, channels] float32 noise at -20 dBFS or so."""
    return (np.random.default_rng(channels).standard_normal((frames, channels)) * 0.1).astype(np.float32)


def _foreign_floats(folder: Path) -> list[Path]:
    """32-bit float WAVs hatbox did not write: scipy's and soundfile's (and sox's, where sox is here)."""
    x = _signal(RATE // 2, 1)
    wavfile.write(folder / "scipy.wav", RATE, x[:, 0])
    sf.write(str(folder / "sf.wav"), x, RATE, subtype="FLOAT")
    made = [folder / "scipy.wav", folder / "sf.wav"]
    if SOX:
        for ch in (1, 2):
            subprocess.run([SOX, "-n", "-r", str(RATE), "-c", str(ch), "-e", "floating-point", "-b", "32",
                            str(folder / f"sox{ch}.wav"), "synth", "0.5", "pinknoise", "gain", "-20"], check=True)
            made.append(folder / f"sox{ch}.wav")
    return made


def test_a_float_wav_of_sox_or_scipy_is_not_hatboxs_and_is_refused(tmp_path: Path) -> None:
    for path in _foreign_floats(tmp_path):
        before = path.read_bytes()
        assert not audiofile.written_by_hatbox(path), path.name
        with pytest.raises(AudioFileError) as render:                 # render --out's and synth play --out's rule
            audiofile.check_output(path)
        assert "hatbox did not write it" in str(render.value)
        assert "a take the box recorded before this version" in render.value.hint     # the way on for old takes
        with pytest.raises(AudioFileError):                           # device run --output's
            box_start_checks.check_overwrite(str(path), force=False)
        assert path.read_bytes() == before


def test_a_take_carries_the_tag_and_reads_everywhere(tmp_path: Path) -> None:
    take = tmp_path / "take.wav"
    x = _signal(RATE, 2)
    rec = WavRecorder(take, RATE, channels=2, update_s=0.1)
    rec.write(x)
    rec.close()
    raw = take.read_bytes()
    assert len(raw) == FLOAT_WAV_HEADER + x.nbytes and raw[FLOAT_WAV_HEADER - 8:FLOAT_WAV_HEADER - 4] == b"data"
    assert struct.unpack("<I", raw[4:8])[0] == len(raw) - 8
    with sf.SoundFile(str(take)) as f:
        assert (f.software, f.frames, f.channels, f.subtype) == ("hatbox", RATE, 2, "FLOAT")
    assert np.array_equal(sf.read(str(take), dtype="float32")[0], x)
    rate, y = wavfile.read(take)
    assert rate == RATE and np.array_equal(y, x)
    assert audiofile.written_by_hatbox(take)
    assert audiofile.check_output(take) == take and box_start_checks.check_overwrite(str(take), False) is None
    if SOX:
        got = subprocess.run([SOX, str(take), "-e", "floating-point", "-b", "32", "-t", "raw", "-"],
                             check=True, capture_output=True).stdout
        assert np.abs(np.frombuffer(got, "<f4").reshape(-1, 2) - x).max() < 1e-7    # (sox's own int32 path)


def test_a_killed_take_and_a_rolled_over_one_are_tagged_and_valid(tmp_path: Path) -> None:
    take, killed = tmp_path / "take.wav", tmp_path / "killed.wav"
    x = _signal(RATE, 1)[:, 0]
    rec = WavRecorder(take, RATE, update_s=0.25, max_bytes=4 * 30000)      # a new file every 30000 frames
    for at in range(0, 20000, 128):                                       # the engine's blocks
        rec.write(x[at:at + 128])
    shutil.copy(take, killed)                                              # as a SIGKILL leaves it
    counted = rec.kept                                                     # the last update's (every 0.25 s)
    rec.write(x[20096:])
    rec.close()
    assert 12000 <= counted < 20096 and killed.stat().st_size > FLOAT_WAV_HEADER + 4 * counted
    assert sf.info(str(killed)).frames == counted and audiofile.written_by_hatbox(killed)
    assert np.array_equal(wavfile.read(killed)[1], x[:counted])
    assert [p.name for p in rec.paths] == ["take.wav", "take-002.wav"]
    parts = [sf.read(str(p), dtype="float32")[0] for p in rec.paths]
    assert np.array_equal(np.concatenate(parts), x) and all(audiofile.written_by_hatbox(p) for p in rec.paths)


def test_a_take_with_no_audio_is_not_kept_as_a_sim_take(tmp_path: Path) -> None:
    take = tmp_path / "sim-out.wav"
    WavRecorder(take, RATE).close()                                       # a run that recorded nothing
    assert take.stat().st_size == FLOAT_WAV_HEADER
    assert keep_last_take(take) is None and take.exists()                 # replaced by the next run, not kept

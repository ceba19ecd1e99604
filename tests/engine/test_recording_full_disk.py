"""A recording that hits a full disk: the box plays on, the file stays readable up to what it kept,
and the command that recorded ends with one line naming the file and those seconds (exit status 2)."""
from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from device.audio import audiofile, wav_recorder
from device.audio.alsa_io import AudioConfig, FileIO
from hatbox.errors import AudioFileError

from tests.engine.full_disk import filling_open, run_sim_on_a_filling_disk
from tests.engine.helpers import RATE

HEADER = audiofile.FLOAT_WAV_HEADER


def _ramp(seconds: float) -> np.ndarray:
    """[N] float32 audio that says where it came from: sample i is (i % 1000) / 1000."""
    return (np.arange(int(seconds * RATE), dtype=np.float32) % 1000) / 1000.0


def test_the_recorder_on_a_disk_that_fills_raises_and_keeps_a_readable_prefix(tmp_path: Path,
                                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Room for 0.35 s with a header update every 0.1 s: the write past the room raises a clear error;
    ``kept`` is what the header counts (0.3 s), and soundfile reads exactly that."""
    monkeypatch.setattr(wav_recorder, "open", filling_open(HEADER + 4 * int(0.35 * RATE)), raising=False)
    path = tmp_path / "take.wav"
    rec = audiofile.WavRecorder(path, RATE, update_s=0.1)
    x = _ramp(1.0)
    with pytest.raises(AudioFileError, match="No space left on device") as err:
        for s in range(0, x.size, 2400):              # 50 ms at a time
            rec.write(x[s:s + 2400])
    assert str(path) in str(err.value)
    assert rec.kept == int(0.3 * RATE)
    rec.close()                                       # never raises what it already said
    y, rate = sf.read(str(path), dtype="float32")
    assert rate == RATE and np.array_equal(y, x[:rec.kept])
    assert audiofile.wav_header_problem(path) == ""


def test_the_file_backend_on_a_full_disk_plays_on_and_says_what_it_kept(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """The audio thread's write never raises; after close the recording says 1.0 s of 3.0 s were kept
    (the last header update before the disk filled at 1.2 s), in one line naming the file."""
    monkeypatch.setattr(wav_recorder, "open", filling_open(HEADER + 4 * int(1.2 * RATE)), raising=False)
    path = tmp_path / "take.wav"
    io = FileIO(AudioConfig(rate=RATE, period=128, periods=3), None, path)
    x = _ramp(3.0)
    assert all(io.write(x[s:s + 128]) for s in range(0, x.size, 128))
    io.close()
    rec = io.recording()
    assert rec is not None and rec["kept_s"] == pytest.approx(1.0) and rec["written_s"] == pytest.approx(3.0)
    problem = rec["problem"]
    assert "\n" not in problem and str(path) in problem and "No space left on device" in problem
    assert "keeps the first 1.0 s of 3.0 s" in problem and problem == io.cut_short()
    y, rate = sf.read(str(path), dtype="float32")
    assert rate == RATE and y.shape == (RATE,) and np.array_equal(y[:-480], x[:RATE - 480])
    fall = np.arange(479, -1, -1, dtype=np.float32) / 480          # p59 M2: what it keeps falls to 0 over 10 ms
    np.testing.assert_allclose(y[-480:], x[RATE - 480:RATE] * fall, atol=1e-6)
    assert y[-1] == 0.0


def test_a_full_recording_has_no_problem(tmp_path: Path) -> None:
    io = FileIO(AudioConfig(rate=RATE, period=128, periods=3), None, tmp_path / "take.wav")
    for s in range(0, RATE, 128):
        io.write(np.zeros(128, np.float32))
    io.close()
    rec = io.recording()
    assert rec is not None and rec["problem"] == "" and rec["kept_s"] == pytest.approx(rec["written_s"])
    assert FileIO(AudioConfig(rate=RATE, period=128)).recording() is None


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs Linux's /dev/full")
def test_a_disk_full_from_the_start_says_nothing_was_recorded() -> None:
    io = FileIO(AudioConfig(rate=RATE, period=128, periods=3), None, "/dev/full")
    for s in range(0, RATE, 128):
        io.write(np.zeros(128, np.float32))
    io.close()
    assert io.cut_short().startswith("recording failed: cannot write the output /dev/full: No space left")
    assert "no audio was recorded" in io.cut_short()


def test_device_run_sim_ends_with_one_line_and_status_2_when_the_disk_fills(tmp_path: Path) -> None:
    """It used to exit 0, the cut take said only in the engine status."""
    r = run_sim_on_a_filling_disk(tmp_path, filling_open, HEADER + 4 * int(1.2 * RATE), seconds=2)
    assert r.returncode == 2, (r.stdout, r.stderr)
    errors = [line for line in r.stderr.splitlines() if line.startswith("hatbox: error:")]
    assert len(errors) == 1 and "Traceback" not in r.stderr, r.stderr
    assert f"recording cut short: cannot write the output {tmp_path / 'take.wav'}: No space left" in errors[0]
    assert "keeps the first 1.0 s of 2.0 s and is readable up to there" in errors[0]
    y, rate = sf.read(str(tmp_path / "take.wav"), dtype="float32")
    assert rate == RATE and y.shape == (RATE,)


def test_the_readers_docs_engine_md_names_really_read_the_recording(tmp_path: Path) -> None:
    """docs/engine.md used to say 'a WAV any tool reads': Python's own `wave` refuses a float WAV
    (format 3).  The docs now name the readers checked here."""
    import shutil
    import wave

    from scipy.io import wavfile
    docs = (Path(__file__).resolve().parents[2] / "docs" / "engine.md").read_text()
    assert "any tool" not in docs
    assert all(name in docs for name in ("soundfile", "sox", "scipy", "`wave`", "format 3"))
    path = tmp_path / "take.wav"
    rec = audiofile.WavRecorder(path, RATE)
    x = _ramp(0.5)
    rec.write(x)
    rec.close()
    assert np.array_equal(sf.read(str(path), dtype="float32")[0], x)
    assert np.array_equal(wavfile.read(path)[1], x)
    with pytest.raises(wave.Error, match="unknown format: 3"):
        wave.open(str(path))
    if shutil.which("soxi"):
        got = subprocess.run(["soxi", "-s", str(path)], capture_output=True, text=True, check=True).stdout
        assert int(got) == x.size

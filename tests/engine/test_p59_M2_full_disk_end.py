"""p59 Q1 finding 3: a disk that fills during a take left the file ending on a full-level sample (no glide: -0.8717
.. -0.8708), and the figures disagreed: the warning during the run said the file "keeps the first 1.0 s" (the last
header update's count), the final error 1.5 s (the closing update counted more), and the file held 1.5 s.  Now the
file is sealed as the write fails: its header counts what the disk holds of it, and its last 10 ms already on disk
fall to exactly 0 in place (no new space needed); both lines say that one figure."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from device.audio import audiofile, wav_recorder
from device.audio.alsa_io import AudioConfig
from device.audio.file_io import FileIO

from tests.engine.full_disk import filling_buffered_open, filling_open, run_sim_on_a_filling_disk
from tests.engine.helpers import RATE

HEADER = audiofile.FLOAT_WAV_HEADER
FALL = np.arange(479, -1, -1, dtype=np.float64) / 480          # the take end's 10 ms line, 479/480 .. exactly 0


def _square(seconds: float) -> np.ndarray:
    """[N] float32: a loud square (+-0.87), as in Q1's repro: any sample of it is far from 0."""
    n = np.arange(int(seconds * RATE))
    return np.where((n // 100) % 2, 0.87, -0.87).astype(np.float32)


@pytest.mark.parametrize("opener", [filling_open, filling_buffered_open])
@pytest.mark.parametrize("room_s", [1.2, 1.6, 2.05])
def test_a_take_cut_by_a_full_disk_ends_on_0_and_says_one_figure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                 opener: object, room_s: float) -> None:
    monkeypatch.setattr(wav_recorder, "open", opener(HEADER + 4 * int(room_s * RATE)), raising=False)  # type: ignore
    path = tmp_path / "take.wav"
    io = FileIO(AudioConfig(rate=RATE, period=128, periods=3), None, path)
    x = _square(3.0)
    during = None
    for s in range(0, x.size, 128):
        io.write(x[s:s + 128])
        rec = io.recording()
        if during is None and rec is not None and rec["problem"]:
            during = rec                                    # what the status watch says while the box plays on
    io.close()
    after = io.recording()
    assert during is not None and after is not None
    assert during["kept_s"] == after["kept_s"] > 0.9
    kept = int(round(after["kept_s"] * RATE))
    y, rate = sf.read(str(path), dtype="float64")
    assert rate == RATE and y.shape == (kept,)                 # the file holds what both lines say
    assert np.array_equal(y[:-480], x[:kept - 480])
    np.testing.assert_allclose(y[-480:], x[kept - 480:kept] * FALL, atol=1e-6)
    assert y[-1] == 0.0 and abs(y[-2]) < 0.002                 # it ended on -0.87: a click when played
    words = f"keeps the first {after['kept_s']:.1f} s of"
    assert words in during["problem"] and words in after["problem"]


def test_the_recorder_seals_what_the_disk_holds_in_place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """WavRecorder.seal: the header counts the whole frames on disk, the last ones times the gains given, the file is
    closed (close() after it does nothing more), and no byte is added to it."""
    monkeypatch.setattr(wav_recorder, "open", filling_open(HEADER + 4 * 1000 + 2), raising=False)
    path = tmp_path / "take.wav"
    rec = audiofile.WavRecorder(path, RATE, update_s=0.001)                 # a header update every 48 frames
    with pytest.raises(audiofile.AudioFileError):
        for _ in range(30):
            rec.write(np.full(100, 0.5, np.float32))
    size = path.stat().st_size
    rec.seal(lambda frames: np.linspace(0.75, 0.0, 4))
    rec.close()
    assert rec.kept == 1000 and path.stat().st_size == size
    y, _ = sf.read(str(path), dtype="float64")
    assert y.shape == (1000,) and np.all(y[:-4] == 0.5) and np.allclose(y[-4:], [0.375, 0.25, 0.125, 0.0])


def test_device_run_s_warning_and_error_say_the_same_seconds(tmp_path: Path) -> None:
    """`hatbox device run --sim` on a disk that fills at 1.6 s of a 3 s take: the warning while it plays on and the
    final error name the same seconds, which the file holds, ending on 0."""
    r = run_sim_on_a_filling_disk(tmp_path, filling_buffered_open, HEADER + 4 * int(1.6 * RATE), seconds=3)
    assert r.returncode == 2, (r.stdout, r.stderr)
    warned = [line for line in r.stderr.splitlines() if line.startswith("warning: recording cut short")]
    error = [line for line in r.stderr.splitlines() if line.startswith("hatbox: error: recording cut short")]
    y, rate = sf.read(str(tmp_path / "take.wav"), dtype="float64")
    said = f"keeps the first {y.shape[0] / rate:.1f} s of"
    assert len(warned) == 1 and said in warned[0] and len(error) == 1 and said in error[0], r.stderr
    assert y[-1] == 0.0 and y.shape[0] > RATE

"""p59 QA Q1 findings 5, 6 and 10 on how `hatbox device run` checks its --input before it installs the packs it was
given (hatbox/box_start_checks.py, device/audio/io_open.scan_engine_input):

5: the check decoded a long --input whole (20 min stereo: 1357 MiB in this process); now a chunk at a time, and the
   engine reads it so too (the same samples, to the bit).
6: float inputs up to +160 dBFS passed; over +24 dBFS they are refused in the sampler's words.
10: an input mixed to mono, or shorter than its header says, was played without the words `hatbox render` says."""
from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
import soundfile as sf

from device.audio import audiofile
from device.audio.alsa_io import AudioConfig
from device.audio.server_config import ServerConfig
from device.store import PackStore
from tests.engine.helpers import RATE, device_run_in_process, tone


@pytest.fixture
def box(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]) -> Any:
    """`hatbox device run --sim --seconds 0.3 --store store --effect g.hatpack ARGS` in this process, in ``tmp_path``
    with no ALSA devices; returns its exit code and what it said."""
    return device_run_in_process(tmp_path, monkeypatch, capfd, ["--sim"])


def _refused(r: SimpleNamespace, words: str, tmp_path: Path) -> None:
    """Exit 2 with ``words``, no traceback, and the store as it was: no pack installed or made active."""
    assert r.returncode == 2 and words in r.stderr and "Traceback" not in r.stderr, r.stderr
    assert "installed" not in r.stdout and "hatbox engine:" not in r.stdout, r.stdout
    store = PackStore(tmp_path / "store")
    assert store.ids() == [] and store.active()["effect"] is None


def _cfg(path: Path) -> ServerConfig:
    return ServerConfig(audio=AudioConfig(rate=RATE, period=128, periods=3), backend="file", input_wav=str(path))


def test_the_input_check_decodes_a_chunk_at_a_time_and_the_engine_plays_the_same(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from device.audio import io_open
    from hatbox.box_start_checks import check_start
    rng = np.random.default_rng(59)
    stereo = (0.2 * rng.uniform(-1.0, 1.0, (audiofile.CHUNK_FRAMES * 3 + 123, 2))).astype(np.float32)
    sf.write(str(tmp_path / "long.wav"), stereo, RATE, subtype="FLOAT")
    whole, _ = audiofile.read(tmp_path / "long.wav", expect_rate=RATE, mono=True)      # the engine's old reading
    sizes: list[int] = []
    real = audiofile._chunk
    monkeypatch.setattr(audiofile, "_chunk", lambda f, p, n: sizes.append(n) or real(f, p, n))

    def whole_decode(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the start check decoded the whole input")
    monkeypatch.setattr(audiofile.sf, "read", whole_decode)
    notes = check_start(_cfg(tmp_path / "long.wav"))
    assert sizes and max(sizes) == audiofile.CHUNK_FRAMES and len(sizes) == 5, sizes
    assert notes == [f"note: {tmp_path / 'long.wav'}: its 2 channels are mixed to mono (the box's input is mono)"]
    played = io_open.read_engine_input(_cfg(tmp_path / "long.wav"))
    assert played.dtype == np.float32 and np.array_equal(played, whole.reshape(-1))    # to the bit


def test_a_bad_sample_anywhere_in_a_long_input_is_still_refused(tmp_path: Path) -> None:
    from hatbox.box_start_checks import check_input
    for bad, words in ((np.nan, "contains NaN or infinite samples"), (1e9, "holds samples far out of range")):
        x = tone(3.0)
        x[-5] = bad                                      # in its last chunk
        sf.write(str(tmp_path / "bad.wav"), x, RATE, subtype="FLOAT")
        with pytest.raises(audiofile.AudioFileError, match=words):
            check_input(_cfg(tmp_path / "bad.wav"))


def test_an_input_far_over_full_scale_is_refused_in_the_samplers_words(tmp_path: Path, box: Any) -> None:
    sf.write(str(tmp_path / "hot.wav"), tone(0.5, amp=1000.0), RATE, subtype="FLOAT")      # +60 dBFS
    sf.write(str(tmp_path / "warm.wav"), tone(0.5, amp=4.0), RATE, subtype="FLOAT")        # +12 dBFS
    r = box(["--input", "hot.wav", "--output", "o.wav"])
    _refused(r, "hot.wav: " + audiofile.float_peak_problem(1000.0), tmp_path)
    assert "volume=1/32768" in r.stderr                  # the sampler's hint (audiofile.FLOAT_PEAK_HINT)
    r = box(["--input", "warm.wav", "--output", "o.wav"])
    assert r.returncode == 0 and "warm.wav peaks at +12.0 dBFS, over full scale (a float file)" in r.stderr, r.stderr


def test_an_input_the_box_mixes_or_that_is_truncated_is_said_as_render_says_it(tmp_path: Path, box: Any) -> None:
    sf.write(str(tmp_path / "ch8.wav"), np.tile(tone(0.5)[:, None], (1, 8)), RATE, subtype="PCM_16")
    r = box(["--input", "ch8.wav", "--output", "o.wav"])
    assert r.returncode == 0 and "note: ch8.wav: its 8 channels are mixed to mono (the box's input is mono)" \
        in r.stderr, r.stderr
    sf.write(str(tmp_path / "whole.wav"), tone(1.0), RATE, subtype="PCM_16")
    (tmp_path / "cut.wav").write_bytes((tmp_path / "whole.wav").read_bytes()[:2044])      # its header says 1 s
    r = box(["--input", "cut.wav", "--output", "o2.wav"])
    assert r.returncode == 0, r.stderr
    assert "warning: cut.wav is shorter than its header says (" in r.stderr and \
        "truncated? Plays what it holds" in r.stderr, r.stderr


def test_the_engine_holds_its_input_once_whatever_its_header_counted(tmp_path: Path) -> None:
    from device.audio import io_open
    x = np.arange(7, dtype=np.float32)
    for frames in (0, 3, 7, 10):                         # an MP3's estimate short or long, a truncated WAV's
        kept = io_open._Kept(frames)
        kept.add(x[:3]), kept.add(x[3:])
        assert np.array_equal(kept.audio(), x), frames
    sf.write(str(tmp_path / "in.ogg"), tone(1.0), RATE, subtype="VORBIS")      # frames from its last page
    played = io_open.read_engine_input(_cfg(tmp_path / "in.ogg"))
    assert np.array_equal(played, audiofile.read(tmp_path / "in.ogg", mono=True)[0].reshape(-1))

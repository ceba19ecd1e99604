"""A float target over full scale is warned (as `train synth` warns of a note), and a pair at two rates gets a ready
sox line (p43 formats QA)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from device.audio.audiofile import over_full_scale_words
from hatbox.errors import DataError
from trainer.effect.data import load_folder, load_single

RATE = 48000


def tone(rate: int = RATE, seconds: float = 0.5) -> np.ndarray:
    t = np.arange(int(rate * seconds)) / rate
    return (0.3 * np.sin(2 * np.pi * 110 * t) * (1 + 0.5 * np.sin(2 * np.pi * 3 * t))).astype(np.float32)


def write(path: Path, audio: np.ndarray, rate: int = RATE, subtype: str = "PCM_24") -> Path:
    sf.write(path, audio, rate, subtype=subtype)
    return path


def test_the_shared_words_say_the_peak_over_full_scale() -> None:
    said = over_full_scale_words(10 ** (5.1 / 20), "C4.wav")
    assert said == "C4.wav peaks at +5.1 dBFS, over full scale (a float file)"
    assert over_full_scale_words(1.05, "C4.wav") is None          # under +1 dBFS: not said
    assert over_full_scale_words(0.5, "C4.wav") is None


def test_a_float_target_peaking_at_6_dbfs_is_warned(tmp_path: Path) -> None:
    x = tone()
    y = np.tanh(3 * x)
    di = write(tmp_path / "di.wav", x)
    hot = write(tmp_path / "amp_float_hot.wav", y / np.abs(y).max() * 2.0, subtype="FLOAT")
    said = [w for w in load_single(di, hot).warnings if "full scale" in w]
    assert said == ["amp_float_hot.wav peaks at +6.0 dBFS, over full scale (a float file): the pack learns to play "
                    "that loud, and the box's limiter takes about 7 dB off its peaks; normalise it to 0 dBFS or "
                    "under (sox amp_float_hot.wav amp_float_hot_0dB.wav gain -n) and train on that"]
    fine = write(tmp_path / "amp.wav", y / np.abs(y).max() * 0.9, subtype="FLOAT")
    assert not [w for w in load_single(di, fine).warnings if "full scale" in w]


def test_a_pair_at_two_rates_gets_the_sox_line(tmp_path: Path) -> None:
    di = write(tmp_path / "di48.wav", tone())
    amp = write(tmp_path / "amp96.wav", np.tanh(3 * tone(96000)), 96000)
    with pytest.raises(DataError) as err:
        load_single(di, amp)
    assert "input is 48000 Hz but output is 96000 Hz" in str(err.value)
    assert f"sox {amp} -r 48000 {tmp_path / 'amp96-48k.wav'}; then use amp96-48k.wav in its place" in err.value.hint


def test_a_pairs_csv_row_at_two_rates_neither_the_boxs_resamples_both(tmp_path: Path) -> None:
    write(tmp_path / "di.wav", tone(44100), 44100)
    write(tmp_path / "amp.wav", np.tanh(3 * tone(96000)), 96000)
    (tmp_path / "pairs.csv").write_text("input,output\ndi.wav,amp.wav\n")
    with pytest.raises(DataError) as err:
        load_folder(tmp_path)
    hint = err.value.hint
    assert f"sox {tmp_path / 'di.wav'} -r 48000 {tmp_path / 'di-48k.wav'}" in hint
    assert f"sox {tmp_path / 'amp.wav'} -r 48000" in hint
    assert "then use di-48k.wav and amp-48k.wav in their place" in hint

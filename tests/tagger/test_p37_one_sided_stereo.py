"""A sound on one side of a stereo file plays at its own level (thirty-seventh stop: the sampler played the mean of
it and the silent side, 6 dB under the file's peak: -12.2 dBFS for a -6.0 dBFS left-only file)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from device.audio.sample_decode import decode_file, loop_cycle
from device.library.decode import peak_dbfs, play_mix

RATE = 48000
T = np.arange(RATE // 10) / RATE
TONE = 0.5 * np.sin(2 * np.pi * 220.0 * T)


def _file(tmp_path: Path, name: str, left: np.ndarray, right: np.ndarray, rate: int = RATE) -> Path:
    path = tmp_path / f"{name}.wav"
    sf.write(path, np.stack([left, right], 1), rate, subtype="FLOAT")
    return path


@pytest.mark.parametrize("right, level", [
    (np.zeros_like(TONE), 0.5),                  # recorded on the left input only
    (np.full_like(TONE, 0.03), 0.5),             # the empty side holds an interface's DC offset
    (1e-3 * TONE, 0.5),                          # 60 dB down: bleed, not the sound
    (TONE, 0.5),                                 # a mono sound as stereo: as before
    (0.2 * TONE, 0.3),                           # a quieter right side is part of the sound: the mean, as before
])
def test_the_sampler_plays_the_side_that_holds_the_sound(tmp_path: Path, right: np.ndarray, level: float) -> None:
    path = _file(tmp_path, "s", TONE, right)
    got, _ = decode_file(str(path), RATE, 60.0, False)
    assert float(np.abs(got.data[:got.n]).max()) == pytest.approx(level, abs=0.01)
    assert peak_dbfs(path) == pytest.approx(20 * np.log10(level), abs=0.2)    # the kit's loudness order says the same


def test_a_one_sided_loop_cycle_too(tmp_path: Path) -> None:
    path = _file(tmp_path, "loop", TONE, np.zeros_like(TONE), rate=44100)
    assert float(np.abs(loop_cycle(str(path), RATE)).max()) == pytest.approx(0.5, abs=0.01)


def test_channels_that_cancel_still_play_the_loudest_and_silence_stays_silence() -> None:
    assert float(np.abs(play_mix(np.stack([TONE, -TONE]).astype(np.float32))).max()) == pytest.approx(0.5, abs=1e-6)
    assert not play_mix(np.zeros((2, 100), np.float32)).any()


def test_a_quiet_side_fades_out_of_the_mix_with_no_step() -> None:
    """QA: a hard line at 40 dB under the loudest played two nearly alike files 6 dB apart (-11.95 / -6.02 dBFS at
    39.9 / 40.1 dB); the quiet side now counts less and less from 30 to 50 dB down."""
    levels = []
    for db in np.arange(20.0, 60.0, 0.25):
        m = play_mix(np.stack([TONE, TONE * 10 ** (-db / 20)]).astype(np.float32))
        levels.append(20 * np.log10(np.abs(m).max()))
    assert max(abs(a - b) for a, b in zip(levels, levels[1:])) < 0.2
    assert levels[-1] == pytest.approx(20 * np.log10(0.5), abs=0.01)


def test_the_kits_loudness_weighs_the_sides_over_what_the_sampler_plays(tmp_path: Path) -> None:
    """QA: a ping-pong whose right side comes in after 1 s was rated 6 dB louder than it plays (the Kit ranked it
    over a louder hit)."""
    n = int(2.5 * RATE)
    left = np.zeros(n)
    left[:len(TONE)] = TONE
    right = np.zeros(n)
    right[int(1.5 * RATE):int(1.5 * RATE) + len(TONE)] = TONE
    path = _file(tmp_path, "pingpong", left, right)
    got, _ = decode_file(str(path), RATE, 60.0, False)
    played = 20 * np.log10(float(np.abs(got.data[:RATE]).max()))
    assert peak_dbfs(path) == pytest.approx(played, abs=0.2) and played == pytest.approx(-12.04, abs=0.2)

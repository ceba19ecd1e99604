"""p50 M5: an ambisonic B-format file (.amb) plays and is tagged as its W channel alone.  The mean of W, X, Y and Z
(device.library.decode.mix / play_mix) made a sound's level depend on the direction it came from: X, Y, Z are the
sound times the cosine of that direction (FuMa: W = s / sqrt 2)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

RATE = 44100
_PCM_GUID = bytes.fromhex("0100000000001000800000aa00389b71")
_AMBISONIC_GUID = bytes.fromhex("010000002107d3118644c8c1ca000000")
DIRECTIONS = [(1, 0, 0), (-1, 0, 0), (1, 1, 1), (-1, -1, -1), (-1, -1, 0), (-0.7, -0.7, -0.2)]


def _source() -> np.ndarray:
    rng = np.random.default_rng(0)
    env = np.exp(-np.linspace(0, 5, RATE // 2))
    return (0.5 * env * rng.standard_normal(RATE // 2)).astype(np.float32)


def _bformat(direction: tuple[float, ...]) -> np.ndarray:
    """[N, 4] FuMa W X Y Z of :func:`_source` coming from ``direction``."""
    d = np.asarray(direction, np.float64)
    d /= np.linalg.norm(d)
    s = _source().astype(np.float64)
    return np.stack([s / np.sqrt(2), s * d[0], s * d[1], s * d[2]], axis=1).astype(np.float32)


def _amb(path: Path, direction: tuple[float, ...]) -> Path:
    """A B-format file as an .amb is: WAVE_FORMAT_EXTENSIBLE with the ambisonic sub-format GUID."""
    sf.write(path, _bformat(direction), RATE, format="WAVEX", subtype="PCM_24")
    data = path.read_bytes()
    assert data.count(_PCM_GUID) == 1
    path.write_bytes(data.replace(_PCM_GUID, _AMBISONIC_GUID))
    return path


def _db(x: np.ndarray) -> float:
    return 20.0 * float(np.log10(np.sqrt(np.mean(np.square(x, dtype=np.float64)))))


def _w(path: Path) -> np.ndarray:
    return sf.read(path, dtype="float32", always_2d=True)[0][:, 0]


@pytest.mark.parametrize("direction", DIRECTIONS)
def test_the_tagger_hears_w_alone(tmp_path: Path, direction: tuple[float, ...]) -> None:
    from device.library.decode import peak_dbfs, read_channels, read_head
    path = _amb(tmp_path / "hit.amb", direction)
    mono, rate = read_head(path, 2.0)
    assert rate == RATE and np.array_equal(mono, _w(path))
    assert read_channels(path, 0.1, start=0.2)[0].shape == (1, int(np.ceil(RATE * 0.1)))     # a part read alone
    assert peak_dbfs(path) == pytest.approx(20 * np.log10(np.max(np.abs(_w(path)[:RATE]))), abs=1e-4)


def test_the_sampler_plays_w_at_one_level_from_every_direction(tmp_path: Path) -> None:
    from device.audio.sample_decode import decode_file
    levels = []
    for i, direction in enumerate(DIRECTIONS):
        path = _amb(tmp_path / f"hit{i}.amb", direction)
        got, _ = decode_file(str(path), RATE, 2.0)
        levels.append(_db(got.data[:got.n]))
    w_level = _db(_source() / np.sqrt(2))            # the sampler fades the last 2 ms: 0.02 dB off
    assert max(levels) - min(levels) < 0.01 and abs(levels[0] - w_level) < 0.05, (levels, w_level)


def test_the_box_tags_it_from_w(tmp_path: Path) -> None:
    """device.library.runner's decoding (the box's tagging and `hatbox tag`): W, its first sound found on W."""
    from device.library.decode import first_sound, read_counted
    path = _amb(tmp_path / "late.amb", (1, 0, 0))
    data = _bformat((1, 0, 0))
    data[: RATE // 10, 0] = 0.0                # W silent for 0.1 s while X already sounds
    sf.write(path, data, RATE, format="WAVEX", subtype="FLOAT")
    audio, rate, frames = read_counted(path, 1.0)
    assert audio.shape == (1, frames) and not np.any(audio[0, : RATE // 10])
    onset, _ = first_sound(path, 0.01)
    assert onset is not None and onset >= 0.1


def test_four_channels_in_a_wav_are_still_all_read(tmp_path: Path) -> None:
    from device.audio.audiofile import read
    path = tmp_path / "quad.wav"
    sf.write(path, _bformat((1, 0, 0)), RATE, format="WAV", subtype="PCM_24")
    assert read(path)[0].shape[0] == 4

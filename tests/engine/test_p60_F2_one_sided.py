"""p60 F2 (p59 closing note): `hatbox render` and the box heard a one-sided stereo input differently: render (and
training) the channels that hold the sound, the box (`device run --input`) the mean of all of them, 6 dB lower for a DI
recorded on one side of a stereo interface.  Now both hear it by one rule (device/audio/channel_choice.py), the box's
judged on the whole file though it reads it a chunk at a time."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from device.audio import audiofile, io_open
from device.audio.alsa_io import AudioConfig
from device.audio.effect import mono_mix
from device.audio.server_config import ServerConfig
from device.library.decode import held_mix

from tests.engine.helpers import RATE

FRAMES = audiofile.CHUNK_FRAMES * 2 + 321          # three chunks for the box's reading


def _di(n: int = FRAMES, seed: int = 60) -> np.ndarray:
    """[n] float32: a guitar-DI-like signal around -20 dBFS."""
    rng = np.random.default_rng(seed)
    return (0.1 * rng.standard_normal(n)).astype(np.float32)


def _inputs() -> dict[str, np.ndarray]:
    """Stereo (and one 4-channel) inputs [C, N] the two paths must hear alike."""
    x, y = _di(), _di(seed=61)
    quiet = (1e-4 * np.random.default_rng(62).standard_normal(FRAMES)).astype(np.float32)   # -80 dBFS of hiss
    return {"left only": np.stack([x, np.zeros_like(x)]), "right only, hiss left": np.stack([quiet, x]),
            "real stereo": np.stack([x, y]), "one side 30 dB down": np.stack([x, 0.0316 * y]),
            "cancelling": np.stack([x, -x]), "two of four": np.stack([x, quiet, y, np.zeros_like(x)])}


def _box_input(tmp_path: Path, audio: np.ndarray) -> ServerConfig:
    """The file backend's config of a box whose --input is ``audio`` [C, N], written to a float WAV in ``tmp_path``."""
    path = tmp_path / "in.wav"
    sf.write(str(path), audio.T, RATE, subtype="FLOAT")
    return ServerConfig(audio=AudioConfig(rate=RATE, period=128, periods=3), backend="file", input_wav=str(path))


def _box_hears(tmp_path: Path, audio: np.ndarray) -> np.ndarray:
    """What `hatbox device run --input` plays of ``audio`` [C, N]: the engine's own reading (io_open)."""
    return io_open.read_engine_input(_box_input(tmp_path, audio))


def test_a_di_on_one_side_plays_at_its_own_level_on_the_box_as_in_render(tmp_path: Path) -> None:
    x = _di()
    stereo = np.stack([np.zeros_like(x), x])
    rendered, said = mono_mix(stereo)
    played = _box_hears(tmp_path, stereo)
    assert np.array_equal(rendered, x) and "rendered channel 2 alone" in said
    assert np.array_equal(played, x)                 # it was x / 2: 6 dB under render's and the pack's training


@pytest.mark.parametrize("name", list(_inputs()))
def test_render_and_the_box_hear_every_input_alike(tmp_path: Path, name: str) -> None:
    """The same samples to the bit from both paths, and what training's held_mix makes of the recording."""
    audio = _inputs()[name]
    rendered = mono_mix(audio)[0]
    assert np.array_equal(_box_hears(tmp_path, audio), rendered)
    assert np.array_equal(rendered, held_mix(audio)[0])


def test_the_box_s_scan_says_which_channels_it_plays(tmp_path: Path) -> None:
    x = _di()
    scan = io_open.scan_engine_input(_box_input(tmp_path, np.stack([x, np.zeros_like(x)])))
    assert scan.channels == 2 and scan.mixed.tolist() == [0] and scan.loudest is None and scan.audio.size == 0

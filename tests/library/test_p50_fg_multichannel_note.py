"""p50 FG: the box auditioned a multichannel file (5.1, 4-channel B-format) as a plain mix of its channels without a
word; the decoding now says so among the sampler's warnings, which `box-library ID --play` prints."""
from __future__ import annotations

import numpy as np
import soundfile as sf

from device.audio.sample_decode import decode_file
from device.control import file_label
from hatbox.library_fixes import sampler_warnings


def _file(tmp_path, channels: int):
    path = tmp_path / "Amb" / f"take{channels}.wav"
    path.parent.mkdir(exist_ok=True)
    sf.write(path, 0.1 * np.ones((4800, channels), np.float32), 48000)
    return path


def test_six_and_four_channels_are_said_mixed_to_one(tmp_path):
    for n in (6, 4):
        got, warnings = decode_file(str(_file(tmp_path, n)), 48000, 2.0)
        assert got.data.ndim == 1
        said = [w for w in warnings if f"{n} channels mixed to one" in w]
        assert len(said) == 1 and said[0].startswith(file_label(str(_file(tmp_path, n))) + " "), warnings


def test_mono_and_stereo_say_nothing(tmp_path):
    for n in (1, 2):
        _, warnings = decode_file(str(_file(tmp_path, n)), 48000, 2.0)
        assert warnings == [], warnings


def test_the_laptop_prints_it_after_play(tmp_path, monkeypatch):
    path = _file(tmp_path, 6)
    _, warnings = decode_file(str(path), 48000, 2.0)
    monkeypatch.setattr("hatbox.library_fixes.asked", lambda client, route, *a, **k:
                        {"engine": {"active": {"sampler": {"warnings": warnings}}}})
    assert sampler_warnings(object(), "Amb/take6.wav", tries=1) == warnings

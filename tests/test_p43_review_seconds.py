"""p43 review: a file's length from its header had two copies (the synth's note checks', the tagger report's); now
device.audio.audiofile.file_seconds is the one."""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from device.audio import audiofile
from hatbox.errors import AudioFileError
from trainer.synth.data import _header_seconds
from trainer.tagger.report_heard import header_lengths


def _wav(path: Path, frames: int, rate: int, channels: int = 1) -> Path:
    audiofile.write(path, np.zeros((channels, frames), np.float32), rate)
    return path


def test_file_seconds_reads_the_header(tmp_path: Path) -> None:
    assert audiofile.file_seconds(_wav(tmp_path / "a.wav", 12000, 8000)) == 1.5
    assert audiofile.file_seconds(_wav(tmp_path / "b.wav", 4800, 48000, channels=2)) == 0.1
    (tmp_path / "junk.wav").write_bytes(b"not audio at all" * 8)
    for bad in (tmp_path / "junk.wav", tmp_path / "missing.wav", tmp_path):
        with pytest.raises(AudioFileError):
            audiofile.file_seconds(bad)


def test_the_synth_and_the_tagger_report_go_by_it(tmp_path: Path) -> None:
    good, junk = _wav(tmp_path / "a.wav", 12000, 8000), tmp_path / "junk.wav"
    junk.write_bytes(b"not audio at all" * 8)
    assert _header_seconds(good) == 1.5 and _header_seconds(junk) == math.inf
    assert header_lengths([good, junk, tmp_path / "missing.wav", _wav(tmp_path / "c.wav", 4000, 8000)]) == [1.5, 0.5]

"""`hatbox render` of a truncated WAV (shorter than its header says) renders what it holds and says so in the words
the box's `device run --input` says it with (one function: audiofile.truncated_words, p59)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf

from device.audio.audiofile import read
from device.audio.effect import render_file

ROOT = Path(__file__).resolve().parents[2]


def test_a_truncated_input_is_rendered_as_far_as_it_goes_and_said(tmp_path: Path) -> None:
    x = 0.3 * np.sin(2 * np.pi * 220.0 * np.arange(48000) / 48000)
    sf.write(str(tmp_path / "whole.wav"), x, 48000, subtype="PCM_16")
    (tmp_path / "cut.wav").write_bytes((tmp_path / "whole.wav").read_bytes()[:2044])      # its header says 1 s
    lines = render_file(ROOT / "factory" / "effect-drive.hatpack", tmp_path / "cut.wav", tmp_path / "out.wav")
    said = "\n".join(lines)
    assert f"warning: {tmp_path / 'cut.wav'} is shorter than its header says (" in said, said
    assert "truncated? Rendered what it holds" in said, said
    assert read(tmp_path / "out.wav")[0].shape[-1] == (2044 - 44) // 2          # what it held

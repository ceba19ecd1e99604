"""Fortieth stop (kit QA): a loop shorter than the sampler keeps whose end does not meet its start clicked at every
wrap without a word (1 s of a 440.7 Hz sine: a step of 0.48, 436 times its own); mapped as a loop, it is said.  And a
long file's warning left the status only when the box restarted, long after the file had left the kit."""
from __future__ import annotations

import numpy as np
import soundfile as sf

from device.audio.sampler import SamplerSource
from tests.tagger.conftest import SAMPLER_RATE

RATE = SAMPLER_RATE


def tone(path, freq: float, seconds: float = 1.0) -> None:
    t = np.arange(int(seconds * RATE)) / RATE
    sf.write(path, (0.5 * np.sin(2 * np.pi * freq * t)).astype(np.float32), RATE, subtype="FLOAT")


def test_a_loop_whose_end_does_not_meet_its_start_is_said(tmp_path) -> None:
    tone(tmp_path / "pad.wav", 440.7)                  # 440.7 cycles: its end stops mid-cycle
    tone(tmp_path / "seamless.wav", 441.0)             # 441 whole cycles
    s = SamplerSource(RATE)
    s.map_note(48, tmp_path / "pad.wav", loop=True)
    s.map_note(50, tmp_path / "seamless.wav", loop=True)
    s.map_note(52, tmp_path / "pad.wav")                                           # a one-shot: no wrap
    said = s.warnings()
    assert len(said) == 1 and "pad.wav does not end where it starts" in said[0] and "clicks" in said[0]


def test_a_file_s_warnings_leave_with_it(tmp_path) -> None:
    tone(tmp_path / "pad.wav", 440.7)
    s = SamplerSource(RATE)
    s.map_note(48, tmp_path / "pad.wav", loop=True)
    assert s.warnings()
    s.unmap_note(48)
    assert s.warnings() == []


def test_a_silent_file_mapped_to_a_note_is_said(tmp_path) -> None:
    """Kit QA: `box-kit --map 62 shots/silent.wav` mapped a file of zeros without a word."""
    sf.write(tmp_path / "silent.wav", np.zeros(4800, np.float32), RATE, subtype="FLOAT")
    s = SamplerSource(RATE)
    s.map_note(62, tmp_path / "silent.wav")
    (said,) = s.warnings()
    assert said.endswith("silent.wav is silent (all zeros): note 62 plays nothing")

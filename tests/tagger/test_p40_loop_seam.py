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


def test_a_file_of_dither_only_mapped_to_a_note_is_said_silent_too(tmp_path) -> None:
    """Forty-first stop (panel QA): a sox export of silence (16-bit, peak 1 step) was mapped with no word, while the
    tagger skipped the same file as silent; a quiet sound (-60 dBFS) is not silence."""
    rng = np.random.default_rng(0)
    dither = rng.integers(-1, 2, 48000).astype(np.int16)
    sf.write(tmp_path / "silence.wav", dither, RATE, subtype="PCM_16")
    quiet = (0.001 * np.sin(2 * np.pi * 200 * np.arange(4800) / RATE)).astype(np.float32)
    sf.write(tmp_path / "quiet.wav", quiet, RATE, subtype="FLOAT")
    offset = np.full(4800, 0.2, np.float32)
    sf.write(tmp_path / "offset.wav", offset, RATE, subtype="FLOAT")
    s = SamplerSource(RATE)
    s.map_note(41, tmp_path / "silence.wav")
    s.map_note(43, tmp_path / "quiet.wav")
    (said,) = s.warnings()
    assert said.endswith("silence.wav is silent (peak -90 dBFS: only dither or rounding noise): note 41 plays "
                         "nothing"), said
    from device.ui.faults import warning_lines
    assert warning_lines(said)[1].endswith("silence.wav is silent: F2 plays nothing")    # the panel's shorter words
    s.map_note(45, tmp_path / "offset.wav")
    assert len(s.warnings()) == 2 and "offset.wav is silent (a constant DC offset)" in s.warnings()[1]


def test_a_loop_from_another_rate_that_clicks_is_said_and_a_seamless_one_is_not(tmp_path) -> None:
    """Forty-first stop (QA of the stop's changes): a 110 Hz loop at 44.1 kHz that steps 0.14 at its wrap was not
    said: resampled to the engine's rate it rings in its last samples (0.116), which was taken for its own step."""
    for name, freq, seconds in (("click.wav", 110.0, 1.013), ("whole.wav", 441.0, 1.0)):
        t = np.arange(int(seconds * 44100)) / 44100
        sf.write(tmp_path / name, (0.5 * np.sin(2 * np.pi * freq * t)).astype(np.float32), 44100, subtype="FLOAT")
    s = SamplerSource(RATE)
    s.map_note(48, tmp_path / "click.wav", loop=True)
    s.map_note(50, tmp_path / "whole.wav", loop=True)
    said = s.warnings()
    assert len(said) == 1 and "click.wav does not end where it starts" in said[0], said

"""Fortieth stop (synth QA): a note with no pitch in its name above MIDI 95 (2 kHz) was measured an octave or more
low (the estimator looked for fundamentals up to 2000 Hz), so a piccolo's G#6-F#7 trained as D6-B6, no warning."""
from __future__ import annotations

from pathlib import Path

import pytest

from device.audio import audiofile
from tests.synth.conftest import harmonic_tone
from trainer.synth.data import load_note
from trainer.synth.features import estimate_pitch


@pytest.mark.parametrize("pitch", [92.0, 96.0, 100.0, 104.0, 108.0])
def test_a_high_note_without_its_pitch_in_the_name_is_measured_at_its_pitch(tmp_path: Path, pitch: float) -> None:
    audiofile.write(tmp_path / "take_1.wav", harmonic_tone(pitch, 48000, 2.0, n_harm=4), 48000)
    note = load_note(tmp_path / "take_1.wav", "piccolo", 24000, 1.5, warn=lambda _w: None)
    assert note.pitch == pytest.approx(pitch, abs=0.1)


def test_lower_notes_measure_as_before() -> None:
    for pitch in (28.0, 45.0, 60.0, 76.0, 88.0):
        assert estimate_pitch(harmonic_tone(pitch, 24000, 1.0), 24000) == pytest.approx(pitch, abs=0.1)

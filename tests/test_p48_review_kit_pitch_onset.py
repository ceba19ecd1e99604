"""A tom's pitch is weighed from its onset as the tagger finds one (p48 review): device/audio/drum_pitch.py had an
onset of its own (the first sample at 10 % of the peak) that gave what device.audio.mel.onset_index(x, -20 dB,
preroll=0) gives; one implementation now, the tagger's."""
from __future__ import annotations

import math

import numpy as np
import pytest

import device.audio.drum_pitch as drum_pitch
from device.audio.mel import onset_index

RATE = 48000


def test_drum_pitch_finds_the_onset_with_the_taggers_onset_index(monkeypatch: pytest.MonkeyPatch) -> None:
    """drum_pitch_hz asks mel.onset_index for the onset: 20 dB under the peak, no preroll; it has none of its own."""
    asked: list[tuple[float, int]] = []

    def spy(audio: np.ndarray, threshold_db: float = -40.0, preroll: int = 32) -> int:
        asked.append((threshold_db, preroll))
        return onset_index(audio, threshold_db, preroll)
    monkeypatch.setattr(drum_pitch, "onset_index", spy)
    t = np.arange(int(0.3 * RATE)) / RATE
    hit = np.concatenate([np.zeros(2000), np.sin(2 * np.pi * 110.0 * t) * np.exp(-t * 10)])
    assert drum_pitch.drum_pitch_hz(hit, RATE) == pytest.approx(110.0, rel=0.01)
    assert asked == [(-20.0, 0)]
    assert not hasattr(drum_pitch, "onset") and not hasattr(drum_pitch, "ONSET_FRACTION")


def test_the_window_starts_at_the_onset_not_at_a_quiet_lead() -> None:
    """A 60 Hz hum at 5 % of the hit's peak for 0.3 s, then a 150 Hz hit: the pitch is the hit's (the hum, under
    20 dB of the peak, is skipped); silence is nan."""
    lead = 0.05 * np.sin(2 * np.pi * 60.0 * np.arange(int(0.3 * RATE)) / RATE)
    t = np.arange(int(0.3 * RATE)) / RATE
    hit = np.concatenate([lead, np.sin(2 * np.pi * 150.0 * t) * np.exp(-t * 8)])
    assert drum_pitch.drum_pitch_hz(hit, RATE) == pytest.approx(150.0, rel=0.01)
    assert math.isnan(drum_pitch.drum_pitch_hz(np.zeros(4800), RATE))

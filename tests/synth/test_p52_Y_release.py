"""The fitted release (synth QA of the fifty-second stop, finding 1): a FluidR3 flute's E4, held past the 1.5 s crop,
swings some 8 dB with its tremolo, and its last downswing ran into the crop's end: it was read as a 1.13 s "release
tail", two such notes of 39 were enough to give the flute that release, and the pack's release was the median of
only the instruments that had one, so the flute's 1.13 s became the piano's, the organ's and the strings' too."""
from __future__ import annotations

import numpy as np
import pytest

from trainer.synth.envelope_fit import (DEFAULT_ENVELOPE, envelope_words, fit_envelope, fit_instrument, note_shape,
                                        release_words)
from trainer.synth.features import loudness_db

RATE, HOP = 24000, 120
FRAME_S = HOP / RATE


def _tone(seconds: float, db_at: "callable", pitch_hz: float = 220.0) -> np.ndarray:
    """[N] a harmonic tone whose level follows ``db_at(t)`` (dB), with a 5 ms linear attack."""
    t = np.arange(int(seconds * RATE)) / RATE
    amp = 10.0 ** (db_at(t) / 20.0) * np.minimum(1.0, t / 0.005)
    x = sum(np.sin(2 * np.pi * k * pitch_hz * t) / k for k in range(1, 5)) * 0.3 * amp
    return x[:len(x) // HOP * HOP].astype(np.float32)


def _tremolo(t: np.ndarray) -> np.ndarray:
    """A held flute: near -1 dB with sharp 8 dB troughs 4 times a second (FluidR3's E4 flute: -0.8, -1.6, -3.9,
    -7.3, -9.0, -7.8, -4.6, -2.3 dB in 25 ms steps), the last one at 1.5 s, where the crop ends."""
    return -1.0 - 8.0 * (1.0 - ((1.0 - np.cos(2 * np.pi * 4.0 * (t - 1.5))) / 2) ** 2)


def _released(key_up: float, release_db_s: float = 300.0):
    def db(t: np.ndarray) -> np.ndarray:
        return np.where(t < key_up, -1.0 * t, -1.0 * key_up - release_db_s * (t - key_up))
    return db


def _loud(tones: list[np.ndarray]) -> np.ndarray:
    n = max(len(x) for x in tones)
    return np.stack([loudness_db(np.pad(x, (0, n - len(x))), HOP) for x in tones])


def test_a_tremolo_downswing_at_the_crops_end_is_no_release() -> None:
    """Before: release 0.9 s "from the notes' release tails" (the knee at the last downswing)."""
    tones = [_tone(1.5, _tremolo, f) for f in (220.0, 260.0, 330.0)]
    shape = note_shape(loudness_db(tones[0], HOP), FRAME_S)
    assert shape is not None and shape.release is None
    fit = fit_envelope(_loud(tones), np.zeros(3, int), ["flute"], FRAME_S)
    assert not fit.release_measured and fit.envelope["release"] == DEFAULT_ENVELOPE["release"]
    assert "the default" in envelope_words(fit)


def test_a_real_release_after_the_key_up_is_still_measured() -> None:
    """The same tremolo held 1.2 s, then let go (60 dB in 0.2 s) inside a 1.6 s crop: measured."""
    def db(t: np.ndarray) -> np.ndarray:
        return np.where(t < 1.2, _tremolo(t), _tremolo(np.full_like(t, 1.2)) - 300.0 * (t - 1.2))
    tones = [_tone(1.6, db, f) for f in (220.0, 260.0, 330.0)]
    fit = fit_envelope(_loud(tones), np.zeros(3, int), ["flute"], FRAME_S)
    assert fit.release_measured and fit.envelope["release"] == pytest.approx(0.2, rel=0.3)


def test_a_few_tails_among_many_notes_are_no_instruments_release() -> None:
    """2 notes of 9 with a tail (before: 2 were enough, whatever the count): the instrument's release is 0."""
    held = [_tone(1.5, lambda t: -1.0 * t, 200.0 + 20 * i) for i in range(7)]
    tails = [_tone(1.5, _released(1.0), f) for f in (210.0, 250.0)]
    shapes = [note_shape(row, FRAME_S) for row in _loud(held + tails)]
    assert sum(s.release is not None for s in shapes) == 2
    assert fit_instrument(shapes, FRAME_S)["release"] == 0.0
    assert fit_instrument(shapes[4:], FRAME_S)["release"] == pytest.approx(0.2, rel=0.3)   # 2 of 5: measured


def test_one_instruments_tail_is_not_every_instruments_release() -> None:
    """Four instruments, only the flute's notes hold a tail (1.0 s): the pack's release counts the default for the
    other three (before: the flute's 1.0 s for all four), and the words say what was used."""
    names = ["flute", "organ", "piano", "strings"]
    tones = [_tone(1.5, _released(0.6, 60.0), f) for f in (220.0, 260.0)]
    tones += [_tone(1.5, lambda t: -1.0 * t, f) for _ in names[1:] for f in (220.0, 260.0)]
    fit = fit_envelope(_loud(tones), np.repeat(np.arange(4), 2), names, FRAME_S)
    assert fit.instruments["flute"]["release"] == pytest.approx(1.0, rel=0.2)
    assert all(fit.instruments[n]["release"] == 0.0 for n in names[1:])
    assert fit.envelope["release"] == DEFAULT_ENVELOPE["release"] and fit.measured_in == ["flute"]
    words = release_words(fit)
    assert "flute's measured 1.0" in words and "organ, piano and strings" in words and "0.25 s" in words
    assert fit.to_dict()["release_from"] == "some" and fit.to_dict()["release_measured_in"] == ["flute"]


def test_two_of_four_measured_take_the_middle_with_the_defaults() -> None:
    names = ["a", "b", "c", "d"]
    tones = [_tone(1.5, _released(0.6, r), f) for r in (60.0, 120.0) for f in (220.0, 260.0)]
    tones += [_tone(1.5, lambda t: -1.0 * t, f) for _ in names[2:] for f in (220.0, 260.0)]
    fit = fit_envelope(_loud(tones), np.repeat(np.arange(4), 2), names, FRAME_S)
    own = sorted([fit.instruments["a"]["release"], fit.instruments["b"]["release"], 0.25, 0.25])
    assert fit.envelope["release"] == pytest.approx((own[1] + own[2]) / 2, abs=2e-3)

"""The pack's envelope fitted from the notes (synth QA of the forty-second stop: every pack got the default A 10 ms,
D 150 ms, S 0.8, R 250 ms, so a trained piano played like an organ: the recording fell 10.3 dB from 0.2 s to 1.0 s,
the synth rose 1.7 dB), and the box's envelope step that plays a continuing decay (``fall``)."""
from __future__ import annotations

import numpy as np
import pytest

from device.audio.synth_voices import ATTACK, RELEASE, _voices_step
from trainer.synth.envelope_fit import (DEFAULT_ENVELOPE, box_levels, envelope_words, fit_envelope, hold_db,
                                        note_shape)
from trainer.synth.features import loudness_db

RATE, HOP = 24000, 120
FRAME_S = HOP / RATE


def _tone(seconds: float, db_at: "callable", pitch_hz: float = 220.0, pad_s: float = 0.0) -> np.ndarray:
    """[N] a harmonic tone whose level follows ``db_at(t)`` (dB), with a 5 ms linear attack, then ``pad_s`` of
    digital silence."""
    t = np.arange(int(seconds * RATE)) / RATE
    amp = 10.0 ** (db_at(t) / 20.0) * np.minimum(1.0, t / 0.005)
    x = sum(np.sin(2 * np.pi * k * pitch_hz * t) / k for k in range(1, 5)) * 0.3 * amp
    x = np.concatenate([x, np.zeros(int(pad_s * RATE))])
    return x[:len(x) // HOP * HOP].astype(np.float32)


def _fit(tones: list[np.ndarray], names: tuple[str, ...] = ("x",), inst: list[int] | None = None):
    n = max(len(x) for x in tones)
    loud = np.stack([loudness_db(np.pad(x, (0, n - len(x))), HOP) for x in tones])
    return fit_envelope(loud, np.array(inst or [0] * len(tones)), list(names), FRAME_S)


def _piano(seconds: float = 1.5, rate_db_s: float = 10.0, **kw) -> np.ndarray:
    return _tone(seconds, lambda t: -rate_db_s * t, **kw)


def _organ(seconds: float = 1.5, tremolo_db: float = 0.3, **kw) -> np.ndarray:
    return _tone(seconds, lambda t: tremolo_db * np.sin(2 * np.pi * 5 * t), **kw)


def test_the_box_step_falls_while_held_as_the_fit_says() -> None:
    """hold_db (the fit's closed form) against the box's own per-frame step: level after the attack, fall while
    held.  Before: _voices_step had no ``fall`` (a held note's level stopped at the sustain level)."""
    env = {"attack": 0.01, "decay": 0.1, "sustain": 0.5, "fall": 12.0, "release": 0.3}
    levels = box_levels(env, 300, 300, FRAME_S)
    attack_frames = int(round(env["attack"] / FRAME_S))
    frames = np.arange(attack_frames, 300)
    box_db = 20 * np.log10(levels[frames])
    fit_db = hold_db((frames - attack_frames + 1) * FRAME_S, env["decay"], env["sustain"], env["fall"])
    assert np.max(np.abs(box_db - fit_db)) < 0.25
    assert box_db[-1] < -6.0 - 12.0 * 1.2           # sustain -6 dB, then 12 dB a second for over 1.2 s


def test_the_box_step_without_a_fall_holds_as_before() -> None:
    """A pack without ``fall`` (every pack before this stop) holds its sustain level, as it always did."""
    stage, env = np.array([ATTACK], np.int8), np.zeros(1)
    args = (np.array([60]), env, np.zeros(1, bool), np.zeros(1, bool), np.zeros(1, np.int64), FRAME_S)
    for _ in range(200):
        _voices_step(stage, args[0], *args[1:], 0.01, 0.15, 0.8, 0.25, 0.0)
    assert env[0] == pytest.approx(0.8)
    stage[0] = RELEASE
    _voices_step(stage, args[0], *args[1:], 0.01, 0.15, 0.8, 0.25, 0.0)
    assert env[0] == pytest.approx(0.8 * 10 ** (-3 * FRAME_S / 0.25))


def test_a_piano_decay_comes_out_as_a_decay() -> None:
    fit = _fit([_piano(rate_db_s=r) for r in (8.0, 10.0, 12.0)])
    e = fit.envelope
    change = float(hold_db(np.array([1.0]), e["decay"], e["sustain"], e["fall"])[0]
                   - hold_db(np.array([0.2]), e["decay"], e["sustain"], e["fall"])[0])
    assert change == pytest.approx(-8.0, abs=1.5)            # the notes fell 10 dB a second
    assert e != DEFAULT_ENVELOPE and fit.notes == 3 and not fit.release_measured
    assert e["release"] == DEFAULT_ENVELOPE["release"]
    assert "dB a second while held" in envelope_words(fit) and "the default" in envelope_words(fit)


def test_an_organ_holds() -> None:
    e = _fit([_organ(), _organ(pitch_hz=330.0)]).envelope
    assert e["sustain"] == pytest.approx(1.0, abs=0.06) and e["fall"] < 1.0
    assert e["attack"] < 0.03


def test_a_tremolo_is_no_late_attack_nor_a_release() -> None:
    """A flute's 5 Hz tremolo of +-2.5 dB: its loudest swing comes late, but the attack is the onset's."""
    fit = _fit([_organ(tremolo_db=2.5), _organ(tremolo_db=2.5, pitch_hz=330.0)])
    assert fit.envelope["attack"] < 0.03 and fit.envelope["fall"] < 2.0 and not fit.release_measured


def test_a_release_tail_sets_the_release() -> None:
    """Notes held 1 s then let go with a 0.3 s release (60 dB in 0.3 s: 200 dB a second) in 1.5 s files."""
    def released(t: np.ndarray) -> np.ndarray:
        return np.where(t < 1.0, -3.0 * t, -3.0 - 200.0 * (t - 1.0))
    fit = _fit([_tone(1.5, released), _tone(1.5, released, pitch_hz=330.0)])
    assert fit.release_measured and fit.envelope["release"] == pytest.approx(0.3, rel=0.25)
    assert fit.envelope["fall"] < 6.0                        # the hold fell 3 dB a second, not the release's 200


def test_a_file_cut_mid_note_is_no_release() -> None:
    """A note that stops dead (the file ends, then silence) has no release tail: the default release."""
    fit = _fit([_organ(0.8, pad_s=0.7), _organ(0.8, pad_s=0.7, pitch_hz=330.0)])
    assert not fit.release_measured and fit.envelope["release"] == DEFAULT_ENVELOPE["release"]
    shape = note_shape(loudness_db(_organ(0.8, pad_s=0.7), HOP), FRAME_S)
    assert shape is not None and shape.release is None and shape.hold_end * FRAME_S == pytest.approx(0.8, abs=0.03)


def test_short_notes_do_not_drag_the_fit() -> None:
    """Four long piano notes and three cut at 0.25 s: the decay is the long notes'; the curve's tail, where too few
    notes reach, is not fitted."""
    long = [_piano(rate_db_s=10.0, pitch_hz=f) for f in (200.0, 220.0, 250.0, 300.0)]
    short = [_piano(0.25, pad_s=1.25, pitch_hz=f) for f in (230.0, 260.0, 280.0)]
    e = _fit(long + short).envelope
    change = float(hold_db(np.array([1.0]), e["decay"], e["sustain"], e["fall"])[0]
                   - hold_db(np.array([0.2]), e["decay"], e["sustain"], e["fall"])[0])
    assert change == pytest.approx(-8.0, abs=1.5)


def test_one_envelope_from_several_instruments_keeps_each_ones_fit() -> None:
    fit = _fit([_piano(), _piano(pitch_hz=330.0), _organ(), _organ(pitch_hz=330.0), _organ(pitch_hz=440.0)],
               ("organ", "piano"), [1, 1, 0, 0, 0])
    assert fit.instruments["organ"]["fall"] < 1.0 < 5.0 < fit.instruments["piano"]["fall"]
    assert fit.to_dict()["instruments"] == fit.instruments and fit.notes == 5


def test_silence_gives_the_default() -> None:
    fit = fit_envelope(np.full((2, 50), -100.0), np.array([0, 0]), ["x"], FRAME_S)
    assert fit.envelope == DEFAULT_ENVELOPE and fit.notes == 0


def test_a_fast_decaying_note_still_counts_at_the_end_of_its_file() -> None:
    """A high note down 25 dB by the end of its 1.5 s file is still sounding (no noise floor): it stays in the median
    (it was cut off at -20 dB, so the curve's end was the slow notes' alone and the fit decayed too little)."""
    e = _fit([_piano(rate_db_s=r, pitch_hz=f) for r, f in ((6.0, 200.0), (12.0, 250.0), (20.0, 300.0))]).envelope
    change = float(hold_db(np.array([1.2]), e["decay"], e["sustain"], e["fall"])[0]
                   - hold_db(np.array([0.2]), e["decay"], e["sustain"], e["fall"])[0])
    assert change == pytest.approx(-12.0, abs=1.5)

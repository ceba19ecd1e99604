"""p60 F3: the take checks' hum test (trainer/effect/take_checks.hum) said a bass riff held on exactly 50.0 Hz (or
60.0) was mains hum, "find the ground loop": its notes' lines are as narrow as hum's where the notes sit exactly on
the mains frequency (7 of 20 synthetic 10 s riffs at 50 Hz, 13 of 20 at 60 Hz).  Hum lasts: its lines keep their
phase and level from one second to the next; plucked notes each start at their own phase, and a held note dies out.
Now such a riff, and a held note dying out, are no hum; hum under a riff is found as before.  A note held steady on
the mains frequency for the whole take is hum to any test (the last case)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.effect.synth import RATE, drive, write
from tests.effect.test_p59_M7_takes import _riff
from trainer.effect import take_checks
from trainer.effect.data import load_folder


def _held(freq: float, tau_s: float | None, seconds: float = 10.0) -> np.ndarray:
    """One note of 6 harmonics held on ``freq`` Hz from the start, dying out with time constant ``tau_s`` (None:
    steady, an organ's or a drone's), -10 dBFS peak, over a -80 dBFS noise floor."""
    t = np.arange(int(seconds * RATE)) / RATE
    note = sum(np.sin(2 * np.pi * freq * k * t) / k for k in range(1, 7)) * (np.exp(-t / tau_s) if tau_s else 1.0)
    noise = 1e-4 * np.random.default_rng(0).standard_normal(t.size)
    return (0.3 * note / np.max(np.abs(note)) + noise).astype(np.float32)


def _with_hum(x: np.ndarray, mains: float, level_db: float) -> np.ndarray:
    t = np.arange(x.shape[0]) / RATE
    return (x + sum(np.sin(2 * np.pi * mains * k * t + k) / k for k in (1, 2, 3)) * 10 ** (level_db / 20)).astype(
        np.float32)


@pytest.mark.parametrize("freq, seed", [(50.0, 1), (50.0, 3), (60.0, 0), (60.0, 3), (60.0, 4)])
def test_a_riff_on_exactly_the_mains_frequency_is_no_hum(freq: float, seed: int) -> None:
    riff = _riff(freq, seed=seed)
    spectrum_alone = take_checks._lines(*take_checks._power(riff.astype(np.float64), RATE), freq, narrow=True)[0]
    assert len([f for f in spectrum_alone if f <= 3 * freq]) >= take_checks.HUM_LINES     # narrow enough to pass
    assert take_checks.hum(riff, RATE) is None


def test_a_held_note_dying_out_is_no_hum() -> None:
    assert take_checks.hum(_held(50.0, 3.0), RATE) is None


@pytest.mark.parametrize("base, mains, level_db, seed", [(55.0, 50.02, -35.0, 0), (55.0, 49.95, -35.0, 1),
                                                         (82.4, 60.0, -40.0, 2), (65.4, 60.03, -35.0, 3)])
def test_hum_under_a_riff_is_still_found(base: float, mains: float, level_db: float, seed: int) -> None:
    found = take_checks.hum(_with_hum(_riff(base, seed=seed), mains, level_db), RATE)
    assert found is not None and found.mains == round(mains / 10) * 10.0


def test_a_set_of_takes_of_a_riff_on_50_hz_says_no_hum(tmp_path: Path) -> None:
    """Its DI carries the riff too: it was said as "the DI in.wav carries mains hum ... find the ground loop".  A
    take that hums at 60 Hz is still said (hum on the notes' own 50 Hz lines is not told from them: it is said only
    where it lasts through the take more than they do, louder than they are there)."""
    di = _riff(50.0, seed=1)
    write(tmp_path / "in.wav", di)
    rows = ["input,output,drive[dB]"] + [f"in.wav,{write(tmp_path / f'out_{d}.wav', 0.5 * drive(di, d))},{d}"
                                         for d in (0, 6)]
    (tmp_path / "pairs.csv").write_text("\n".join(rows) + "\n")
    assert not [w for w in take_checks.before_training(load_folder(tmp_path)) if "hum" in w]
    hummed = _with_hum(0.5 * drive(di, 12), 60.0, -35.0)                 # a take that does hum is said
    write(tmp_path / "out_12.wav", hummed)
    (tmp_path / "pairs.csv").write_text("\n".join(rows + ["in.wav,out_12.wav,12"]) + "\n")
    said = [w for w in take_checks.before_training(load_folder(tmp_path)) if "hum" in w]
    assert len(said) == 1 and said[0].startswith("1 take (out_12.wav) carries mains hum the DI does not: 60 Hz"), \
        said


def test_a_note_held_steady_on_the_mains_frequency_is_hum_to_any_test() -> None:
    """The limit: a steady tone on exactly 50 Hz with harmonics is what hum is, in its level and phase as in its
    spectrum (and a DI carrying it cannot say whose it is)."""
    found = take_checks.hum(_held(50.0, None), RATE)
    assert found is not None and found.mains == 50.0

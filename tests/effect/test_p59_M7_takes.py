"""p59 RD2's read of M4's take checks (trainer/effect/take_checks.py): gear with a ceiling is no normalised set,
in-tune low notes are no mains hum, a denoiser's humming input is no ground loop, the words of a few warnings."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from hatbox.errors import DataError
from tests.effect.synth import RATE, drive, plucks, write
from trainer.effect import take_checks
from trainer.effect.data import load_folder, load_single

X = plucks(2.0)


def _set(folder: Path, outputs: dict[str, np.ndarray], di: np.ndarray = X, knob: str = "drive[dB]") -> Path:
    """in.wav (``di``) and one output per entry of ``outputs`` (knob setting -> audio), in pairs.csv."""
    write(folder / "in.wav", di)
    rows = [f"input,output,{knob}"] + [f"in.wav,{write(folder / f'out_{d}.wav', y)},{d}" for d, y in outputs.items()]
    (folder / "pairs.csv").write_text("\n".join(rows) + "\n")
    return folder


def _ceiling(x: np.ndarray, gain_db: float, ceiling_db: float = -0.1) -> np.ndarray:
    """Gear with a digital ceiling: ``gain_db`` of gain into a hard clip at ``ceiling_db`` dBFS."""
    c = 10 ** (ceiling_db / 20)
    return np.clip(x * 10 ** (gain_db / 20), -c, c).astype(np.float32)


def test_gear_holding_its_takes_at_a_ceiling_is_not_called_normalised(tmp_path: Path) -> None:
    outs = {str(g): _ceiling(X, g) for g in (12, 18, 24)}
    assert min(take_checks.at_peak(y) for y in outs.values()) >= take_checks.AT_PEAK_FEW
    data = load_folder(_set(tmp_path / "c", outs, knob="gain[dB]"), allow_clipping=True)
    assert not [w for w in take_checks.before_training(data) if "normalis" in w]


def test_takes_normalised_one_by_one_are_still_refused_when_one_of_them_is_squashed(tmp_path: Path) -> None:
    takes = {str(d): drive(X, d) for d in (0, 6, 24)}             # 24 dB of drive: thousands of samples at the rail
    takes = {d: (y / np.max(np.abs(y)) * 10 ** (-0.1 / 20)).astype(np.float32) for d, y in takes.items()}
    assert sorted(take_checks.at_peak(y) < take_checks.AT_PEAK_FEW for y in takes.values()) == [False, True, True]
    with pytest.raises(DataError, match="normalised one by one"):
        take_checks.before_training(load_folder(_set(tmp_path / "n", takes)))


def _riff(freq: float, seconds: float = 10.0, seed: int = 0) -> np.ndarray:
    """A bass riff holding ``freq`` Hz: plucks of 6 harmonics, 0.7-1.6 s each at random phases, -10 dBFS peak."""
    rng = np.random.default_rng(seed)
    y, at = np.zeros(int(seconds * RATE)), 0
    while at < y.shape[0]:
        n = int(rng.uniform(0.7, 1.6) * RATE)
        t = np.arange(n) / RATE
        note = sum(np.sin(2 * np.pi * freq * k * t + rng.uniform(0, 6)) / k for k in range(1, 7)) * np.exp(-t / 1.5)
        m = min(n, y.shape[0] - at)
        y[at:at + m] = note[:m]
        at += n
    return (0.3 * y / np.max(np.abs(y)) + 1e-4 * rng.standard_normal(y.shape)).astype(np.float32)


def test_an_in_tune_low_g_is_no_mains_hum_but_hum_under_a_low_a_is() -> None:
    assert take_checks.hum(_riff(49.0), RATE) is None       # G1: its notes' skirts reach the 50 Hz band
    bass = _riff(55.0)                                      # A1, and hum 25 dB under it
    t = np.arange(bass.shape[0]) / RATE
    mains = sum(np.sin(2 * np.pi * 50.02 * k * t + k) / k for k in (1, 2, 3)) * 10 ** (-35 / 20)
    found = take_checks.hum((bass + mains).astype(np.float32), RATE)
    assert found is not None and found.mains == 50.0 and {100.0, 150.0} <= set(found.lines)


def _mains(n: int, level_db: float = -30.0, mains: float = 50.0) -> np.ndarray:
    t = np.arange(n) / RATE
    h = sum(np.sin(2 * np.pi * mains * k * t + k) / k for k in (1, 2, 3, 5))
    return (h / np.max(np.abs(h)) * 10 ** (level_db / 20)).astype(np.float32)


def test_a_denoiser_s_humming_input_is_no_ground_loop_to_find(tmp_path: Path) -> None:
    noisy = (0.5 * X + _mains(X.size)).astype(np.float32)
    takes = {str(s): (0.5 * X + (1 - s) * _mains(X.size)).astype(np.float32) for s in (1.0, 0.999)}
    data = load_folder(_set(tmp_path / "d", takes, di=noisy, knob="strength"))
    assert take_checks.hum(data.pairs[0].input, RATE) is not None
    assert not [w for w in take_checks.before_training(data) if "hum" in w]
    passed = load_folder(_set(tmp_path / "p", {str(d): drive(noisy, d) for d in (0, 12)}, di=noisy))
    said = [w for w in take_checks.before_training(passed) if "hum" in w]
    assert len(said) == 1 and said[0].startswith("the DI in.wav carries mains hum: 50 Hz"), said
    alone = load_folder(_set(tmp_path / "a", {str(d): drive(X, d) for d in (0, 12)}, di=noisy))  # the DI's own loop
    said = [w for w in take_checks.before_training(alone) if "hum" in w]
    assert len(said) == 1 and "carries mains hum its takes do not" in said[0] and "not through the gear" in said[0]


def test_a_stereo_effect_s_dry_out_is_named_with_the_way_to_train_its_sum(tmp_path: Path) -> None:
    write(tmp_path / "di.wav", X)
    wet = np.roll(X, 240) * 0.8 + 0.2 * drive(X, 12)                # the effect's voice on B, the dry out on A
    write(tmp_path / "chorus.wav", np.stack([X, wet.astype(np.float32)], 1))
    data = load_single(tmp_path / "di.wav", tmp_path / "chorus.wav")
    with pytest.raises(DataError) as caught:
        take_checks.before_training(data)
    hint = caught.value.hint or ""
    assert "a stereo effect's dry out" in hint and "--keep-dry-channel trains the mono sum" in hint, hint


def test_a_silent_di_of_every_row_is_no_row_to_delete(tmp_path: Path) -> None:
    folder = _set(tmp_path / "s", {str(d): drive(X, d) for d in (0, 12)}, di=np.zeros_like(X))
    with pytest.raises(DataError) as caught:
        load_folder(folder)
    text = str(caught.value) + (caught.value.hint or "")
    assert "in.wav is silent" in text and "delete its row" not in text, text
    write(tmp_path / "s" / "in2.wav", X)                               # one row of its own: that row may go
    (folder / "pairs.csv").write_text("input,output,drive[dB]\nin.wav,out_0.wav,0\nin2.wav,out_12.wav,12\n")
    with pytest.raises(DataError) as one:
        load_folder(folder)
    assert "delete its row" in str(one.value) + (one.value.hint or "")


def test_the_hum_warning_counts_its_takes_in_good_grammar(tmp_path: Path) -> None:
    hummed = lambda d: (0.3 * drive(X, d) + _mains(X.size)).astype(np.float32)     # noqa: E731
    one = load_folder(_set(tmp_path / "1", {"0": hummed(0), "6": 0.3 * drive(X, 6), "12": 0.3 * drive(X, 12)}))
    two = load_folder(_set(tmp_path / "2", {"0": hummed(0), "6": hummed(6), "12": 0.3 * drive(X, 12)}))
    said = {k: [w for w in take_checks.before_training(d) if "mains hum" in w] for k, d in (("1", one), ("2", two))}
    assert said["1"][0].startswith("1 take (out_0.wav) carries mains hum"), said
    assert said["2"][0].startswith("2 takes (out_0.wav, out_6.wav) carry mains hum"), said


def test_one_knob_at_a_time_is_said_as_combinations_without_a_recording_not_a_grid_s_gaps() -> None:
    from trainer.effect.knob_checks import missing_settings
    columns = [("drive", "drive", ""), ("tone[Hz]", "tone", "Hz")]
    rows = [{"drive": d, "tone": 1000} for d in (0, 5, 10)] + [{"drive": 5, "tone": t} for t in (500, 2000)]
    said = missing_settings(columns, rows)
    assert len(said) == 1 and said[0].startswith("the pack has no recording of these combinations"), said
    assert "drive 0, tone 500 Hz" in said[0] and "5 of the 9 combinations" in said[0] and "grid" not in said[0]

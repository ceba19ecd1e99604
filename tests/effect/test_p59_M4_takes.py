"""p59 Q2 findings 1, 2, 3, 6, 8: what the takes themselves give away, said before training (trainer/effect/
take_checks.py): takes normalised one by one (refused unless --takes-normalised), an
output carrying the DI on a channel (refused unless --keep-dry-channel), mains hum on the takes and not on the DI
(warned, and its part of the held-out error said), a DI far quieter than its takes
(the knob grid's missing settings: test_p59_M4_grid.py)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from hatbox.advice import Limit
from hatbox.cli import main
from hatbox.cmd_effect import hum_line, next_lines
from hatbox.errors import DataError
from tests.effect.synth import RATE, drive, plucks, write
from trainer.effect import take_checks
from trainer.effect.data import load_folder, load_single

X = plucks(2.0)


def _set(folder: Path, outputs: dict[str, np.ndarray], di: np.ndarray = X) -> Path:
    """in.wav (``di``) and one output per entry of ``outputs`` (drive setting -> audio), in pairs.csv."""
    write(folder / "in.wav", di)
    rows = ["input,output,drive[dB]"] + [f"in.wav,{write(folder / f'out_{d}.wav', y)},{d}" for d, y in outputs.items()]
    (folder / "pairs.csv").write_text("\n".join(rows) + "\n")
    return folder


def _normalised(y: np.ndarray, peak_db: float = -0.1) -> np.ndarray:
    return (y / np.max(np.abs(y)) * 10 ** (peak_db / 20)).astype(np.float32)


def _hum(n: int, level_db: float = -30.0, mains: float = 50.0) -> np.ndarray:
    t = np.arange(n) / RATE
    h = sum(np.sin(2 * np.pi * mains * k * t + k) / k for k in (1, 2, 3, 5))
    return (h / np.max(np.abs(h)) * 10 ** (level_db / 20)).astype(np.float32)


def test_takes_normalised_one_by_one_are_refused_with_the_way_out(tmp_path: Path) -> None:
    takes = {str(d): _normalised(0.3 * drive(X, d)) for d in (0, 6, 12)}
    data = load_folder(_set(tmp_path / "n", takes))
    with pytest.raises(DataError) as caught:
        take_checks.before_training(data)
    said = caught.value.args[0]
    assert "all 3 takes peak at exactly -0.10 dBFS" in said and "normalised" in said, said
    assert "--takes-normalised" in (caught.value.hint or "")
    assert any("--takes-normalised" in w for w in take_checks.before_training(data, takes_normalised=True))


def test_takes_at_their_own_levels_or_a_gear_rail_are_not_called_normalised(tmp_path: Path) -> None:
    real = load_folder(_set(tmp_path / "r", {str(d): 0.3 * drive(X, d) for d in (0, 6, 12)}))    # about -16 dBFS
    rail = load_folder(_set(tmp_path / "t", {str(d): drive(X, d) for d in (0, 6, 12)}))   # every peak -6.02 dBFS
    two = load_folder(_set(tmp_path / "w", {str(d): _normalised(drive(X, d)) for d in (0, 12)}))
    for data in (real, rail, two):
        assert not [w for w in take_checks.before_training(data) if "normalis" in w]


def test_the_cli_refuses_normalised_takes_before_training(tmp_path: Path, capsys) -> None:
    data = _set(tmp_path / "n", {str(d): _normalised(drive(X, d), 0.0) for d in (0, 6, 12)})
    assert main(["train", "effect", str(data), "--out", str(tmp_path / "n.hatpack"), "--max-steps", "1"]) == 2
    err = capsys.readouterr().err
    assert "peak at exactly 0.00 dBFS" in err and "--takes-normalised" in err, err
    assert not (tmp_path / "n.hatpack").exists()


def test_an_output_carrying_the_di_is_refused_with_the_sox_line_unless_kept(tmp_path: Path) -> None:
    write(tmp_path / "di.wav", X)
    write(tmp_path / "rec.wav", np.stack([drive(X, 12), X], 1))
    data = load_single(tmp_path / "di.wav", tmp_path / "rec.wav")        # the loader itself only warns
    with pytest.raises(DataError) as caught:
        take_checks.before_training(data)
    assert "channel 2 is nearly the input itself" in caught.value.args[0]
    hint = caught.value.hint or ""
    assert f"sox {tmp_path / 'rec.wav'} {tmp_path / 'rec-ch1.wav'} remix 1" in hint and "--keep-dry-channel" in hint
    take_checks.before_training(data, keep_dry_channel=True)               # said, not refused
    assert any("nearly the input itself" in w for w in data.warnings)


def test_mains_hum_on_the_takes_and_not_the_di_is_said_with_its_share(tmp_path: Path) -> None:
    takes = {str(d): (0.3 * drive(X, d) + _hum(X.size)).astype(np.float32) for d in (0, 12)}
    data = load_folder(_set(tmp_path / "h", takes))
    said = [w for w in take_checks.before_training(data) if "hum" in w]
    assert len(said) == 1 and "every take" in said[0] and "50 Hz" in said[0] and "the DI does not" in said[0], said
    found = take_checks.hum(data.pairs[0].output, RATE)
    assert found is not None and found.mains == 50.0 and {50.0, 100.0, 150.0} <= set(found.lines)
    hum_alone = _hum(X.size)
    expected = float(np.mean(hum_alone ** 2) / np.mean(data.pairs[0].output.astype(np.float64) ** 2))
    assert abs(found.share - expected) < 0.2 * expected, (found.share, expected)
    spans = {p.name: (0, p.output.size) for p in data.pairs}
    error = take_checks.hum_error(data.pairs, RATE, spans, {p.name: 0.5 for p in data.pairs})
    assert error is not None and 0.0 < error["without"] < 0.5 and error["share"] > 0.0
    assert take_checks.hum_error(data.pairs, RATE, spans, {p.name: 1.3 for p in data.pairs}) is None   # its own
    tail = {p.name: (p.output.size - RATE // 4, p.output.size) for p in data.pairs}     # 0.25 s: the take's power
    short = take_checks.hum_error(data.pairs, RATE, tail, {p.name: 0.5 for p in data.pairs})
    assert short is not None and 0.0 < short["share"] < 0.5, short
    assert take_checks.hum(X, RATE) is None and take_checks.hum(drive(X, 12), RATE) is None    # plucks: no hum


def test_sixty_hz_hum_on_the_di_too_is_no_error_of_the_pack(tmp_path: Path) -> None:
    di = (X + _hum(X.size, mains=60.0)).astype(np.float32)
    data = load_folder(_set(tmp_path / "d", {str(d): drive(di, d) for d in (0, 12)}, di=di))
    said = [w for w in take_checks.before_training(data) if "hum" in w]
    assert len(said) == 1 and said[0].startswith("the DI in.wav carries mains hum: 60 Hz"), said
    spans = {p.name: (0, p.output.size) for p in data.pairs}
    assert take_checks.hum_error(data.pairs, RATE, spans, {p.name: 0.5 for p in data.pairs}) is None


def test_the_score_words_say_the_hum_s_part_and_advise_on_the_rest() -> None:
    metrics = {"val_esr": 0.357, "val_esr_hum": {"share": 0.3, "without": 0.015}, "arch": "gru"}
    assert "about 0.3 is the mains hum" in hum_line(metrics) and "about 0.015" in hum_line(metrics)
    assert not any("--arch auto" in line for line in next_lines(metrics, Limit(600, 5.0), report="r"))
    far = {**metrics, "val_esr_hum": {"share": 0.2, "without": 0.15}}
    assert any("without the hum 0.15" in line for line in next_lines(far, Limit(600, 5.0), report="r"))
    assert hum_line({"val_esr": 0.357}) is None


def test_a_di_far_quieter_than_its_takes_is_said_with_the_gain(tmp_path: Path) -> None:
    quiet = (X * 0.04).astype(np.float32)                       # peaks at -34 dBFS
    data = load_folder(_set(tmp_path / "q", {str(d): 0.5 * drive(X, d) for d in (0, 12)}, di=quiet))
    said = [w for w in take_checks.before_training(data) if "the DI in.wav peaks" in w]
    assert len(said) == 1 and "-34.0 dBFS" in said[0] and "dB of gain" in said[0], said
    normal = load_folder(_set(tmp_path / "n", {str(d): 0.5 * drive(X, d) for d in (0, 12)}))
    assert not [w for w in take_checks.before_training(normal) if "the DI in.wav peaks" in w]


def test_the_report_says_the_hum_s_part_too() -> None:
    from trainer.effect.report import _hum_text
    said = _hum_text({"share": 0.314, "without": 0.196})
    assert len(said) == 1 and "**0.3140** is the mains hum" in said[0] and "**0.1960**" in said[0], said
    assert _hum_text(None) == []

"""Forty-third stop: `train effect` on (noisy, clean) pairs prints how much noise came out (SNR in dB, the pack beside
noisereduce) and its report says the same, with a table per pair and a picture; a drive pedal's says no SNR."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from hatbox.cli import main
from trainer.effect import report_denoise
from trainer.effect.data import EffectData, Pair
from trainer.effect.denoise_figures import snr_from_esr

RATE = 48_000
TINY = ["--set", "model.hidden=8", "--set", "batch=8", "--set", "eval_every_s=0", "--max-steps", "2"]


def _clean(seed: int, seconds: float = 3.0) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    tone = sum(np.sin(2 * np.pi * (110 + 30 * seed) * k * t) / k for k in range(1, 4))
    return (0.2 * tone * (np.mod(t, 1.0) < 0.6)).astype(np.float32)


def _set(folder: Path, gear) -> Path:
    """Two pairs: input -> ``gear(input, seed)`` as output."""
    folder.mkdir(parents=True)
    rows = ["input,output"]
    for i in range(2):
        x, y = gear(i)
        sf.write(folder / f"t{i}_in.wav", x, RATE, subtype="FLOAT")
        sf.write(folder / f"t{i}_out.wav", y, RATE, subtype="FLOAT")
        rows.append(f"t{i}_in.wav,t{i}_out.wav")
    (folder / "pairs.csv").write_text("\n".join(rows) + "\n")
    return folder


def _noisy(seed: int) -> tuple[np.ndarray, np.ndarray]:
    clean = _clean(seed)
    hiss = 0.03 * np.random.default_rng(seed).standard_normal(clean.shape[0])
    return (clean + hiss).astype(np.float32), clean


def _drive(seed: int) -> tuple[np.ndarray, np.ndarray]:
    clean = _clean(seed)
    return clean, (0.3 * np.tanh(6 * clean)).astype(np.float32)


def _train(tmp_path: Path, gear, capsys: pytest.CaptureFixture) -> tuple[str, str, dict]:
    data = _set(tmp_path / "set", gear)
    assert main(["train", "effect", str(data), "--out", str(tmp_path / "p.hatpack"), "--report",
                 str(tmp_path / "rep"), *TINY]) == 0
    printed = capsys.readouterr().out
    return printed, (tmp_path / "rep" / "report.md").read_text(), json.loads((tmp_path / "rep" / "metrics.json")
                                                                             .read_text())


def test_a_denoiser_is_told_how_much_noise_came_out(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    printed, said, metrics = _train(tmp_path, _noisy, capsys)
    line = next(x for x in printed.splitlines() if "noise removed" in x)
    assert line.startswith("note: noise removed (median over the 2 held-out pairs; SNR against the clean take)")
    assert f"- {line[len('note: '):]}" in said.splitlines()           # the report's bullet says the same words
    fig = metrics["denoise"]
    assert metrics["denoise_check"]["denoising"] and set(fig["input_snr"]) == set(metrics["val_esr_per_pair"])
    for name, bypass in metrics["val_bypass_esr_per_pair"].items():  # the input's SNR is bypass's ESR in dB
        assert fig["input_snr"][name] == pytest.approx(snr_from_esr(bypass), abs=0.01)
        assert fig["pack_snr"][name] == pytest.approx(snr_from_esr(metrics["val_esr_per_pair"][name]), abs=0.01)
        assert fig["pack_gain"][name] == pytest.approx(fig["pack_snr"][name] - fig["input_snr"][name], abs=0.02)
        assert fig["noisereduce_gain"][name] == pytest.approx(fig["noisereduce_snr"][name] - fig["input_snr"][name],
                                                              abs=0.02)
    assert f"input {fig['input_snr_median']:.1f} dB" in line and f"(median gain per pair {fig['noisereduce_gain_median']:+.1f} dB)" in line
    assert fig["noisereduce_mode"] in fig["noisereduce_modes"] and fig["noisereduce_mode"] in line
    assert "## Noise removed, per held-out pair" in said and "![SNR per pair](denoise_snr.png)" in said
    assert sum(r.startswith("| pairs.csv line") and r.count("|") == 7 for r in said.splitlines()) == 2 + 2
    assert (tmp_path / "rep" / "denoise_snr.png").stat().st_size > 10_000


def test_a_drive_pedal_gets_no_snr(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    printed, said, metrics = _train(tmp_path, _drive, capsys)
    assert "SNR" not in printed and "SNR" not in said and "noise removed" not in said
    assert metrics["denoise"] is None and not metrics["denoise_check"]["denoising"]
    assert not (tmp_path / "rep" / "denoise_snr.png").exists()


def test_an_earlier_runs_picture_goes_when_the_set_is_no_denoisers(tmp_path: Path) -> None:
    (tmp_path / report_denoise.FIGURE).write_bytes(b"old")
    x, y = _drive(0)
    data = EffectData(RATE, [], [Pair("p", x, y, {}, 0)])
    part = report_denoise.write_part(tmp_path, {"val_esr_per_pair": {"p": 0.1}, "val_bypass_esr_per_pair": {"p": 1.0}},
                                     data, 0.15)
    assert part["denoise"] is None and not (tmp_path / report_denoise.FIGURE).exists()
    assert report_denoise.section(part) == [] and report_denoise.headline(part) == []

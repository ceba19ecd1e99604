"""p60 M3 (QA A, a podcaster's denoiser): a denoiser's set trains at every mic level (each segment's pair scaled by one
gain), pairs normalised apart in a DAW are still a denoiser's (no "ground loop" for the noisy side's hum), swapped
columns are said, the noisiest pair is not blamed for the ESR it has left, and the words are a denoiser's (the
headline's median gain, the clean take's digital silence, the summary and `pack inspect`)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from trainer.effect import denoise_figures as dn
from trainer.effect import report_denoise, take_checks
from trainer.effect.config import TrainConfig
from trainer.effect.data import EffectData, Pair
from trainer.effect.evaluate import quality_warnings
from trainer.effect.gaps import gaps_text, quiet_text
from trainer.effect import segments

RATE = 48_000


def _speech(seconds: float = 4.0, seed: int = 0) -> np.ndarray:
    """Syllable-like tones with pauses (0.35 s on, 0.25 s off): float64 [N], peaking near 0.4."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * RATE)) / RATE
    f0 = rng.uniform(100, 180)
    tone = sum(np.sin(2 * np.pi * f0 * k * t + rng.uniform(0, 6)) / k for k in range(1, 6))
    return 0.2 * tone * (np.mod(t, 0.6) < 0.35)


def _hiss(n: int, rms: float, seed: int = 1) -> np.ndarray:
    return rms * np.random.default_rng(seed).standard_normal(n)


def _hum(n: int, amp: float) -> np.ndarray:
    t = np.arange(n) / RATE
    return sum(amp / k * np.sin(2 * np.pi * 50.0 * k * t) for k in (1, 2, 3))


def _to_dbfs(x: np.ndarray, peak_db: float = -1.0) -> np.ndarray:
    """``x`` normalised to a peak of ``peak_db`` dBFS, as a DAW does."""
    return x / np.max(np.abs(x)) * 10 ** (peak_db / 20)


def _pair(name: str, x: np.ndarray, y: np.ndarray, files: tuple[str, str] = ("", "")) -> Pair:
    return Pair(name, np.asarray(x, np.float32), np.asarray(y, np.float32), {}, 0, files)


def _denoiser_pairs(normalised: bool = False, hum: bool = False, swap: bool = False) -> list[Pair]:
    pairs = []
    for i in range(2):
        clean = _speech(seed=i)
        noisy = clean + _hiss(clean.shape[0], 0.02, i) + (_hum(clean.shape[0], 0.02) if hum else 0.0)
        if normalised:
            clean, noisy = _to_dbfs(clean), _to_dbfs(noisy)
        x, y = (clean, noisy) if swap else (noisy, clean)
        pairs.append(_pair(f"p{i}", x, y, (f"in{i}.wav", f"out{i}.wav")))
    return pairs


# --------------------------------------------------------------------------- 1: every mic level
def test_level_gains_span_the_range_and_stop_at_full_scale() -> None:
    rng = np.random.default_rng(0)
    gains = segments.level_gains(rng, (-24.0, 6.0), np.full(4000, 0.1))      # 20 dB of headroom: never capped
    db = 20 * np.log10(gains)
    assert db.min() == pytest.approx(-24.0, abs=0.2) and db.max() == pytest.approx(6.0, abs=0.2)
    assert abs(np.median(db) + 9.0) < 1.0                              # uniform in dB
    hot = segments.level_gains(rng, (-24.0, 6.0), np.full(4000, 0.9))          # peaking at -0.9 dBFS
    assert np.max(hot * 0.9) <= 1.0 + 1e-6 and np.min(20 * np.log10(hot)) < -20


def _segments(data: EffectData) -> segments.Segments:
    cfg = TrainConfig(warmup=256, chunk=256, chunks=2, batch=32)
    return segments.Segments(data, cfg, np.random.default_rng(3))


def test_a_denoisers_segments_come_at_many_levels_both_sides_together() -> None:
    data = EffectData(RATE, [], _denoiser_pairs())
    check = report_denoise.plan_levels(data)
    assert check["denoising"] and data.level_range_db == report_denoise.DENOISER_LEVELS_DB and data.denoiser
    assert any("-24 to +6 dB" in n for n in data.notes)
    segs = _segments(data)
    x, y, _k, power = segs.batch(64)
    levels = 10 * np.log10(power.numpy() / segs.power.max())
    assert levels.max() - levels.min() > 15.0                          # power follows the gain squared
    peaks = 20 * np.log10(np.max(np.abs(x.numpy()), axis=1))
    assert peaks.max() - peaks.min() > 15.0 and peaks.max() <= 1e-6     # many levels, never over full scale
    assert y.dtype == x.dtype == torch.float32


def test_a_segment_keeps_its_pair_up_to_one_gain() -> None:
    """Each drawn segment is its recording's samples times one gain, the same on input and output (an input ramp
    tells where a segment starts: its first sample over its slope)."""
    n = 2 * RATE
    ramp = (np.arange(n) + 1.0) * 2.0 ** -20
    tone = 0.1 * np.sin(0.01 * np.arange(n))
    data = EffectData(RATE, [], [_pair("r", ramp, tone)], level_range_db=(-24.0, 6.0))
    x, y, _k, power = _segments(data).batch(16)
    x, y = x.numpy().astype(np.float64), y.numpy().astype(np.float64)
    gains = []
    for xi, yi in zip(x, y):
        a = int(round(xi[0] / ((xi[-1] - xi[0]) / (xi.shape[0] - 1)))) - 1
        g = xi[0] / ramp[a]
        np.testing.assert_allclose(xi, g * ramp[a:a + xi.shape[0]], rtol=1e-4)
        np.testing.assert_allclose(yi, g * tone[a:a + yi.shape[0]], rtol=1e-3, atol=1e-7)
        gains.append(g)
    np.testing.assert_allclose(power.numpy(), _segments(data).power[0] * np.square(gains), rtol=1e-3)
    assert min(gains) < 10 ** (-6 / 20) and max(gains) > 1.0               # quieter and louder than recorded
    gear = EffectData(RATE, [], [_pair("d", c := _speech(2.0), 0.3 * np.tanh(8 * c))])
    assert not report_denoise.plan_levels(gear)["denoising"] and gear.level_range_db is None
    _xg, _yg, _kg, pg = _segments(gear).batch(8)
    assert np.allclose(pg.numpy(), _segments(gear).power[0])           # a pedal: as recorded


# --------------------------------------------------------------------------- 2: normalised apart
def test_pairs_normalised_apart_are_still_a_denoisers_set() -> None:
    check = dn.denoise_check(EffectData(RATE, [], _denoiser_pairs(normalised=True)))
    assert check["quieter_pairs"] == [0, 2]            # the clean side was raised more: louder than the noisy one
    assert check["denoising"] and check["cleaner_pairs"] == [2, 2] and not check["swapped"], check
    assert all(v < -0.5 for v in check["output_gain_db_per_pair"].values())  # the clean side brought down


def test_a_normalised_denoisers_noisy_side_hum_blames_no_ground_loop() -> None:
    pairs = _denoiser_pairs(normalised=True, hum=True)
    said = take_checks.hum_warnings(pairs, RATE)
    assert not [w for w in said if "ground loop" in w], said


# --------------------------------------------------------------------------- 3: swapped columns
def test_swapped_columns_are_said() -> None:
    for normalised in (False, True):
        data = EffectData(RATE, [], _denoiser_pairs(normalised=normalised, hum=True, swap=True))
        check = report_denoise.plan_levels(data)
        assert check["swapped"] and not check["denoising"] and data.level_range_db is None, check
        assert report_denoise.SWAPPED_WORDS in data.warnings
        said = take_checks.hum_warnings(data.pairs, RATE, check)
        assert not [w for w in said if "ground loop" in w], said     # the noisy takes hum: that is the swap
    right = EffectData(RATE, [], _denoiser_pairs())
    assert not report_denoise.plan_levels(right)["swapped"] and report_denoise.SWAPPED_WORDS not in right.warnings
    clean = _speech()
    drive = dn.denoise_check(EffectData(RATE, [], [_pair("d", clean, 0.3 * np.tanh(8 * clean))]))
    assert not drive["swapped"] and not drive["denoising"]


# --------------------------------------------------------------------------- 4: the noisiest pair gained most
def _metrics(pack: dict[str, float], bypass: dict[str, float]) -> dict:
    return {"val_esr": float(np.mean(list(pack.values()))), "val_bypass_esr": float(np.mean(list(bypass.values()))),
            "val_esr_per_pair": pack, "val_bypass_esr_per_pair": bypass,
            "val_esr_per_setting": {"fixed": float(np.mean(list(pack.values())))}}


def test_a_denoiser_is_judged_by_the_snr_each_pair_gained() -> None:
    """QA's set: the 0 dB pair keeps the highest ESR (0.39, 12x the median) though it gained +10.4 dB."""
    bypass = {"a": 4.32, "b": 0.14, "c": 0.15, "d": 0.13, "e": 0.12}
    pack = {"a": 0.393, "b": 0.031, "c": 0.032, "d": 0.030, "e": 0.029}
    data = EffectData(RATE, [], _denoiser_pairs())
    report_denoise.plan_levels(data)
    said = quality_warnings(_metrics(pack, bypass), data)
    assert not [w for w in said if "much worse" in w or "much less noise" in w], said
    gear = EffectData(RATE, [], data.pairs)                              # not looked at: the ESR rule as before
    assert [w for w in quality_warnings(_metrics(pack, bypass), gear) if "much worse on this recording" in w]
    behind = {**pack, "c": 0.145}                                        # +0.1 dB where the others gained ~6.5
    said = quality_warnings(_metrics(behind, bypass), data)
    assert [w for w in said if "takes much less noise off this recording" in w and "c: +0.1 dB" in w], said


# --------------------------------------------------------------------------- 5, 6: a denoiser's words
FIG = {"input_snr": {"a": 6.0, "b": 7.0}, "pack_snr": {"a": 15.0, "b": 15.2}, "pack_gain": {"a": 9.0, "b": 8.2},
       "noisereduce_snr": {"a": 12.0, "b": 13.0}, "noisereduce_gain": {"a": 6.0, "b": 6.0},
       "noisereduce_mode": "stationary", "noisereduce_modes": {"stationary": 6.0},
       "input_snr_median": 6.6, "pack_snr_median": 15.1, "pack_gain_median": 8.2, "noisereduce_snr_median": 12.9,
       "noisereduce_gain_median": 6.0}


def test_the_headline_says_the_median_gain_per_pair() -> None:
    line = dn.denoise_words(FIG)[0]
    assert "input 6.6 dB, the pack 15.1 dB (median gain per pair +8.2 dB)" in line
    assert "12.9 dB (median gain per pair +6.0 dB)" in line
    summary = dn.pack_summary(FIG, (-24.0, 6.0))
    assert summary["pairs"] == 2 and summary["levels_db"] == [-24.0, 6.0]
    assert dn.denoise_words(summary) == [line]          # the pack's figures say the same words


def test_the_clean_takes_silence_is_said_as_such() -> None:
    levels = {"input_db": -48.0, "gear_db": -200.0, "pack_db": -70.0, "gear_level_db": -20.0}
    line = quiet_text(levels, "pairs.csv line 2", "the clean take")[0]
    assert "the clean take digital silence" in line and "-200" not in line and "where the clean take is" in line
    many = gaps_text({"a": levels, "b": {**levels, "pack_db": -60.0}}, "the clean take")[0]
    assert "-200" not in many and "digital silence" in many and "the gear" not in many
    assert "the gear -62.0" in quiet_text({**levels, "gear_db": -62.0}, "p")[0]       # gear: as before
    assert report_denoise.target_words({"denoise": FIG}) == "the clean take"
    assert report_denoise.target_words({"denoise": None}) == "the gear"
    assert "the clean take, over the energy of the clean take" in report_denoise.esr_words({"denoise": FIG}, 0.02)
    assert "and the gear's, over the energy of the gear's" in report_denoise.esr_words({"denoise": None}, 0.02)


def test_the_summary_speaks_of_clean_takes_and_pairs() -> None:
    from hatbox.advice import Limit
    from hatbox.cmd_effect import held_out_line, next_lines
    assert "identical to your clean takes" in held_out_line(0.08, 8, denoiser=True)
    assert "identical to your gear" in held_out_line(0.08, 8)
    m = {"val_esr": 0.08, "arch": "gru", "steps": 1196, "denoise_snr": dn.pack_summary(FIG, (-24.0, 6.0))}
    text = "\n".join(next_lines(m, Limit(steps=1196, minutes=5.0)))
    assert "drive pedals" not in text and "knob settings" not in text and "noises" in text
    gear = "\n".join(next_lines({**m, "denoise_snr": None}, Limit(steps=1196, minutes=5.0)))
    assert "drive pedals" in gear and "knob settings" in gear


def test_pack_inspect_says_a_denoisers_snr() -> None:
    from hatbox.cmd_pack import denoise_line, figure_lines, score_lines
    m = {"val_esr": 0.08, "denoise_snr": dn.pack_summary(FIG, (-24.0, 6.0))}
    line = denoise_line(m)
    assert line == ("noise removed (median over the 2 held-out pairs; SNR against the clean take): input 6.6 dB, the "
                    "pack 15.1 dB (median gain per pair +8.2 dB); spectral gating (noisereduce, offline) +6.0 dB; "
                    "trained at levels -24 to +6 dB of its pairs")
    assert denoise_line({"val_esr": 0.08}) is None and denoise_line({"denoise_snr": {"input_snr_median": "x"}}) is None
    assert not [x for x in figure_lines(m) if "denoise_snr" in x]
    assert "ESR: 0 = identical to the clean takes" in score_lines(m)[0]
    assert "ESR: 0 = identical to the gear" in score_lines({"val_esr": 0.08})[0]


def test_training_a_denoiser_puts_its_snr_in_the_pack(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    import soundfile as sf

    from export.pack import read_pack
    from hatbox.cli import main
    folder = tmp_path / "set"
    folder.mkdir()
    rows = ["input,output"]
    for i, p in enumerate(_denoiser_pairs(normalised=True)):
        sf.write(folder / f"n{i}.wav", p.input, RATE, subtype="FLOAT")
        sf.write(folder / f"c{i}.wav", p.output, RATE, subtype="FLOAT")
        rows.append(f"n{i}.wav,c{i}.wav")
    (folder / "pairs.csv").write_text("\n".join(rows) + "\n")
    out = tmp_path / "dn.hatpack"
    assert main(["train", "effect", str(folder), "--out", str(out), "--set", "model.hidden=8", "--set", "batch=8",
                 "--set", "eval_every_s=0", "--max-steps", "2"]) == 0
    said = capsys.readouterr()
    assert "trains on each pair at levels from -24 to +6 dB" in said.out and "noise removed" in said.out
    assert "ground loop" not in said.out + said.err and "identical to your clean takes" in said.out
    fig = read_pack(out).manifest.metrics["denoise_snr"]
    assert fig["levels_db"] == [-24.0, 6.0] and fig["pairs"] == 2 and isinstance(fig["pack_gain_median"], float)
    assert main(["pack", "inspect", str(out)]) == 0
    assert "noise removed (median over the 2 held-out pairs" in capsys.readouterr().out

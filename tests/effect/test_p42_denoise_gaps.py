"""Forty-second stop's denoiser QA: the report's noise floor in the gaps measured only the worst pair, which was
played all through, so no figure was given though six pairs had gaps; its spectrogram showed the gear and the pack
but not the noisy input; a set without knobs was told about "settings"."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import soundfile as sf

from hatbox.cli import main
from trainer.effect import gaps, report

RATE = 48_000
TINY = ["--set", "model.hidden=8", "--set", "batch=8", "--set", "eval_every_s=0", "--max-steps", "2"]


def _take(seed: int, seconds: float, gapped: bool) -> tuple[np.ndarray, np.ndarray]:
    """(noisy, clean) [N]: notes (every other half second silent when ``gapped``) and hiss at -40 dBFS."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * RATE)) / RATE
    clean = 0.4 * np.sin(2 * np.pi * (110 + 40 * seed) * t) * (1 + 0.2 * np.sin(2 * np.pi * 3 * t))
    if gapped:
        clean *= np.mod(t, 1.0) < 0.5
    noisy = clean + 0.01 * rng.standard_normal(t.size)
    return noisy.astype(np.float32), clean.astype(np.float32)


def _set(folder: Path, gapped: list[bool]) -> Path:
    folder.mkdir(parents=True)
    rows = ["input,output"]
    for i, g in enumerate(gapped):
        noisy, clean = _take(i, 4.0, g)         # 4 s (8 s until the fifty-second stop): a 0.6 s held-out stretch,
        #                                          12 frames of 50 ms with a 0.5 s gap in it (gaps.quiet_levels: 10)
        sf.write(folder / f"t{i}_noisy.wav", noisy, RATE, subtype="FLOAT")
        sf.write(folder / f"t{i}_clean.wav", clean, RATE, subtype="FLOAT")
        rows.append(f"t{i}_noisy.wav,t{i}_clean.wav")
    (folder / "pairs.csv").write_text("\n".join(rows) + "\n")
    return folder


def test_the_gaps_are_measured_over_every_pair_that_has_them(tmp_path: Path, monkeypatch) -> None:
    data = _set(tmp_path / "set", [False, True, True])        # the first pair played all through
    drawn: dict = {}
    real = report.plot_spectrograms

    def plot(target, model, rate, path, title="", inp=None):
        drawn.update(target=target, inp=inp)
        return real(target, model, rate, path, title, inp)

    monkeypatch.setattr(report, "plot_spectrograms", plot)
    assert main(["train", "effect", str(data), "--out", str(tmp_path / "p.hatpack"), "--report",
                 str(tmp_path / "rep"), *TINY]) == 0
    said = (tmp_path / "rep" / "report.md").read_text()
    line = next(x for x in said.splitlines() if x.startswith("- noise floor in the gaps"))
    assert "median over the 2 of 3 pairs with gaps" in line and "1 pair played all through" in line, line
    assert "input -40." in line or "input -39." in line
    metrics = json.loads((tmp_path / "rep" / "metrics.json").read_text())
    per = metrics["quiet_levels_per_pair"]
    assert per["pairs.csv line 2"] is None and per["pairs.csv line 3"] and per["pairs.csv line 4"]
    assert set(metrics["quiet_levels"]) == set(gaps.LEVELS)
    assert metrics["quiet_pair"] in ("pairs.csv line 3", "pairs.csv line 4")
    assert drawn["inp"] is not None and drawn["inp"].shape == drawn["target"].shape      # the input is drawn
    assert "(fixed)" not in said and "setting" not in metrics["spectrogram_pair"]


def test_the_spectrogram_has_a_panel_for_the_input(tmp_path: Path) -> None:
    noisy, clean = _take(1, 1.0, True)
    import matplotlib.pyplot as plt
    before = plt.get_fignums()
    report.plot_spectrograms(clean, clean, RATE, tmp_path / "s.png", "x", inp=noisy)
    import matplotlib.image as mpimg
    wide = mpimg.imread(tmp_path / "s.png").shape[1]
    report.plot_spectrograms(clean, clean, RATE, tmp_path / "two.png", "x")
    assert wide > 1.4 * mpimg.imread(tmp_path / "two.png").shape[1] and plt.get_fignums() == before


def test_no_pair_with_gaps_says_so_for_the_set() -> None:
    said = gaps.gaps_text({"a": None, "b": None})
    assert said and "none of the 2 pairs' held-out stretches has gaps" in said[0]

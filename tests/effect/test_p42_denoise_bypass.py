"""Forty-second stop's denoiser QA: the report's "5.72x lower than bypass" was the ratio of the MEANS over pairs, one
noisy pair's bypass ESR of 3.8 making it, while the pack did worse than no effect on two of the seven pairs.  The
figures below are that report's table."""
from __future__ import annotations

import numpy as np

from trainer.effect import evaluate, report
from trainer.effect.data import EffectData, Pair

# pairs.csv line: (the pack's held-out ESR, bypass's), from the QA run's report.md
QA = {"line 8": (0.52762, 3.81585), "line 2": (0.08849, 0.00778), "line 3": (0.02989, 0.03596),
      "line 6": (0.01656, 0.02073), "line 7": (0.01112, 0.01131), "line 4": (0.00431, 0.00441),
      "line 5": (0.00348, 0.00137)}


def _metrics(scores: dict[str, tuple[float, float]] = QA) -> dict:
    per = {n: m for n, (m, _b) in scores.items()}
    byp = {n: b for n, (_m, b) in scores.items()}
    return {"val_esr": float(np.mean(list(per.values()))), "val_bypass_esr": float(np.mean(list(byp.values()))),
            "val_esr_per_pair": per, "val_bypass_esr_per_pair": byp}


def _no_knobs(names) -> EffectData:
    z = np.zeros(8, np.float32)
    return EffectData(48_000, [], [Pair(n, z, z, {}, 0) for n in names])


def test_each_pair_worse_than_bypass_is_named_with_both_figures() -> None:
    said = evaluate.worse_than_bypass_warning(_metrics())
    assert said and said.startswith("on 2 of 7 held-out pairs the pack does worse than no effect at all")
    assert "line 2: 0.0885 vs bypass 0.0078 (11.4x higher)" in said
    assert "line 5: 0.0035 vs bypass 0.0014 (2.54x higher)" in said
    assert said.index("line 2:") < said.index("line 5:") and "line 8" not in said and "line 7" not in said
    better = {n: (0.5 * b, b) for n, (_m, b) in QA.items()}
    assert evaluate.worse_than_bypass_warning(_metrics(better)) is None


def test_the_headline_says_the_median_pair_and_how_many_pairs_beat_bypass() -> None:
    m = _metrics()
    text = report._bypass_text(m)
    assert "**5.72x lower** on the mean" in text
    assert "per pair, **better than bypass on 5 of 7 pairs; the median pair's error is hardly lower**" in text
    figures = report.bypass_per_pair_figures(m)
    assert figures["val_pairs_better_than_bypass"] == [5, 7]
    assert abs(figures["val_bypass_ratio_median"] - 0.00441 / 0.00431) < 1e-9     # line 4, the middle of seven
    one = _metrics({"a": (0.1, 0.5)})
    assert report._bypass_text(one).endswith("**5x lower**")       # one pair: the mean is the pair


def test_one_pair_whose_bypass_error_dominates_the_mean_is_said() -> None:
    said = evaluate.dominant_bypass_warning(_metrics())
    assert said and said.startswith("the mean of bypass's held-out ESR is mostly line 8's: 3.8159")
    assert "better than bypass on 5 of 7 pairs" in said and "% of the sum" in said
    even = {n: (m, 0.02) for n, (m, _b) in QA.items()}
    assert evaluate.dominant_bypass_warning(_metrics(even)) is None
    warned = evaluate.quality_warnings(_metrics(), _no_knobs(QA))
    assert any(w.startswith("on 2 of 7") for w in warned) and any("mostly line 8" in w for w in warned)


def test_a_set_without_knobs_is_not_told_about_settings() -> None:
    warned = evaluate.quality_warnings(_metrics(), _no_knobs(QA))
    far = next(w for w in warned if "much worse" in w)
    assert "these recordings" in far and "line 8: 0.5276" in far
    assert all("setting" not in w and "(fixed)" not in w for w in warned), warned
    worse = {n: (2 * b, b) for n, (_m, b) in QA.items()}
    said = evaluate.bypass_warning(_metrics(worse), knobs=False)
    assert said and "through the gear" in said and "setting" not in said

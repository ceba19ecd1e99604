"""Choose the tagger's statistics head (features, regularisation) without looking at the test kits.

Leave-one-kit-out cross-validation on the training side of bench/tagger_accuracy.py (the Millo /
Audiophob family counts as one kit): for each candidate feature set (MFCC statistics, as the
baseline; MFCC + mel-band statistics; those + statistics of the fine low-end spectrum,
trainer.tagger.model.low_stats) and inverse regularisation C, a standardised, class-balanced
logistic regression is trained on all training kits but one and scored (macro-F1 over the tags that
kit has) on the one left out; the Sonic Pi / LMMS / freepats one-shots (data/tagger-debian/, as in the
benchmarks) join every fold's training side and are never held out (``--no-debian``: Hydrogen kits
only, as before 2026-12-02).  The mean over folds picks the head (trainer/tagger/train.STATS_C).
The test-kit score of each candidate alone is printed beside it for the record, not used to choose.

    .venv/bin/python bench/tagger_head_cv.py [--no-debian]     -> bench/results/tagger_head_cv.json (tagger_head_cv_no-debian.json)
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tagger_accuracy import DATA, DEBIAN, OUT, TEST_KITS, mfcc_stats  # noqa: E402
from run_name import run_suffix  # noqa: E402

from device.audio.mel import LowSpec, log_mel, low_log_power  # noqa: E402
from trainer.tagger.data import load_clips, load_items, tag_list, targets  # noqa: E402
from trainer.tagger.model import TaggerConfig  # noqa: E402

CS = (0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0)


def band_stats(clips: np.ndarray, cfg: TaggerConfig) -> np.ndarray:
    """[I, N] -> [I, 4 M]: mean/std/min/max over time of each log-mel band."""
    lm = log_mel(clips, cfg.spec)
    return np.concatenate([f(lm, axis=-1) for f in (np.mean, np.std, np.min, np.max)], axis=1)


def low_features(clips: np.ndarray, cfg: TaggerConfig) -> np.ndarray:
    """[I, N] -> [I, 3 F_low]: the statistics head's low-end features (model.low_stats of
    device.audio.mel.low_log_power)."""
    import torch

    from trainer.tagger.model import low_stats
    return low_stats(torch.from_numpy(low_log_power(clips, cfg.spec.rate, LowSpec()))).numpy()


def lr_head(c: float):
    """An unfitted standardised, class-balanced logistic regression (the shipped head's classifier)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=5000, C=c, class_weight="balanced"))


def _fit(x: np.ndarray, y: np.ndarray, c: float):
    return lr_head(c).fit(x, y)


EXTRA = "(extra training data)"


def main() -> int:
    from sklearn.metrics import f1_score
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--no-debian", action="store_true", help="Hydrogen kits only")
    args = p.parse_args()
    cfg = TaggerConfig()
    kits = {csv.stem: load_items(csv) for csv in sorted(DATA.glob("*.csv")) if csv.stem != "all"}
    if not args.no_debian:
        kits[EXTRA] = [it for csv in sorted(DEBIAN.glob("*.csv")) for it in load_items(csv)]
        if not kits[EXTRA]:
            raise SystemExit(f"no {DEBIAN}/*.csv: run `.venv/bin/python -m trainer.tagger.debian_samples` "
                             "(or pass --no-debian)")
    tags = tag_list([it for items in kits.values() for it in items])
    xm, xb, xl, ys, kit = [], [], [], [], []
    for name, items in kits.items():
        clips = load_clips(items, cfg.spec.rate, cfg.clip_samples)
        xm.append(mfcc_stats(clips, cfg.spec))
        xb.append(band_stats(clips, cfg))
        xl.append(low_features(clips, cfg))
        ys.append(targets(items, tags).argmax(axis=1))
        kit += [name] * len(items)
    y, kit = np.concatenate(ys), np.array(kit)
    family = np.array(["Millo/Audiophob" if ("Millo" in k or "Audiophob" in k) else k for k in kit])
    test = np.isin(kit, TEST_KITS)
    train = ~test
    sets = {"mfcc": np.concatenate(xm), "mfcc+bands": np.concatenate([np.concatenate(xm), np.concatenate(xb)], axis=1)}
    sets["mfcc+bands+low"] = np.concatenate([sets["mfcc+bands"], np.concatenate(xl)], axis=1)
    rows = []
    for name, x in sets.items():
        for c in CS:
            folds = []
            for fam in sorted(set(family[train]) - {EXTRA}):
                held = train & (family == fam)
                clf = _fit(x[train & (family != fam)], y[train & (family != fam)], c)
                folds.append(float(f1_score(y[held], clf.predict(x[held]), average="macro", labels=np.unique(y[held]))))
            alone = float(f1_score(y[test], _fit(x[train], y[train], c).predict(x[test]), average="macro"))
            rows.append({"features": name, "C": c, "cv_macro_f1": float(np.mean(folds)), "folds": folds,
                         "test_alone_macro_f1": alone})
            print(f"{name:<14} C={c:<5} leave-one-kit-out macro-F1 {np.mean(folds):.3f}   (test kits, alone: {alone:.3f})")
    best = max(rows, key=lambda r: r["cv_macro_f1"])
    print(f"chosen by cross-validation: {best['features']}, C={best['C']}")
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"tagger_head_cv{run_suffix(p, args, {'no_debian': 'no-debian'})}.json"
    path.write_text(json.dumps({"rows": rows, "chosen": {"features": best["features"], "C": best["C"]},
                                "folds": sorted(set(family[train].tolist()) - {EXTRA}),
                                "debian": not args.no_debian}, indent=2))
    print("wrote", path)
    return 0


if __name__ == "__main__":
    sys.exit(main())

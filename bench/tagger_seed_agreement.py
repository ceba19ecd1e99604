"""How much of the tagger's error is the seed's, and how much every run shares (fixed split, saved probabilities).

Run: .venv/bin/python bench/tagger_seed_agreement.py      (seconds; no training)

Reads the ten shipped runs' saved probabilities (``bench/results/NAME_probs.npz``, written by
``bench/tagger_accuracy.py --save-probs``) and reports, over the 269 test samples of the 7 unseen kits:

- how many samples are wrong in every run, in some runs, in none; the mean number wrong per run;
- the **ceiling** of anything that only steadies the network: macro-F1 if the sometimes-wrong samples were right
  and only the always-wrong stayed wrong (with the label the runs most often gave them);
- the ten taggers' probabilities averaged (an ensemble of seeds) against the mean run;
- the MFCC + LR baseline's probabilities (saved in the same files) mixed in as a third opinion, weight w.

Writes bench/results/tagger_seed_agreement.json.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
SHIPPED = ("tagger_accuracy_r9_lowhead_s0", "tagger_accuracy_r9_lowhead_s1", "tagger_accuracy_r9_lowhead_s2",
           "tagger_accuracy_r9_s0", "tagger_accuracy_r9_s1", "tagger_accuracy_r9_s2",
           "tagger_accuracy_p12_shipped_s3", "tagger_accuracy_p12_shipped_s4", "tagger_accuracy_p12_shipped_s5",
           "tagger_accuracy_p13_shipped_s6")
BASELINE_WEIGHTS = (0.1, 0.2, 1 / 3)


def macro_f1(y: np.ndarray, pred: np.ndarray, classes: int) -> float:
    """Macro-F1 of int labels ``y`` [I] against ``pred`` [I] over ``classes`` tags (a tag never predicted nor
    present counts 0, as scikit-learn's zero_division=0 over the labels present)."""
    scores = []
    for c in range(classes):
        tp = np.sum((pred == c) & (y == c))
        fp, fn = np.sum((pred == c) & (y != c)), np.sum((pred != c) & (y == c))
        if tp + fp + fn == 0:
            continue
        scores.append(2 * tp / (2 * tp + fp + fn))
    return float(np.mean(scores))


def load_run(name: str) -> dict[str, np.ndarray]:
    """One saved run, rows sorted by path so runs line up: tagger/baseline probabilities [I, T], y one-hot [I, T]."""
    d = np.load(RESULTS / f"{name}_probs.npz")
    order = np.argsort(d["paths"])
    out = {k: d[k][order] for k in ("tagger", "y", "paths")}
    if "baseline" in d.files:
        out["baseline"] = d["baseline"][order]
    return out


def agreement(runs: list[dict[str, np.ndarray]]) -> dict:
    """The figures of the module docstring, from runs that share their test samples."""
    y = runs[0]["y"].argmax(axis=1)
    classes = runs[0]["y"].shape[1]
    for r in runs[1:]:
        if not np.array_equal(r["paths"], runs[0]["paths"]):
            raise SystemExit("the saved runs do not hold the same test samples")
    preds = np.stack([r["tagger"].argmax(axis=1) for r in runs])          # [R, I]
    wrong = preds != y[None, :]
    always, some = wrong.all(axis=0), wrong.any(axis=0) & ~wrong.all(axis=0)
    per_run = [macro_f1(y, p, classes) for p in preds]
    # the ceiling: the always-wrong keep the label the runs gave them most often, every other sample is right
    ceiling_pred = y.copy()
    for i in np.flatnonzero(always):
        ceiling_pred[i] = np.bincount(preds[:, i], minlength=classes).argmax()
    mean_probs = np.mean([r["tagger"] for r in runs], axis=0)
    out = {"runs": list(SHIPPED[:len(runs)]), "samples": int(len(y)),
           "wrong_every_run": int(always.sum()), "wrong_some_runs": int(some.sum()),
           "wrong_no_run": int((~wrong.any(axis=0)).sum()), "wrong_per_run_mean": round(float(wrong.sum(1).mean()), 1),
           "macro_f1_per_run": [round(v, 4) for v in per_run], "macro_f1_mean_run": round(float(np.mean(per_run)), 4),
           "macro_f1_ceiling": round(macro_f1(y, ceiling_pred, classes), 4),
           "macro_f1_mean_of_probabilities": round(macro_f1(y, mean_probs.argmax(axis=1), classes), 4)}
    if all("baseline" in r for r in runs):
        out["with_baseline"] = {f"{w:.3f}": round(float(np.mean(
            [macro_f1(y, ((1 - w) * r["tagger"] + w * r["baseline"]).argmax(axis=1), classes) for r in runs])), 4)
            for w in BASELINE_WEIGHTS}
    return out


def main() -> None:
    argparse.ArgumentParser(description=__doc__.split("\n\n")[0]).parse_args()
    missing = [n for n in SHIPPED if not (RESULTS / f"{n}_probs.npz").is_file()]
    if missing:
        raise SystemExit(f"missing saved runs in {RESULTS}: {', '.join(missing)}")
    out = agreement([load_run(n) for n in SHIPPED])
    (RESULTS / "tagger_seed_agreement.json").write_text(json.dumps(out, indent=2))
    print(f"{out['samples']} test samples, {len(out['runs'])} shipped runs: wrong in every run {out['wrong_every_run']}, "
          f"in some {out['wrong_some_runs']}, in none {out['wrong_no_run']}; {out['wrong_per_run_mean']} wrong per run")
    print(f"macro-F1: mean run {out['macro_f1_mean_run']:.3f}; the ten runs' probabilities averaged "
          f"{out['macro_f1_mean_of_probabilities']:.3f}; ceiling (only the always-wrong wrong) {out['macro_f1_ceiling']:.3f}")
    if "with_baseline" in out:
        print("with the MFCC + LR baseline as a third opinion (weight: mean macro-F1): "
              + ", ".join(f"{w}: {v:.3f}" for w, v in out["with_baseline"].items()))
    print(f"wrote {RESULTS / 'tagger_seed_agreement.json'}")


if __name__ == "__main__":
    main()

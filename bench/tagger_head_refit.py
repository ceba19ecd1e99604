"""Other statistics heads beside the trained CNNs of earlier runs, without training a network.

The tagger's probabilities are the mean of the CNN's softmax and the statistics head's (trainer/tagger/model.py
``StatsHead``, fitted by trainer/tagger/train.py ``fit_stats_head``).  The benchmarks save the CNN's
probabilities (``--save-probs``: bench/results/RUN_probs.npz, ``cnn_only``), so a different head can be
judged by refitting only the head and averaging it with each saved CNN.  Three criteria per head:

- ``across``: the head alone, leave-one-kit-out over the fixed split's *training* kits (the Debian one-shots
  always on the training side): the criterion that looks at no test kit, the one to choose by;
- ``fixed``: the tagger on the fixed split's test kits (bench/tagger_accuracy.py), with each saved CNN run;
- ``loko``: the tagger leave-one-kit-out over every kit (bench/tagger_kit_cv.py), with each saved CNN run.

The head's features are the shipped head's own (``StatsHead.features`` on the FFT front-end, as
``fit_stats_head`` computes them); the ``lr`` head is the shipped one, so its ``fixed`` and ``loko`` rows
reproduce the saved runs' tagger figures (the JSON records the largest difference in probabilities).

    .venv/bin/python bench/tagger_head_refit.py [--heads lr svc mlp lr+svc] [--fixed RUN ...] [--loko RUN ...]
        -> bench/results/tagger_head_refit.json            (about 4 minutes for the four heads)
"""
from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from collections.abc import Callable
from typing import NamedTuple
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tagger_accuracy import DEBIAN, OUT, TEST_KITS  # noqa: E402
from tagger_errors import load_run  # noqa: E402
from tagger_head_cv import lr_head  # noqa: E402
from tagger_kit_cv import EXTRA, group_of, kits  # noqa: E402

from hatbox.text import count_words  # noqa: E402
from trainer.tagger.data import load_clips, load_items, targets  # noqa: E402
from trainer.tagger.model import TaggerConfig  # noqa: E402
from trainer.tagger.train import STATS_C, new_stats_head, raw_stats_features  # noqa: E402

# the shipped code's runs (ninth stop onwards: the low-end head)
FIXED_RUNS = ("tagger_accuracy_r9_lowhead_s0", "tagger_accuracy_r9_lowhead_s1", "tagger_accuracy_r9_lowhead_s2",
              "tagger_accuracy_r9_s0", "tagger_accuracy_r9_s1", "tagger_accuracy_r9_s2",
              "tagger_accuracy_p12_shipped_s3", "tagger_accuracy_p12_shipped_s4", "tagger_accuracy_p12_shipped_s5",
              "tagger_accuracy_p13_shipped_s6")
LOKO_RUNS = ("tagger_kit_cv_r5", "tagger_kit_cv_r6", "tagger_kit_cv_r12")


class Side(NamedTuple):
    """Every Hydrogen kit's and Debian one-shot's sample: items [I], their 1 s clips [I, N] at the tagger's rate,
    the head's features [I, F] un-standardised (as fit_stats_head computes them), paths [I], kit [I] (EXTRA for
    the one-shots), family [I] (the cross-validation group) and tag index [I]."""
    items: list
    clips: np.ndarray
    x: np.ndarray
    paths: np.ndarray
    kit: np.ndarray
    family: np.ndarray
    y: np.ndarray


def side(tags: list[str]) -> Side:
    """The samples the head probes score (see :class:`Side`)."""
    from trainer.tagger.model import FftLogMel
    cfg = TaggerConfig()
    by_kit = kits()
    by_kit[EXTRA] = [it for csv in sorted(DEBIAN.glob("*.csv")) for it in load_items(csv)]
    if not by_kit[EXTRA]:
        raise SystemExit(f"no {DEBIAN}/*.csv: run `.venv/bin/python -m trainer.tagger.debian_samples` first")
    items = [it for k in by_kit for it in by_kit[k]]
    kit = np.array([k for k in by_kit for _ in by_kit[k]])
    family = np.array([group_of(k) if k != EXTRA else EXTRA for k in kit])
    clips = load_clips(items, cfg.spec.rate, cfg.clip_samples)
    x = raw_stats_features(new_stats_head(cfg, len(tags)), FftLogMel(cfg.spec), clips, cfg.clip_samples)
    return Side(items, clips, x, np.array([str(it.path) for it in items]), kit, family,
                targets(items, tags).argmax(axis=1))


def head_features(tags: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(features [I, F], paths [I], kit [I], family [I], tag index [I]) of :func:`side`."""
    s = side(tags)
    return s.x, s.paths, s.kit, s.family, s.y


def saved_runs(fixed_names=FIXED_RUNS, loko_names=LOKO_RUNS) -> tuple[list, list, list[str]]:
    """(the saved fixed-split runs, the saved leave-one-kit-out runs, their shared tag order)."""
    fixed, loko = [load_run(r) for r in fixed_names], [load_run(r) for r in loko_names]
    tags = [str(t) for t in (fixed or loko)[0]["tags"]]
    if any([str(t) for t in r["tags"]] != tags for r in fixed + loko):
        raise SystemExit("the runs do not share one tag order")
    return fixed, loko, tags


def heads() -> dict[str, Callable[[], object]]:
    """Name -> a fresh scikit-learn classifier on the raw features (standardised inside)."""
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.svm import SVC

    def lr():
        return lr_head(STATS_C)

    def svc():
        return make_pipeline(StandardScaler(), SVC(C=1.0, gamma="scale", probability=True,
                                                   class_weight="balanced", random_state=0))

    def mlp():
        return make_pipeline(StandardScaler(), MLPClassifier((64,), alpha=10.0, max_iter=2000, random_state=0))

    return {"lr": lr, "svc": svc, "mlp": mlp, "lr+svc": lambda: Mean([lr(), svc()])}


class Mean:
    """The mean of several classifiers' probabilities (fit / predict_proba / classes_)."""

    def __init__(self, members: list) -> None:
        self.members = members

    def fit(self, x: np.ndarray, y: np.ndarray) -> "Mean":
        for m in self.members:
            m.fit(x, y)
        self.classes_ = self.members[0].classes_
        return self

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        return np.mean([m.predict_proba(x) for m in self.members], axis=0)


def proba(clf, x: np.ndarray, n_tags: int) -> np.ndarray:
    """[I, n_tags] probabilities, zero for tags the classifier never saw."""
    out = np.zeros((len(x), n_tags))
    out[:, clf.classes_] = clf.predict_proba(x)
    return out


def macro_f1(y: np.ndarray, p: np.ndarray, labels: np.ndarray | None = None) -> float:
    from sklearn.metrics import f1_score
    return float(f1_score(y, p.argmax(axis=1) if p.ndim == 2 else p, average="macro", labels=labels))


def score(make: Callable[[], object], x: np.ndarray, paths: np.ndarray, kit: np.ndarray, family: np.ndarray,
          y: np.ndarray, n_tags: int, fixed: list[dict], loko: list[dict]) -> dict:
    """The three criteria (module docstring) for one head."""
    test = np.isin(kit, TEST_KITS)
    train = ~test
    folds = []
    for fam in sorted(set(family[train]) - {EXTRA}):
        held, rest = train & (family == fam), train & (family != fam)
        folds.append(macro_f1(y[held], proba(make().fit(x[rest], y[rest]), x[held], n_tags), np.unique(y[held])))
    head_test = proba(make().fit(x[train], y[train]), x[test], n_tags)
    row = {p: i for i, p in enumerate(paths[test])}
    out = {"across": float(np.mean(folds)), "across_folds": folds, "fixed_head_alone": macro_f1(y[test], head_test),
           "fixed": [], "loko": [], "max_prob_diff": 0.0}
    for run in fixed:
        h = head_test[[row[p] for p in run["paths"]]]
        tagger = 0.5 * (run["cnn_only"] + h)
        out["fixed"].append(macro_f1(run["y"].argmax(axis=1), tagger))
        out["max_prob_diff"] = max(out["max_prob_diff"], float(np.abs(tagger - run["tagger"]).max()))
    if loko:
        head_all = np.zeros((len(paths), n_tags))
        for g in sorted(set(family) - {EXTRA}):
            held = family == g
            head_all[held] = proba(make().fit(x[~held], y[~held]), x[held], n_tags)
        row = {p: i for i, p in enumerate(paths)}
        for run in loko:
            tagger = 0.5 * (run["cnn_only"] + head_all[[row[p] for p in run["paths"]]])
            out["loko"].append(macro_f1(run["y"].argmax(axis=1), tagger))
            out["max_prob_diff"] = max(out["max_prob_diff"], float(np.abs(tagger - run["tagger"]).max()))
    return out


def score_variants(variants: dict[str, np.ndarray], side: Side, fixed: list, loko: list, n_tags: int,
                   c: float = STATS_C) -> dict[str, dict[str, float]]:
    """Score each head feature set [I, F] of ``variants`` (a logistic-regression head, inverse regularisation ``c``)
    as :func:`score` does, printing one line each; their figures by name."""
    out: dict[str, dict[str, float]] = {}
    for name, x in variants.items():
        t0 = time.monotonic()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r = score(lambda: lr_head(c), x, side.paths, side.kit, side.family, side.y, n_tags, fixed, loko)
        print(f"{name:<10} C={c} across {r['across']:.4f} alone {r['fixed_head_alone']:.3f} fixed "
              f"{np.mean(r['fixed']):.4f} [{min(r['fixed']):.3f}-{max(r['fixed']):.3f}] loko {np.mean(r['loko']):.4f} "
              f"({time.monotonic() - t0:.0f}s)", flush=True)
        out[name] = {"across": r["across"], "fixed_head_alone": r["fixed_head_alone"],
                     "fixed": float(np.mean(r["fixed"])), "fixed_min": min(r["fixed"]),
                     "fixed_max": max(r["fixed"]), "loko": float(np.mean(r["loko"]))}
    return out


def main() -> int:
    choices = heads()
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--heads", nargs="+", default=list(choices), choices=list(choices))
    p.add_argument("--fixed", nargs="*", default=list(FIXED_RUNS), help="bench/tagger_accuracy.py runs (--save-probs)")
    p.add_argument("--loko", nargs="*", default=list(LOKO_RUNS), help="bench/tagger_kit_cv.py runs (--save-probs)")
    p.add_argument("--name", default="tagger_head_refit")
    args = p.parse_args()
    fixed, loko, tags = saved_runs(args.fixed, args.loko)
    x, paths, kit, family, y = head_features(tags)
    rows = {}
    print(f"{'head':<8} {'across':>7} {'alone':>7} {'fixed (mean, runs)':>20} {'loko (mean, runs)':>20}")
    for name in args.heads:
        t0 = time.monotonic()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")          # MLP / liblinear convergence chatter
            r = score(choices[name], x, paths, kit, family, y, len(tags), fixed, loko)
        r["seconds"] = round(time.monotonic() - t0, 1)
        rows[name] = r
        mean = lambda v: float(np.mean(v)) if v else float("nan")  # noqa: E731
        print(f"{name:<8} {r['across']:7.3f} {r['fixed_head_alone']:7.3f} {mean(r['fixed']):11.4f} "
              f"({count_words(len(r['fixed']), 'run')}) {mean(r['loko']):11.4f} ({count_words(len(r['loko']), 'run')})",
              flush=True)
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{args.name}.json"
    path.write_text(json.dumps({"heads": rows, "fixed_runs": args.fixed, "loko_runs": args.loko}, indent=2))
    print("wrote", path)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Two heads on the tagger CNN's embedding, beside the shipped CNN + statistics head, on one network per seed.

The forty-sixth stop's probes (docs/tagger-probes.md).  One tagger is trained as bench/tagger_accuracy.py trains
it (same split, data, options and seed: the shipped arm reproduces its ``cnn_full``), then every arm is scored on
the unseen test kits from that same network:

- ``shipped``: the CNN's and the statistics head's probabilities averaged (what `hatbox train tagger` ships);
- (a) a k-nearest-neighbour opinion on the CNN's embedding (cosine similarity to the un-augmented training clips'
  embeddings, eval mode; the k most similar vote, by count or weighted by their similarity):
  ``a_third`` (CNN, head and kNN, 1/3 each), ``a_small`` (0.4 / 0.4 / 0.2), ``a_instead`` (kNN and head, 1/2 each,
  no CNN opinion).  The arms named so use k = 10, similarity-weighted (chosen before any run); the other k and
  voting are in ``knn_sensitivity`` for the record;
- (b) a logistic-regression head on [CNN embedding ++ the statistics head's raw features], standardised, class
  balanced, in place of the statistics head: ``b`` (averaged with the CNN, as the shipped head is) and
  ``b_alone``.  Its C is chosen as trainer/tagger/train.STATS_C was (bench/tagger_head_cv.py): leave-one-kit-out
  over the training side's Hydrogen kits (the Debian one-shots always train), the mean of the folds' macro-F1 over
  the tags each held-out kit has.  Never on the test kits.  (The embedding of a held-out training kit comes from a
  CNN that trained on it, so this cross-validation trusts the embedding more than unseen kits will.)

The baseline is bench/tagger_accuracy.py's MFCC + LR, the better of its two front-ends, in the same run.

    .venv/bin/python bench/tagger_embed_heads.py --seed S [--minutes 10] [--threads 1] [--name tagger_embed_heads_sS]
        -> bench/results/NAME.json
    .venv/bin/python bench/tagger_embed_heads.py --table     # per seed and mean, from the results' JSON
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tagger_accuracy import (DATA, OUT, TEST_KITS, _load, baseline, baseline_model, baseline_probs,  # noqa: E402
                             cnn, config, extra_sets, features_16k, front_end_args, mfcc_stats, split,
                             with_band_limit)
from tagger_head_cv import lr_head  # noqa: E402
from tagger_kit_cv import group_of  # noqa: E402

from trainer.tagger.data import load_clips, load_items, tag_list, targets  # noqa: E402
from trainer.tagger.report import evaluate  # noqa: E402
from trainer.tagger.train import (LOAD_MARGIN, TrainOptions, fit_stats_head, new_stats_head, predict,  # noqa: E402
                                  raw_stats_features)

CS = (0.003, 0.01, 0.03, 0.1, 0.3, 1.0)       # (b)'s inverse regularisation candidates
KS = (5, 10, 15)                               # (a)'s neighbour counts (sensitivity)
K_MAIN, WEIGHTED_MAIN = 10, True               # (a)'s arms: chosen before any run
SMALL = 0.2                                    # (a)'s smaller weight: CNN and head 0.4 each
EXTRA = "(extra training data)"
ARMS = ("shipped", "a_third", "a_small", "a_instead", "b")


def train_groups(n_extra: int) -> np.ndarray:
    """The cross-validation group of each training item, in :func:`split`'s order followed by ``n_extra`` extra
    items (never held out): [I] str."""
    groups = [group_of(csv.stem) for csv in sorted(DATA.glob("*.csv"))
              if csv.stem != "all" and csv.stem not in TEST_KITS for _ in load_items(csv)]
    return np.array(groups + [EXTRA] * n_extra)


def unit_rows(x: np.ndarray) -> np.ndarray:
    """[I, E] rows scaled to length 1 (for cosine similarity)."""
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)


def knn_probs(train_emb: np.ndarray, train_tag: np.ndarray, test_emb: np.ndarray, n_tags: int, k: int,
              weighted: bool) -> np.ndarray:
    """[I_test, n_tags] share of the ``k`` most cosine-similar training embeddings [I_train, E] per tag (their tag
    indices ``train_tag`` [I_train]); ``weighted``: each neighbour's vote is its similarity (negative ones 0)."""
    sims = unit_rows(test_emb) @ unit_rows(train_emb).T
    top = np.argsort(-sims, axis=1)[:, :k]
    votes = np.take_along_axis(sims, top, axis=1).clip(min=0.0) if weighted else np.ones(top.shape)
    out = np.zeros((len(test_emb), n_tags))
    np.add.at(out, (np.repeat(np.arange(len(test_emb)), k), train_tag[top].ravel()), votes.ravel() + 1e-9)
    return out / out.sum(axis=1, keepdims=True)


def head_cv(x: np.ndarray, y: np.ndarray, groups: np.ndarray) -> dict[float, float]:
    """C -> mean macro-F1 of leave-one-group-out folds over the training side (group EXTRA always trains): the
    selection of bench/tagger_head_cv.py.  ``x`` [I, F], ``y`` [I] tag indices."""
    from sklearn.metrics import f1_score
    scores = {}
    for c in CS:
        folds = []
        for g in sorted(set(groups) - {EXTRA}):
            held = groups == g
            clf = lr_head(c).fit(x[~held], y[~held])
            folds.append(float(f1_score(y[held], clf.predict(x[held]), average="macro", labels=np.unique(y[held]))))
        scores[c] = float(np.mean(folds))
    return scores


def fitted_probs(x_tr: np.ndarray, y_tr: np.ndarray, x_te: np.ndarray, n_tags: int, c: float) -> np.ndarray:
    """[I_test, n_tags] probabilities of :func:`lr_head` (C = ``c``) fitted on ``x_tr``, ``y_tr`` (tag indices)."""
    clf = lr_head(c).fit(x_tr, y_tr)
    probs = np.zeros((len(x_te), n_tags))
    probs[:, clf.classes_] = clf.predict_proba(x_te)
    return probs


def stats_features(net: Any, clips: np.ndarray, n_tags: int) -> np.ndarray:
    """[I, F] the statistics head's raw (unstandardised) features of clips [I, >= N], as fit_stats_head reads them."""
    return raw_stats_features(new_stats_head(net.cfg, n_tags), net.front, clips, net.cfg.clip_samples,
                              level=net.levelled)


def score(probs: np.ndarray, y: np.ndarray, tags: list[str]) -> dict:
    """macro-F1 and per-tag F1 of [I, T] probabilities against one-hot ``y``."""
    ev = evaluate(probs, y, tags)
    return {"macro_f1": ev["macro_f1"], "per_tag_f1": {t: v["f1"] for t, v in ev["per_tag"].items()}}


def knn_arms(cnn_p: np.ndarray, stats_p: np.ndarray, knn_p: np.ndarray) -> dict[str, np.ndarray]:
    """(a)'s three combinations of [I, T] probabilities."""
    return {"a_third": (cnn_p + stats_p + knn_p) / 3,
            "a_small": (1 - SMALL) / 2 * (cnn_p + stats_p) + SMALL * knn_p,
            "a_instead": 0.5 * (knn_p + stats_p)}


def knn_sensitivity(emb_tr, tag_tr, emb_te, cnn_p, stats_p, y, tags) -> dict[str, dict[str, float]]:
    """Every k in KS, votes and similarity-weighted: the kNN alone and (a)'s arms, macro-F1 (for the record)."""
    out = {}
    for k in KS:
        for weighted in (False, True):
            kp = knn_probs(emb_tr, tag_tr, emb_te, len(tags), k, weighted)
            arms = {"alone": kp, **knn_arms(cnn_p, stats_p, kp)}
            out[f"k{k}_{'weighted' if weighted else 'votes'}"] = {
                name: evaluate(p, y, tags)["macro_f1"] for name, p in arms.items()}
    return out


def run(args: argparse.Namespace) -> dict:
    cfg = config(args)
    rate, n = cfg.spec.rate, cfg.clip_samples
    tr, te, train_kits, test_kits = split()
    extra = [it for csv in extra_sets(args) for it in load_items(csv)]
    groups = train_groups(len(extra))
    tr = tr + extra
    tags = tag_list(tr + te)
    tr_clips, te_clips = load_clips(tr, rate, int(n * LOAD_MARGIN)), load_clips(te, rate, n)
    tr_y, te_y = targets(tr, tags), targets(te, tags)
    tag_tr = tr_y.argmax(axis=1)
    out: dict[str, Any] = {"train_kits": train_kits, "test_kits": test_kits, "tags": tags, "train_items": len(tr),
                           "test_items": len(te)}
    feats_tr, feats_te = mfcc_stats(tr_clips[:, :n], cfg.spec), mfcc_stats(te_clips, cfg.spec)
    base = {"baseline": baseline_probs(baseline_model(feats_tr, tr_y), feats_te, len(tags)),
            "baseline_16k": baseline(features_16k(tr, cfg, feats_tr), tr_y, features_16k(te, cfg, feats_te), len(tags))}
    opts = with_band_limit(TrainOptions(steps=args.steps, minutes=args.minutes, seed=args.seed, threads=args.threads),
                           args)
    net, secs, steps = cnn(tr_clips, tr_y, tags, opts, cfg)
    out.update(train_seconds=round(secs, 1), steps=steps)
    cnn_p, emb_te = predict(net, te_clips)
    emb_tr = predict(net, tr_clips)[1]                      # eval mode, un-augmented, the clip's first n samples
    fit_stats_head(net, tr_clips, tr_y, band_copies=opts.head_band_copies)
    shipped = predict(net, te_clips)[0]
    stats_p = (2 * shipped - cnn_p).clip(min=0.0)           # the head's own softmax (the pack averages the two)
    t0 = time.monotonic()
    x_tr = np.concatenate([emb_tr, stats_features(net, tr_clips, len(tags))], axis=1)
    x_te = np.concatenate([emb_te, stats_features(net, te_clips, len(tags))], axis=1)
    cv = head_cv(x_tr, tag_tr, groups)
    c_best = max(cv, key=cv.get)
    b_alone = fitted_probs(x_tr, tag_tr, x_te, len(tags), c_best)
    knn_p = knn_probs(emb_tr, tag_tr, emb_te, len(tags), K_MAIN, WEIGHTED_MAIN)
    probs = {"shipped": shipped, **knn_arms(cnn_p, stats_p, knn_p), "b": 0.5 * (cnn_p + b_alone),
             "cnn_only": cnn_p, "stats_only": stats_p, "knn_only": knn_p, "b_alone": b_alone, **base}
    out["arms"] = {name: score(p, te_y, tags) for name, p in probs.items()}
    out["b_cv"] = {"chosen_C": c_best, "cv_macro_f1": {str(c): v for c, v in cv.items()},
                   "test_b_by_C_for_the_record": {str(c): evaluate(0.5 * (cnn_p + fitted_probs(
                       x_tr, tag_tr, x_te, len(tags), c)), te_y, tags)["macro_f1"] for c in CS}}
    out["knn_sensitivity"] = knn_sensitivity(emb_tr, tag_tr, emb_te, cnn_p, stats_p, te_y, tags)
    out["probe_seconds"] = round(time.monotonic() - t0, 1)
    out["load"] = _load()
    return out


def best_base(arms: dict) -> float:
    """The better MFCC + LR macro-F1 of the two front-ends."""
    return max(arms["baseline"]["macro_f1"], arms["baseline_16k"]["macro_f1"])


def row(label: str, f1: dict[str, float], base: float) -> str:
    """One table line: each arm's macro-F1 and margin over ``base`` (points), then the baseline."""
    cells = " | ".join(f"{f1[a]:.3f} ({100 * (f1[a] - base):+.1f})" for a in ARMS)
    return f"| {label} | {cells} | {base:.3f} |"


def table(paths: list[Path]) -> str:
    """Markdown: per seed and mean, every arm's macro-F1 (margin over MFCC + LR) and the baseline."""
    head = "| seed | " + " | ".join(ARMS) + " | MFCC + LR |\n|---|" + "---|" * (len(ARMS) + 1)
    lines, all_f1, bases = [head], [], []
    for path in paths:
        arms = json.loads(path.read_text())["arms"]
        f1 = {a: arms[a]["macro_f1"] for a in ARMS}
        all_f1.append(f1)
        bases.append(best_base(arms))
        lines.append(row(path.stem.rsplit("_s", 1)[-1], f1, bases[-1]))
    if all_f1:
        lines.append(row(f"mean of {len(all_f1)}", {a: float(np.mean([f[a] for f in all_f1])) for a in ARMS},
                         float(np.mean(bases))))
    return "\n".join(lines)


def seed_files() -> list[Path]:
    """bench/results/tagger_embed_heads_sN.json in seed order."""
    found = OUT.glob("tagger_embed_heads_s*.json")
    return sorted((p for p in found if p.stem.rsplit("_s", 1)[-1].isdigit()),
                  key=lambda p: int(p.stem.rsplit("_s", 1)[-1]))


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--minutes", type=float, default=10.0)
    p.add_argument("--steps", type=int, default=900)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--extra", action="append", default=[], metavar="CSV")
    p.add_argument("--no-debian", action="store_true")
    p.add_argument("--table", action="store_true", help="only print the table of the saved seeds' results")
    front_end_args(p)
    p.add_argument("--name", default=None, help="results file stem (default tagger_embed_heads_sSEED)")
    args = p.parse_args()
    if not args.table:
        out = run(args)
        out["args"] = vars(args)
        OUT.mkdir(parents=True, exist_ok=True)
        path = OUT / f"{args.name or f'tagger_embed_heads_s{args.seed}'}.json"
        path.write_text(json.dumps(out, indent=2))
        print(f"b: C {out['b_cv']['chosen_C']} by cross-validation {out['b_cv']['cv_macro_f1']}")
        print("kNN sensitivity:", json.dumps(out["knn_sensitivity"]))
        print(" ".join(f"{k} {v['macro_f1']:.3f}" for k, v in out["arms"].items()))
        print("wrote", path, f"({out['load']})")
    print(table(seed_files()))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Tagger vs MFCC + logistic regression, leave-one-kit-out over every Hydrogen kit.

The fixed split of bench/tagger_accuracy.py trains on 7 kits and tests on 7; this benchmark
asks the same question ("drum kits never seen in training") of every kit in turn: for each
group (one kit; the Millo / Audiophob family, which shares a template, is one group) both
systems are trained on all the other groups (plus the Sonic Pi / LMMS / freepats one-shots of
data/tagger-debian/, unless --no-debian; they are never tested) and predict the left-out one.  The pooled
predictions (every sample predicted exactly once, by a model that never saw its kit) give one
macro-F1 per system; per-fold figures are kept in the JSON.  The tagger is what
`hatbox train tagger` ships (CNN + statistics head); the CNN alone is scored too.  The baseline is
scored on the tagger's front-end and on the earlier 16 kHz / 64-band one; the margin is over the better.

    .venv/bin/python bench/tagger_kit_cv.py [--steps 900] [--threads 2] [--seed 0]
        -> bench/results/tagger_kit_cv.json and tagger_kit_cv_confusion.png

Cost: one tagger training per group (12 groups, about 1.5-2 min each on this 2-core machine).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tagger_accuracy import (DATA, OUT, _load, baseline, best_baseline, cnn, config, extra_sets,  # noqa: E402
                             features_16k, front_end_args, mfcc_stats, save, save_probs, with_band_limit)

from trainer.tagger.data import Item, load_clips, load_items, tag_list, targets  # noqa: E402
from trainer.tagger.report import evaluate, format_report, report_png  # noqa: E402
from trainer.tagger.train import LOAD_MARGIN, TrainOptions, fit_stats_head, predict  # noqa: E402


EXTRA = "(extra training data)"


def group_of(kit: str) -> str:
    """The cross-validation group of a kit (kits built on one template share a group)."""
    return "Millo/Audiophob" if ("Millo" in kit or "Audiophob" in kit) else kit


def kits() -> dict[str, list[Item]]:
    """Kit name -> its tagged items, from data/tagger-drums/*.csv."""
    found = {csv.stem: load_items(csv) for csv in sorted(DATA.glob("*.csv")) if csv.stem != "all"}
    if not found:
        raise SystemExit(f"no kits under {DATA}: run `.venv/bin/python -m trainer.tagger.hydrogen` first")
    return found


def pick_groups(asked: list[str] | None, known: list[str]) -> list[str]:
    """The groups ``--groups`` names (all of ``known`` when none): each name is a group's own, or a unique
    case-insensitive match of it or of a part of it around the slash (``audiophob`` -> ``Millo/Audiophob``).
    SystemExit listing the known groups for a name that matches none or several."""
    if not asked:
        return known
    picked = []
    for name in asked:
        found = [g for g in known if g == name] or [
            g for g in known if name.lower() in {g.lower(), *(part.lower() for part in g.split("/"))}]
        if len(found) != 1:
            why = "matches several groups" if found else "is not a group"
            raise SystemExit(f"--groups: {name!r} {why}; the groups are: {', '.join(known)}")
        picked.append(found[0])
    return picked


def run(args: argparse.Namespace) -> dict:
    cfg = config(args)
    n = cfg.clip_samples
    by_kit = kits()
    groups = pick_groups(args.groups, sorted({group_of(k) for k in by_kit}))
    extra = [it for csv in extra_sets(args) for it in load_items(csv)]      # in every fold's training side
    items = [it for k in by_kit for it in by_kit[k]] + extra
    group = np.array([group_of(k) for k in by_kit for _ in by_kit[k]] + [EXTRA] * len(extra))
    tags = tag_list(items)
    clips = load_clips(items, cfg.spec.rate, int(n * LOAD_MARGIN))    # [I, margin * N]
    y = targets(items, tags)
    feats = mfcc_stats(clips[:, :n], cfg.spec)
    feats16 = features_16k(items, cfg, feats)
    p_base, p_base16, p_cnn, p_tag = (np.zeros((len(items), len(tags))) for _ in range(4))
    folds = []
    for g in groups:
        test, train = group == g, group != g
        t0 = time.monotonic()
        p_base[test] = baseline(feats[train], y[train], feats[test], len(tags))
        p_base16[test] = baseline(feats16[train], y[train], feats16[test], len(tags))
        opts = with_band_limit(TrainOptions(steps=args.steps, minutes=args.minutes, seed=args.seed,
                                            threads=args.threads, progress=False), args)
        net, _, steps = cnn(clips[train], y[train], tags, opts, cfg)
        p_cnn[test] = predict(net, clips[test, :n])[0]
        fit_stats_head(net, clips[train], y[train], band_copies=opts.head_band_copies)
        p_tag[test] = predict(net, clips[test, :n])[0]
        fold = {"group": g, "items": int(test.sum()), "steps": steps, "seconds": round(time.monotonic() - t0, 1),
                **{name: round(float(evaluate(p[test], y[test], tags)["accuracy"]), 3)
                   for name, p in (("baseline_acc", p_base), ("baseline_16k_acc", p_base16), ("cnn_only_acc", p_cnn),
                                   ("tagger_acc", p_tag))}}
        folds.append(fold)
        print(json.dumps(fold), flush=True)
    done = np.isin(group, groups)
    if args.save_probs:
        save_probs(args, [it for it, d in zip(items, done) if d], y[done], tags, baseline=p_base[done],
                   baseline_16k=p_base16[done], cnn_only=p_cnn[done], tagger=p_tag[done])
    out = {"groups": groups, "items": int(done.sum()), "extra_items": len(extra), "tags": tags, "folds": folds, "load": _load(),
           "baseline": evaluate(p_base[done], y[done], tags),
           "baseline_16k": evaluate(p_base16[done], y[done], tags),
           "cnn_only": evaluate(p_cnn[done], y[done], tags),
           "tagger": evaluate(p_tag[done], y[done], tags)}
    report_png(out["tagger"], tags, OUT / f"{args.name}_confusion.png",
                  f"leave-one-kit-out, tagger macro-F1 {out['tagger']['macro_f1']:.2f}")
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--steps", type=int, default=900)
    p.add_argument("--minutes", type=float, default=4.5)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--groups", nargs="*", default=None,
                   help="only these groups, e.g. Millo/Audiophob or audiophob (default: all)")
    p.add_argument("--name", default="tagger_kit_cv")
    p.add_argument("--no-debian", action="store_true",
                   help="without data/tagger-debian/*.csv in every fold's training side")
    p.add_argument("--extra", action="append", default=[], metavar="CSV", help="more training data; repeatable")
    p.add_argument("--save-probs", action="store_true",
                   help="also write the pooled probabilities as bench/results/NAME_probs.npz")
    front_end_args(p)
    args = p.parse_args()
    out = run(args)
    for key in ("baseline", "baseline_16k", "cnn_only", "tagger"):
        print(f"\n== {key}\n{format_report(out[key])}")
    t, b = out["tagger"]["macro_f1"], best_baseline(out, "")
    print(f"\nleave-one-kit-out over {len(out['groups'])} groups, {out['items']} samples: tagger macro-F1 {t:.3f} "
          f"(CNN alone {out['cnn_only']['macro_f1']:.3f}) vs MFCC+LR {b:.3f} (the better of {out['baseline']['macro_f1']:.3f} "
          f"on the tagger's front-end and {out['baseline_16k']['macro_f1']:.3f} at 16 kHz; {100 * (t - b):+.1f} points)")
    print("wrote", save(out, args))


if __name__ == "__main__":
    main()

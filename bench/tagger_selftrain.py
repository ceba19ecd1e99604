"""Probe (twenty-third stop): self-training on the unseen kits' audio, without their labels, as a producer's "tag
some, sort the rest" would allow (the rest of the library is at hand when the tagger is trained).

Round 1 is what `hatbox train tagger` ships (900 steps, then the statistics head), scored on the test kits of
bench/tagger_accuracy.py's fixed split.  Its confident test predictions (tagger probability >= tau) become
pseudo-labels; then, each scored on the same test kits:
  head_TAU  the statistics head refitted on the training clips + the pseudo-labelled test clips (CNN unchanged)
  ft        the round-1 CNN fine-tuned for --ft-steps steps (learning rate --ft-lr) on training + pseudo-labelled
            clips (at --ft-tau), then its head refitted on the same
  ft2       a second round of ft from ft's own pseudo-labels
Run: .venv/bin/python bench/tagger_selftrain.py --seed S [--threads 1] (about 5 min with one thread; two seeds can
share the 2 cores); prints the figures, writes bench/results/tagger_selftrain_NAME_sS.json.
"""
from __future__ import annotations

import argparse
import copy
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import tagger_accuracy as ta  # noqa: E402
from trainer.tagger.data import load_clips, load_items, tag_list, targets  # noqa: E402
from trainer.tagger.report import evaluate  # noqa: E402
from trainer.tagger.train import LOAD_MARGIN, TrainOptions, _loop, fit_stats_head, predict  # noqa: E402


def pseudo_labels(probs: np.ndarray, tau: float, truth: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """(rows of ``probs`` [I, T] whose top probability is >= ``tau``, their one-hot argmax [S, T], the share of
    those right against ``truth`` [I, T], for the report only)."""
    sel = np.where(probs.max(axis=1) >= tau)[0]
    y = np.zeros((len(sel), probs.shape[1]), np.float32)
    y[np.arange(len(sel)), probs[sel].argmax(axis=1)] = 1
    right = float((probs[sel].argmax(axis=1) == truth[sel].argmax(axis=1)).mean()) if len(sel) else 0.0
    return sel, y, right


def fine_tune(net, clips: np.ndarray, y: np.ndarray, tags: list[str], steps: int, lr: float, seed: int,
              threads: int):
    """A copy of ``net`` trained ``steps`` more steps on ``clips``/``y``, then its head refitted on them."""
    out = copy.deepcopy(net)
    out.stats = None
    _loop(out, clips, y, tags, TrainOptions(steps=steps, lr=lr, minutes=10, seed=seed, threads=threads,
                                             progress=False))
    fit_stats_head(out, clips, y)
    return out


def run(a: argparse.Namespace) -> dict:
    args = argparse.Namespace(front_end="tagger", n_mels=None, n_fft=None, band_norm=False, no_stats_low=False,
                              freq_norm_blocks=None, clip_seconds=None, no_debian=False, extra=[])
    cfg = ta.config(args)
    tr, te, _, _ = ta.split()
    tr = tr + [it for c in ta.extra_sets(args) for it in load_items(c)]
    tags = tag_list(tr + te)
    length = int(cfg.clip_samples * LOAD_MARGIN)
    trc, tec = load_clips(tr, cfg.spec.rate, length), load_clips(te, cfg.spec.rate, length)
    train_y, test_y = targets(tr, tags), targets(te, tags)
    start = time.monotonic()
    opts = TrainOptions(steps=900, minutes=10, seed=a.seed, threads=a.threads, progress=False)
    net, secs, _steps = ta.cnn(trc, train_y, tags, opts, cfg)
    out: dict = {"seed": a.seed, "r1_seconds": secs,
                 "r1_cnn": evaluate(predict(net, tec)[0], test_y, tags)["macro_f1"]}
    fit_stats_head(net, trc, train_y)
    first = predict(net, tec)[0]
    out["r1_tagger"] = evaluate(first, test_y, tags)["macro_f1"]
    print(f"seed {a.seed}: round 1 tagger {out['r1_tagger']:.3f} (CNN alone {out['r1_cnn']:.3f})", flush=True)
    for tau in (float(t) for t in a.taus.split(",")):
        sel, py, right = pseudo_labels(first, tau, test_y)
        head = copy.deepcopy(net)
        fit_stats_head(head, np.concatenate([trc, tec[sel]]), np.concatenate([train_y, py]))
        out[f"head_{tau}"] = {"n": int(len(sel)), "right": right,
                              "tagger": evaluate(predict(head, tec)[0], test_y, tags)["macro_f1"]}
        print(f"  head refitted, tau {tau}: {out[f'head_{tau}']}", flush=True)
    probs = first
    for name, seed in (("ft", a.seed + 100), ("ft2", a.seed + 200)):
        sel, py, right = pseudo_labels(probs, a.ft_tau, test_y)
        x, y = np.concatenate([trc, tec[sel]]), np.concatenate([train_y, py])
        net = fine_tune(net, x, y, tags, a.ft_steps, a.ft_lr, seed, a.threads)
        probs = predict(net, tec)[0]
        out[name] = {"tau": a.ft_tau, "n": int(len(sel)), "right": right, "steps": a.ft_steps, "lr": a.ft_lr,
                     "tagger": evaluate(probs, test_y, tags)["macro_f1"]}
        print(f"  {name}: {out[name]}", flush=True)
    out["total_seconds"] = time.monotonic() - start
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--taus", default="0.7,0.8,0.9", help="thresholds for the head-only variant")
    p.add_argument("--ft-steps", type=int, default=300)
    p.add_argument("--ft-lr", type=float, default=1e-3)
    p.add_argument("--ft-tau", type=float, default=0.8)
    p.add_argument("--name", default="p23")
    a = p.parse_args()
    out = run(a)
    path = ta.OUT / f"tagger_selftrain_{a.name}_s{a.seed}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, indent=1))
    print(f"-> {path}")


if __name__ == "__main__":
    main()

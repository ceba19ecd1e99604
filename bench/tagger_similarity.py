""""More like this" on drum kits never seen in training: how often the nearest sounds share the query's tag.

Run: .venv/bin/python bench/tagger_similarity.py [--seed 0] [--steps 900] [--name tagger_similarity]
(needs data/tagger-drums/ and data/tagger-debian/, as bench/tagger_accuracy.py; about 3 minutes on 2 cores).

Trains the tagger on the fixed split's training kits exactly as bench/tagger_accuracy.py does (the CNN, then
its statistics head), then ranks the 7 unseen kits' samples against each other by cosine similarity, as
``hatbox library query --like`` and the box's library page do (device.library.query.similar_to_vector).
Three representations are ranked side by side in the same run:

- ``embedding``: the tagger's embedding [64], what a library's tags.db stores and "more like this" uses;
- ``mfcc``: the MFCC statistics the baseline classifier uses (160 numbers, standardised with the training
  set's mean and spread): the similarity a producer gets from a feature-based sample browser;
- ``head``: the statistics head's features (MFCC, mel-band and low-end statistics, standardised as the head
  fitted them).

Two searches per query, each over the other unseen samples:

- ``library``: every other sample except the query's own velocity layers (the same kit slot: they are
  near-copies and would make any representation look good);
- ``other kits``: only samples of the other six kits ("a snare like this one in my other packs").

Scores: precision at k (the share of the k nearest that carry the query's tag) for k = 1, 5, 10, averaged
over queries and then over tags (each tag counts the same, as macro-F1 does), and the curve for k = 1..20
(bench/results/NAME.png).  Writes bench/results/NAME.json.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from tagger_accuracy import OUT, _load, cnn, config, extra_sets, mfcc_stats, split  # noqa: E402
from tagger_errors import instruments  # noqa: E402

from trainer.tagger.data import load_clips, load_items, tag_list, targets  # noqa: E402
from trainer.tagger.train import LOAD_MARGIN, TrainOptions, fit_stats_head, predict  # noqa: E402

KS = (1, 5, 10)
CURVE_K = 20


def cosine_matrix(x: np.ndarray) -> np.ndarray:
    """[I, D] -> [I, I] cosine similarities of the rows."""
    u = x / (np.linalg.norm(x, axis=1, keepdims=True) + 1e-9)
    return u @ u.T


def precision_curve(sims: np.ndarray, labels: np.ndarray, allowed: np.ndarray, kmax: int) -> np.ndarray:
    """Precision at k = 1..``kmax`` per query [I, kmax]: the share of the k most similar allowed candidates
    (``allowed`` [I, I] bool, False on the diagonal) whose label equals the query's (``labels`` [I] int).
    A query with fewer than k candidates counts the ones it has."""
    out = np.zeros((len(labels), kmax))
    for i in range(len(labels)):
        cand = np.flatnonzero(allowed[i])
        order = cand[np.argsort(-sims[i, cand], kind="stable")][:kmax]
        hits = np.cumsum(labels[order] == labels[i])
        got = np.arange(1, len(order) + 1)
        out[i, :len(order)] = hits / got
        out[i, len(order):] = hits[-1] / got[-1] if len(order) else 0.0
    return out


def per_tag_mean(per_query: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """[I, K] -> [K]: the mean over each tag's queries, then over tags."""
    return np.mean([per_query[labels == t].mean(axis=0) for t in np.unique(labels)], axis=0)


def searches(kits: list[str], slots: list[tuple[str, str]]) -> dict[str, np.ndarray]:
    """The candidate masks [I, I] of the two searches (see the module docstring)."""
    kit = np.array(kits)
    slot = np.array([f"{k}\0{s}" for k, s in slots])
    same_slot = slot[:, None] == slot[None, :]
    return {"library": ~same_slot, "other kits": kit[:, None] != kit[None, :]}


def standardise(train: np.ndarray, test: np.ndarray) -> np.ndarray:
    """``test`` standardised with ``train``'s per-feature mean and spread."""
    mean, std = train.mean(axis=0), train.std(axis=0)
    return (test - mean) / np.where(std > 1e-9, std, 1.0)


def head_features(net, clips: np.ndarray, batch: int = 64) -> np.ndarray:
    """The fitted statistics head's standardised features of ``clips`` [I, N] -> [I, F]."""
    import torch
    out = []
    with torch.no_grad():
        for s in range(0, len(clips), batch):
            audio = torch.from_numpy(np.ascontiguousarray(clips[s:s + batch, :net.cfg.clip_samples]))
            out.append(net.stats.features(net.front(audio), audio).numpy())
    return np.concatenate(out)


def run(args: argparse.Namespace) -> dict:
    cfg = config(args)
    rate, n = cfg.spec.rate, cfg.clip_samples
    tr, te, train_kits, test_kits = split()
    tr = tr + [it for csv in extra_sets(args) for it in load_items(csv)]
    tags = tag_list(tr + te)
    tr_clips, te_clips = load_clips(tr, rate, int(n * LOAD_MARGIN)), load_clips(te, rate, n)
    tr_y, te_y = targets(tr, tags), targets(te, tags)
    t0 = time.monotonic()
    net, _, steps = cnn(tr_clips, tr_y, tags, TrainOptions(steps=args.steps, minutes=args.minutes,
                                                          seed=args.seed, threads=args.threads), cfg)
    fit_stats_head(net, tr_clips, tr_y)
    train_s = time.monotonic() - t0
    reps = {"embedding": predict(net, te_clips)[1],
            "mfcc": standardise(mfcc_stats(tr_clips[:, :n], cfg.spec), mfcc_stats(te_clips, cfg.spec)),
            "head": head_features(net, te_clips)}
    slots = instruments(np.array([str(it.path) for it in te]))
    masks = searches([k for k, _ in slots], slots)
    labels = te_y.argmax(axis=1)
    out: dict = {"test_kits": test_kits, "train_kits": train_kits, "tags": tags, "queries": len(te),
                 "instruments": len(set(slots)), "steps": steps, "train_seconds": round(train_s, 1),
                 "load": _load(), "searches": {}}
    for search, allowed in masks.items():
        out["searches"][search] = {}
        for name, x in reps.items():
            curve = per_tag_mean(precision_curve(cosine_matrix(x), labels, allowed, CURVE_K), labels)
            out["searches"][search][name] = {"dims": int(x.shape[1]), "curve": [round(float(v), 4) for v in curve],
                                             **{f"p@{k}": round(float(curve[k - 1]), 4) for k in KS}}
    return out


def plot(out: dict, path: Path) -> None:
    """Precision at k against k, one panel per search, one line per representation."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, len(out["searches"]), figsize=(9, 3.6), sharey=True)
    for ax, (search, reps) in zip(np.atleast_1d(axes), out["searches"].items()):
        for name, r in reps.items():
            ax.plot(range(1, CURVE_K + 1), r["curve"], marker=".", label=f"{name} ({r['dims']})")
        ax.set_title(f"search: {search}")
        ax.set_xlabel("k nearest")
        ax.grid(alpha=0.3)
    np.atleast_1d(axes)[0].set_ylabel("share with the query's tag")
    np.atleast_1d(axes)[0].legend(loc="lower left")
    fig.suptitle(f"more like this on {len(out['test_kits'])} unseen kits ({out['queries']} sounds)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--minutes", type=float, default=4.5)
    p.add_argument("--steps", type=int, default=900)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--extra", action="append", default=[], metavar="CSV", help="more training data; repeatable")
    p.add_argument("--no-debian", action="store_true", help="train on the Hydrogen train kits only")
    p.add_argument("--name", default="tagger_similarity", help="results file stem under bench/results/")
    args = p.parse_args()
    args.clip_seconds, args.front_end, args.n_fft, args.band_norm, args.no_stats_low = None, "tagger", None, False, False
    out = run(args)
    out["args"] = vars(args)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"{args.name}.json").write_text(json.dumps(out, indent=2))
    plot(out, OUT / f"{args.name}.png")
    print(f"more like this, {out['queries']} sounds of {len(out['test_kits'])} unseen kits "
          f"(precision at k, mean over tags; training {out['train_seconds']:.0f} s, {out['load']}):")
    for search, reps in out["searches"].items():
        row = "  ".join(f"{name} " + " / ".join(f"{r[f'p@{k}']:.3f}" for k in KS) for name, r in reps.items())
        print(f"  {search:10s} (p@{'/'.join(map(str, KS))}): {row}")
    print(f"wrote {OUT / (args.name + '.json')} and {OUT / (args.name + '.png')}")


if __name__ == "__main__":
    main()

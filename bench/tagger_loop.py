"""The producer's loop, measured: tag kits the tagger never heard, check its least sure files, fix the
wrong ones, retrain with those corrections, and score the files nobody checked.

The fixed split of bench/tagger_accuracy.py.  A finished run of it (``--from RUN``, whose
``bench/results/RUN_probs.npz`` holds the tagger's probabilities on the test kits) gives the review
order (`hatbox library query --unsure`: smallest gap between the two best scores first).  The first
``--share`` of the test files are "checked": the wrong ones among them get their true tag (what
`hatbox library fix` + `hatbox library export` hand to `hatbox train tagger`), and with ``--add-checked``
the confirmed ones join too.  A new tagger is trained on the training side plus those files, exactly as
the benchmark trains, and scored on the unchecked test files.  "Before" is every saved run of the
benchmark (``--before RUN ...``) scored on the same unchecked files, so the comparison is between
retrained networks and the spread of networks trained without the corrections.

    .venv/bin/python bench/tagger_loop.py --from tagger_accuracy_r9_s0 --before tagger_accuracy_r9_s0 ... \\
        [--share 0.1] [--add-checked] [--seed 0] [--threads 2] [--name tagger_loop]  -> bench/results/NAME.json
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tagger_accuracy import _load, cnn, config, extra_sets, front_end_args, save, split, with_band_limit  # noqa: E402
from tagger_errors import load_run  # noqa: E402
from tagger_review import review_order  # noqa: E402

from trainer.tagger.data import load_clips, load_items, tag_list, targets  # noqa: E402
from trainer.tagger.report import evaluate  # noqa: E402
from trainer.tagger.train import LOAD_MARGIN, TrainOptions, fit_stats_head, predict  # noqa: E402


def checked_rows(probs: np.ndarray, share: float) -> np.ndarray:
    """Rows [k] of the ``share`` least sure files (exclusive tagger), in review order."""
    return review_order(probs)[:int(round(share * len(probs)))]


def train_options(args: argparse.Namespace) -> TrainOptions:
    """The retraining's options: the run's steps, minutes, seed and threads, and the front end's training options
    (tagger_accuracy.with_band_limit: --aug-strength, --optimizer, --lr, --batch... were accepted and ignored)."""
    return with_band_limit(TrainOptions(steps=args.steps, minutes=args.minutes, seed=args.seed,
                                        threads=args.threads), args)


def run(args: argparse.Namespace) -> dict:
    cfg = config(args)
    n = cfg.clip_samples
    tr, te, _, _ = split()
    tr = tr + [it for csv in extra_sets(args) for it in load_items(csv)]
    tags = tag_list(tr + te)
    src = load_run(args.source)
    if [str(it.path) for it in te] != [str(p) for p in src["paths"]] or [str(t) for t in src["tags"]] != tags:
        raise SystemExit(f"{args.source} is not a run of this split (other test files or tags)")
    te_y = targets(te, tags)
    rows = checked_rows(src["tagger"], args.share)
    wrong = rows[src["tagger"][rows].argmax(axis=1) != te_y[rows].argmax(axis=1)]
    added = rows if args.add_checked else wrong
    rest = np.setdiff1d(np.arange(len(te)), rows)
    te_clips = load_clips(te, cfg.spec.rate, int(n * LOAD_MARGIN))
    tr_clips = load_clips(tr, cfg.spec.rate, int(n * LOAD_MARGIN))
    clips = np.concatenate([tr_clips, te_clips[added]])
    y = np.concatenate([targets(tr, tags), te_y[added]])
    opts = train_options(args)
    t0 = time.monotonic()
    net, _, steps = cnn(clips, y, tags, opts, cfg)
    fit_stats_head(net, clips, y)
    secs = time.monotonic() - t0
    after = evaluate(predict(net, te_clips[rest, :n])[0], te_y[rest], tags)
    before = {name: round(evaluate(load_run(name)["tagger"][rest], te_y[rest], tags)["macro_f1"], 4)
              for name in args.before}
    return {"from": args.source, "share": args.share, "checked": len(rows), "wrong_among_checked": len(wrong),
            "added_to_training": len(added), "unchecked": len(rest), "steps": steps, "train_seconds": round(secs, 1),
            "after": after, "after_macro_f1": round(after["macro_f1"], 4), "before_macro_f1": before,
            "before_mean": round(float(np.mean(list(before.values()))), 4) if before else None, "load": _load()}


def parser() -> argparse.ArgumentParser:
    """The bench's command line."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--from", dest="source", required=True, help="the run whose probabilities order the review")
    p.add_argument("--before", nargs="*", default=[], help="saved runs scored on the same unchecked files")
    p.add_argument("--share", type=float, default=0.1, help="share of the test files checked (default 0.1)")
    p.add_argument("--add-checked", action="store_true", help="the confirmed checked files join the training too")
    p.add_argument("--steps", type=int, default=900)
    p.add_argument("--minutes", type=float, default=4.5)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--no-debian", action="store_true")
    p.add_argument("--extra", action="append", default=[])
    p.add_argument("--name", default="tagger_loop")
    front_end_args(p)
    return p


def main() -> None:
    args = parser().parse_args()
    out = run(args)
    print(f"checked {out['checked']} of {out['checked'] + out['unchecked']} test files ({args.share:.0%}, least sure "
          f"first), {out['wrong_among_checked']} wrong; {out['added_to_training']} added to the training side; "
          f"{out['steps']} steps, {out['train_seconds']:.0f} s")
    print(f"unchecked files: macro-F1 {out['after_macro_f1']:.3f} after retraining vs "
          + (f"{out['before_mean']:.3f} before (mean of {len(out['before_macro_f1'])} runs: "
             + " / ".join(f"{v:.3f}" for v in out["before_macro_f1"].values()) + ")" if out["before_macro_f1"] else
             "no saved runs given (--before)"))
    print(f"-> {save(out, args)}")


if __name__ == "__main__":
    main()

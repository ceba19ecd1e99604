"""How much of the tagger's mistakes a producer finds by checking its least sure files first.

`hatbox library query DB --unsure` (and the box's `GET /libraries/{id}/unsure`) lists the files whose
two highest tag scores are closest (device.library.review.margins).  This benchmark asks, on the
saved per-sample probabilities of the accuracy benchmarks (unseen kits: ``bench/tagger_accuracy.py
--save-probs``, ``bench/tagger_kit_cv.py --save-probs``): if the producer checks the least sure X %
of the files and fixes the wrong ones (`hatbox library fix`), what share of the mistakes is fixed,
and what macro-F1 does the library then have?  Beside it, in the same run, the same number of files
checked in random order (the mean over 200 draws), which finds X % of the mistakes on average.

This measures the human-in-the-loop workflow, not the model: the tagger's own figure is the
``review 0 %`` row.

    .venv/bin/python bench/tagger_review.py tagger_accuracy_r9_s0 tagger_kit_cv_r5 ... [--name tagger_review]
        -> bench/results/NAME.json
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tagger_accuracy import save  # noqa: E402
from tagger_errors import load_run  # noqa: E402

from device.library.review import margins  # noqa: E402
from trainer.tagger.report import evaluate  # noqa: E402

BUDGETS = (0.0, 0.05, 0.10, 0.20, 0.30)


def review_order(probs: np.ndarray) -> np.ndarray:
    """Rows [I] of ``probs`` [I, T] least sure first (`hatbox library query --unsure`'s order)."""
    return np.argsort(margins(probs, exclusive=True), kind="stable")


def reviewed(probs: np.ndarray, y: np.ndarray, order: np.ndarray, budget: float) -> tuple[np.ndarray, int]:
    """``probs`` [I, T] after the first ``budget`` share of ``order`` is checked: a wrong file gets its
    true tag (one-hot).  Returns (new probs, number of mistakes fixed)."""
    k = int(round(budget * len(y)))
    seen = order[:k]
    wrong = seen[probs[seen].argmax(axis=1) != y[seen].argmax(axis=1)]
    out = probs.copy()
    out[wrong] = y[wrong]
    return out, len(wrong)


def review_run(run: dict[str, np.ndarray], system: str, draws: int, seed: int) -> dict:
    probs, y, tags = run[system].astype(np.float64), run["y"].astype(np.float64), [str(t) for t in run["tags"]]
    errors = int((probs.argmax(axis=1) != y.argmax(axis=1)).sum())
    unsure_first = review_order(probs)
    rng = np.random.default_rng(seed)
    rows = []
    for b in BUDGETS:
        fixed_p, fixed = reviewed(probs, y, unsure_first, b)
        rand_f1, rand_fixed = [], []
        for _ in range(draws if b > 0 else 1):
            rp, rf = reviewed(probs, y, rng.permutation(len(y)), b)
            rand_f1.append(evaluate(rp, y, tags)["macro_f1"])
            rand_fixed.append(rf)
        rows.append({"review_share": b, "files_checked": int(round(b * len(y))),
                     "unsure_first": {"mistakes_fixed": fixed, "share_of_mistakes": round(fixed / max(1, errors), 3),
                                      "macro_f1": round(evaluate(fixed_p, y, tags)["macro_f1"], 4)},
                     "random_order": {"mistakes_fixed": round(float(np.mean(rand_fixed)), 1),
                                      "share_of_mistakes": round(float(np.mean(rand_fixed)) / max(1, errors), 3),
                                      "macro_f1": round(float(np.mean(rand_f1)), 4)}})
    return {"files": len(y), "mistakes": errors, "rows": rows}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("runs", nargs="+", help="run names (bench/results/RUN_probs.npz)")
    p.add_argument("--system", default="tagger", choices=("tagger", "cnn_only", "baseline"))
    p.add_argument("--draws", type=int, default=200, help="random orders averaged for the comparison")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--name", default="tagger_review")
    args = p.parse_args()
    out = {"system": args.system, "runs": {}}
    for name in args.runs:
        res = review_run(load_run(name), args.system, args.draws, args.seed)
        out["runs"][name] = res
        print(f"\n{name}: {res['files']} files, {res['mistakes']} mistakes")
        print("  checked   unsure first: fixed (share), macro-F1   random order: fixed (share), macro-F1")
        for r in res["rows"]:
            u, q = r["unsure_first"], r["random_order"]
            print(f"  {r['review_share']:4.0%} {r['files_checked']:4d}   {u['mistakes_fixed']:4d} ({u['share_of_mistakes']:4.0%}), "
                  f"{u['macro_f1']:.3f}              {q['mistakes_fixed']:6.1f} ({q['share_of_mistakes']:4.0%}), "
                  f"{q['macro_f1']:.3f}")
    summary = {}
    for b in BUDGETS[1:]:
        rows = [next(r for r in res["rows"] if r["review_share"] == b) for res in out["runs"].values()]
        summary[f"{b:.0%}"] = {"unsure_first_share": round(float(np.median([r["unsure_first"]["share_of_mistakes"]
                                                                            for r in rows])), 3),
                               "random_share": round(float(np.median([r["random_order"]["share_of_mistakes"]
                                                                      for r in rows])), 3)}
    out["median_over_runs"] = summary
    print("\nmedian share of the mistakes found, unsure first vs random order: " +
          ", ".join(f"{k} checked {v['unsure_first_share']:.0%} vs {v['random_share']:.0%}" for k, v in summary.items()))
    print(f"-> {save(out, args)}")


if __name__ == "__main__":
    main()

"""How often a retrain's verdict calls two equally good taggers better or worse (hatbox/replaced.py level_margin).

A retrain compares the new pack's held-out macro-F1 with the replaced pack's, each measured on its own few held-out
files.  This draws pairs of held-out sets scored by the same tagger (each file right with probability ``--accuracy``,
``--words`` words, a wrong answer another word at random) and counts how often the two macro-F1 figures differ by at
least the margin the product uses (``level_margin(n)``, 1 / sqrt(n)) and by the old margin (0.5 / sqrt(n)): both
should be rare for equal taggers.

    .venv/bin/python bench/tagger_level_rule.py [--draws 4000] [--accuracy 0.85] [--words 5]

Prints a table and writes bench/results/tagger_level_rule.json.  Seconds.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SIZES = (9, 12, 30, 100, 400)          # held-out files per pack


def macro_f1(truth: np.ndarray, guess: np.ndarray, words: int) -> float:
    """Macro-F1 over the words present in ``truth`` (int [n]) of ``guess`` (int [n])."""
    scores = []
    for w in range(words):
        tp = int(np.sum((truth == w) & (guess == w)))
        fp = int(np.sum((truth != w) & (guess == w)))
        fn = int(np.sum((truth == w) & (guess != w)))
        if tp + fn:
            scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return float(np.mean(scores))


def held_out_score(rng: np.random.Generator, n: int, words: int, accuracy: float) -> float:
    """The macro-F1 of one tagger of ``accuracy`` on ``n`` fresh held-out files."""
    truth = rng.integers(0, words, n)
    wrong = rng.random(n) > accuracy
    return macro_f1(truth, np.where(wrong, (truth + rng.integers(1, words, n)) % words, truth), words)


def main() -> None:
    from hatbox.score_rules import level_margin
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--draws", type=int, default=4000)
    ap.add_argument("--accuracy", type=float, default=0.85)
    ap.add_argument("--words", type=int, default=5)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    rows = []
    print(f"{'files':>5}  {'margin':>6}  {'called':>6}  {'old margin':>10}  {'called':>6}  {'sd of diff':>10}")
    for n in SIZES:
        diff = np.array([held_out_score(rng, n, args.words, args.accuracy)
                         - held_out_score(rng, n, args.words, args.accuracy) for _ in range(args.draws)])
        margin, old = level_margin(n), 0.5 / n ** 0.5
        row = {"files": n, "margin": margin, "called": float(np.mean(np.abs(diff) >= margin)),
               "old_margin": old, "old_called": float(np.mean(np.abs(diff) >= old)), "sd": float(diff.std())}
        rows.append(row)
        print(f"{n:>5}  {margin:6.3f}  {row['called']:6.2f}  {old:10.3f}  {row['old_called']:6.2f}  {row['sd']:10.3f}")
    out = ROOT / "bench" / "results" / "tagger_level_rule.json"
    out.write_text(json.dumps({"draws": args.draws, "accuracy": args.accuracy, "words": args.words,
                               "seed": args.seed, "rows": rows}, indent=2) + "\n")
    print(f"-> {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

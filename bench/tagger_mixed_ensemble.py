"""Probe (twentieth stop): ensembles of two or three CNNs of different kinds, averaged with the statistics head.

From saved probabilities only (no training): the ten shipped runs, the ten FreqNorm runs and the ten PCEN runs of the
nineteenth stop (bench/results/*_probs.npz).  The head is the same in every run (deterministic logistic regression;
its softmax is 2 x tagger - CNN), so an ensemble is 0.5 x mean(CNNs) + 0.5 x head, run i of each kind together.

    .venv/bin/python bench/tagger_mixed_ensemble.py      (seconds; prints, writes bench/results/tagger_mixed_ensemble.json)
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score

RESULTS = Path(__file__).resolve().parents[1] / "bench" / "results"
KINDS = {
    "ship": ["tagger_accuracy_r9_lowhead_s0", "tagger_accuracy_r9_lowhead_s1", "tagger_accuracy_r9_lowhead_s2",
             "tagger_accuracy_r9_s0", "tagger_accuracy_r9_s1", "tagger_accuracy_r9_s2",
             "tagger_accuracy_p12_shipped_s3", "tagger_accuracy_p12_shipped_s4", "tagger_accuracy_p12_shipped_s5",
             "tagger_accuracy_p13_shipped_s6"],
    "fn": [f"tagger_accuracy_p19_rfn_s{i}" for i in range(4)] + [f"tagger_accuracy_p19_fn2_s{i}" for i in range(4, 10)],
    "pc": [f"tagger_accuracy_p19_pcen_s{i}" for i in range(10)],
}
PAIRS = (("ship", "fn"), ("ship", "pc"), ("fn", "pc"), ("ship", "ship"))   # ship+ship: run i with run i + 1


def load(name: str) -> dict[str, np.ndarray]:
    """One saved run's probabilities [I, T] (``cnn_only``, ``tagger``) and one-hot ``y``, rows sorted by path."""
    path = RESULTS / f"{name}_probs.npz"
    if not path.is_file():
        raise SystemExit(f"missing saved run {path} (bench/tagger_accuracy.py --save-probs writes it)")
    d = np.load(path)
    order = np.argsort(d["paths"])
    return {k: d[k][order] for k in ("cnn_only", "tagger", "y")}


def macro_f1(y: np.ndarray, probs: np.ndarray) -> float:
    return float(f1_score(y, probs.argmax(axis=1), average="macro"))


def ensembles(runs: dict[str, list[dict[str, np.ndarray]]]) -> dict:
    """Mean macro-F1 of each kind's runs, of two CNNs + the head and of three CNNs + the head (module docstring)."""
    y = runs["ship"][0]["y"].argmax(axis=1)
    heads = [2 * r["tagger"] - r["cnn_only"] for kind in runs.values() for r in kind]
    head = heads[0]
    out: dict = {"head_spread": float(max(np.abs(h - head).max() for h in heads)),
                 "runs": {k: float(np.mean([macro_f1(y, r["tagger"]) for r in v])) for k, v in runs.items()}}
    n = len(runs["ship"])
    out["two_cnns_and_head"] = {
        f"{a}+{b}": float(np.mean([macro_f1(y, 0.5 * (runs[a][i]["cnn_only"] + runs[b][(i + 1) % n if a == b else i][
            "cnn_only"]) / 2 + 0.5 * head) for i in range(n)])) for a, b in PAIRS}
    out["three_cnns_and_head"] = float(np.mean([macro_f1(y, 0.5 * sum(runs[k][i]["cnn_only"] for k in KINDS) / 3
                                                         + 0.5 * head) for i in range(n)]))
    return out


def main() -> None:
    argparse.ArgumentParser(description=__doc__.split("\n\n")[0]).parse_args()
    out = ensembles({kind: [load(n) for n in names] for kind, names in KINDS.items()})
    print("head spread", out["head_spread"])
    for kind, f1 in out["runs"].items():
        print(kind, f1)
    for pair, f1 in out["two_cnns_and_head"].items():
        print(pair, "2cnn+head", f1)
    print("3cnn+head", out["three_cnns_and_head"])
    path = RESULTS / "tagger_mixed_ensemble.json"
    path.write_text(json.dumps(out, indent=1))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()

"""Which sounds the tagger gets wrong, across benchmark runs, and what combining runs would give.

Reads the per-sample probabilities that ``bench/tagger_accuracy.py --save-probs`` and
``bench/tagger_kit_cv.py --save-probs`` write (bench/results/RUN_probs.npz; every run must cover the same
samples in the same order).  Prints, for each run, the macro-F1 of each system in it; with two or more
runs, the macro-F1 of the mean of the runs' probabilities; and, per Hydrogen instrument (all the velocity
layers of one drum kit slot), how many of its samples were wrong in how many runs and what they were
called.  ``--group-instruments`` also scores each run with the probabilities averaged over every
instrument's layers (an oracle grouping: it reads the kit files, so it bounds what any consistency rule
over near-identical samples could give; it is not a system).

    .venv/bin/python bench/tagger_errors.py tagger_accuracy_r8_s0 tagger_accuracy_r8_s1 tagger_accuracy_r8_s2 \
        [--system tagger] [--pair tagger_accuracy_16k_r8_s0 ...] [--name tagger_errors]
        -> bench/results/NAME.json
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from trainer.tagger.report import evaluate  # noqa: E402

OUT = Path("bench/results")
SYSTEMS = ("baseline", "baseline_16k", "cnn_only", "tagger")


def load_run(name: str) -> dict[str, np.ndarray]:
    """bench/results/NAME_probs.npz as a dict of arrays (paths [I], y [I, T], tags [T], probs [I, T] per system)."""
    path = OUT / f"{name}_probs.npz"
    if not path.exists():
        raise SystemExit(f"no {path}: run the benchmark with --save-probs --name {name}")
    with np.load(path) as f:
        return {k: f[k] for k in f.files}


def check_aligned(runs: list[dict[str, np.ndarray]], names: list[str]) -> None:
    """Stop with a message unless every run holds the same samples and tags in the same order."""
    for run, name in zip(runs[1:], names[1:]):
        if run["paths"].shape != runs[0]["paths"].shape or (run["paths"] != runs[0]["paths"]).any() \
                or (run["tags"] != runs[0]["tags"]).any():
            raise SystemExit(f"{name} does not cover the same samples / tags as {names[0]}")


def instruments(paths: np.ndarray) -> list[tuple[str, str]]:
    """(kit, instrument) of each path from the installed Hydrogen kits; (folder, file) for anything else."""
    from trainer.tagger.hydrogen import kit_dirs, kit_samples
    known = {str(s.path): (s.kit, s.instrument) for d in kit_dirs() for s in kit_samples(d / "drumkit.xml")}
    return [known.get(str(p), (Path(str(p)).parent.name, Path(str(p)).name)) for p in paths]


def rows_by_key(keys: list[tuple[str, str]]) -> dict[tuple[str, str], list[int]]:
    """Each distinct key -> the row indices that carry it, in order of first appearance."""
    index: dict[tuple[str, str], list[int]] = {}
    for i, k in enumerate(keys):
        index.setdefault(k, []).append(i)
    return index


def grouped(probs: np.ndarray, keys: list[tuple[str, str]]) -> np.ndarray:
    """probs [I, T] with each row replaced by the mean over the rows sharing its key."""
    out = probs.copy()
    for rows in rows_by_key(keys).values():
        out[rows] = probs[rows].mean(axis=0)
    return out


def error_table(runs: list[dict[str, np.ndarray]], system: str, keys: list[tuple[str, str]]) -> list[dict]:
    """Per instrument with at least one wrong sample in some run: kit, instrument, tag, samples, the share
    of (sample, run) pairs wrong, and what the wrong ones were called; worst first."""
    tags = [str(t) for t in runs[0]["tags"]]
    truth = runs[0]["y"].argmax(axis=1)
    pred = np.stack([r[system].argmax(axis=1) for r in runs])               # [R, I]
    table = []
    for (kit, inst), idx in rows_by_key(keys).items():
        wrong = pred[:, idx] != truth[idx]
        if not wrong.any():
            continue
        called = pred[:, idx][wrong]
        table.append({"kit": kit, "instrument": inst, "tag": tags[truth[idx[0]]], "samples": len(idx),
                      "wrong_share": round(float(wrong.mean()), 3),
                      "called": {tags[t]: int(c) for t, c in enumerate(np.bincount(called, minlength=len(tags))) if c}})
    return sorted(table, key=lambda r: (-r["wrong_share"], r["kit"], r["instrument"]))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("runs", nargs="+", help="run names (bench/results/RUN_probs.npz)")
    p.add_argument("--system", default="tagger", choices=SYSTEMS)
    p.add_argument("--pair", nargs="*", default=[], metavar="RUN",
                   help="runs to average one by one with RUNS (e.g. the same seeds on another front-end)")
    p.add_argument("--group-instruments", action="store_true",
                   help="also score with probabilities averaged over each Hydrogen instrument's layers (oracle)")
    p.add_argument("--name", default="tagger_errors")
    args = p.parse_args()
    if args.pair and len(args.pair) != len(args.runs):
        raise SystemExit("--pair needs one run per run")
    runs = [load_run(n) for n in args.runs]
    pairs = [load_run(n) for n in args.pair]
    check_aligned(runs + pairs, args.runs + args.pair)
    y, tags = runs[0]["y"], [str(t) for t in runs[0]["tags"]]
    keys = instruments(runs[0]["paths"])
    out: dict = {"runs": args.runs, "system": args.system, "samples": len(y), "per_run": {}}
    for name, run in zip(args.runs, runs):
        out["per_run"][name] = {s: round(evaluate(run[s], y, tags)["macro_f1"], 3) for s in SYSTEMS if s in run}
        if args.group_instruments:
            out["per_run"][name]["grouped_by_instrument"] = round(
                evaluate(grouped(run[args.system], keys), y, tags)["macro_f1"], 3)
        print(name, json.dumps(out["per_run"][name]))
    if len(runs) > 1:
        out["mean_of_runs"] = round(evaluate(np.mean([r[args.system] for r in runs], axis=0), y, tags)["macro_f1"], 3)
        print(f"mean of the {len(runs)} runs' {args.system} probabilities: macro-F1 {out['mean_of_runs']:.3f}")
    if pairs:
        out["paired"] = {f"{a}+{b}": round(evaluate((r[args.system] + q[args.system]) / 2, y, tags)["macro_f1"], 3)
                         for a, b, r, q in zip(args.runs, args.pair, runs, pairs)}
        for k, v in out["paired"].items():
            print(f"mean of {k}: macro-F1 {v:.3f}")
    wrong = np.stack([r[args.system].argmax(axis=1) != y.argmax(axis=1) for r in runs])
    out["wrong_in_every_run"] = int(wrong.all(axis=0).sum())
    out["wrong_in_some_runs"] = int((wrong.any(axis=0) & ~wrong.all(axis=0)).sum())
    out["instruments"] = error_table(runs, args.system, keys)
    head = (f"{out['wrong_in_every_run']} samples wrong in every run, {out['wrong_in_some_runs']} in some" if len(runs) > 1
            else f"{out['wrong_in_every_run']} of {len(y)} samples wrong")
    print(f"\n{head}; by instrument (share of sample-runs wrong, samples, kit, instrument, tag -> what it was called):")
    for r in out["instruments"]:
        called = ", ".join(f"{t} {c}" for t, c in r["called"].items())
        print(f"  {r['wrong_share']:4.2f} {r['samples']:2d}  {r['kit'][:24]:24s} {r['instrument'][:30]:30s} {r['tag']:10s} -> {called}")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"{args.name}.json").write_text(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()

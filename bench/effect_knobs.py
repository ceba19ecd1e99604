"""Knobs: the guitarix Boss DS-1 (via lv2apply) captured once from 9 DRIVE x TONE settings, scored at
4 settings never seen in training (and 3 seen ones), all on held-out phrases.

    .venv/bin/python bench/effect_knobs.py [--minutes 5] [--arch NAME] [--threads 1]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from effect_common import RUNS, add_set_argument, ensure_data, set_settings, set_suffix, heldout_scores, machine_note, train_hatbox, trained_lag, write_result  # noqa: E402

from trainer.data.recipes import DS1_HELDOUT  # noqa: E402

TARGET = 0.02


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--arch", default=None)
    parser.add_argument("--pack", type=Path, help="score this pack (trained on data/effect/ds1) instead of training")
    parser.add_argument("--threads", type=int, default=1, help="torch threads for both trainers (1: see docs/effect_bench.md)")
    add_set_argument(parser)
    args = parser.parse_args()
    folder = ensure_data("ds1")
    start = machine_note()
    pack = RUNS / f"ds1_{args.arch or 'default'}_{args.minutes:g}min{set_suffix(args.set)}.hatpack"
    if args.pack:
        from export.pack import read_pack
        pack, run = args.pack, {"cli": "(scored an existing pack)", "wall_s": None,
                                "metrics": read_pack(args.pack).manifest.metrics}
    else:
        run = train_hatbox(pack, args.minutes, data=folder, arch=args.arch, threads=args.threads,
                          **set_settings(args.set))
    scores = heldout_scores(pack, folder, lag=trained_lag(run["metrics"]))
    for s in scores:
        s["seen_in_training"] = s["knobs"] not in DS1_HELDOUT
    unseen = [s["esr"] for s in scores if not s["seen_in_training"]]
    suffix = (("" if args.arch is None else f"_{args.arch}") + ("" if args.minutes == 5 else f"_{args.minutes:g}min")
              + set_suffix(args.set))
    write_result(f"effect_knobs{suffix}", {
        "benchmark": "DS-1 (guitarix, lv2apply) knob capture: held-out ESR at unseen DRIVE/TONE settings",
        "train": {"command": run["cli"], "wall_s": run["wall_s"], "arch": run["metrics"].get("arch"),
                  "params": run["metrics"].get("params"), "latency": run["metrics"].get("latency"),
                  "val_esr_internal": run["metrics"].get("val_esr")},
        "heldout": scores, "unseen_max_esr": max(unseen), "unseen_mean_esr": sum(unseen) / len(unseen),
        "unseen_max_esr_at_best_lag": max(s["esr_at_best_lag"] for s in scores if not s["seen_in_training"]),
        "targets": {f"unseen_settings_esr_le_{TARGET}": max(unseen) <= TARGET},
        "machine_start": start, "machine_end": machine_note()})
    return 0


if __name__ == "__main__":
    sys.exit(main())

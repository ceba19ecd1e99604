"""Compressor: pedalboard's Compressor with threshold_db / ratio as knobs (9 settings), scored on
held-out phrases at the 9 trained settings and 2 unseen ones.

    .venv/bin/python bench/effect_compressor.py [--minutes 5] [--arch NAME] [--threads 1]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from effect_common import RUNS, add_set_argument, ensure_data, set_settings, set_suffix, heldout_scores, machine_note, train_hatbox, trained_lag, write_result  # noqa: E402

from trainer.data.recipes import COMP_HELDOUT_NEW  # noqa: E402

TARGET = 0.02


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--arch", default=None)
    parser.add_argument("--threads", type=int, default=1, help="torch threads for both trainers (1: see docs/effect_bench.md)")
    add_set_argument(parser)
    args = parser.parse_args()
    folder = ensure_data("compressor")
    start = machine_note()
    pack = RUNS / f"compressor_{args.arch or 'default'}_{args.minutes:g}min{set_suffix(args.set)}.hatpack"
    run = train_hatbox(pack, args.minutes, data=folder, arch=args.arch, threads=args.threads,
                          **set_settings(args.set))
    scores = heldout_scores(pack, folder, lag=trained_lag(run["metrics"]))
    for s in scores:
        s["seen_in_training"] = s["knobs"] not in COMP_HELDOUT_NEW
    seen = [s["esr"] for s in scores if s["seen_in_training"]]
    unseen = [s["esr"] for s in scores if not s["seen_in_training"]]
    suffix = (("" if args.arch is None else f"_{args.arch}") + ("" if args.minutes == 5 else f"_{args.minutes:g}min")
              + set_suffix(args.set))
    write_result(f"effect_compressor{suffix}", {
        "benchmark": "pedalboard Compressor (threshold_db, ratio knobs): held-out ESR",
        "train": {"command": run["cli"], "wall_s": run["wall_s"], "arch": run["metrics"].get("arch"),
                  "params": run["metrics"].get("params"), "val_esr_internal": run["metrics"].get("val_esr")},
        "heldout": scores, "heldout_audio_mean_esr": sum(seen) / len(seen), "heldout_audio_max_esr": max(seen),
        "unseen_settings_max_esr": max(unseen),
        "targets": {f"heldout_audio_mean_esr_le_{TARGET}": sum(seen) / len(seen) <= TARGET,
                    f"heldout_audio_max_esr_le_{TARGET}": max(seen) <= TARGET},
        "machine_start": start, "machine_end": machine_note()})
    return 0


if __name__ == "__main__":
    sys.exit(main())

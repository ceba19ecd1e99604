"""Streaming cost and block-size invariance of effect packs, through the device engine (onnxruntime).

Cost: per-block compute of ``EffectProcessor.process`` (knob smoothing + onnxruntime, 1 intra-op thread,
process pinned to one core) at 48 kHz, block 128, as a fraction of the block's 2.67 ms; median and p99.
Invariance: the same take rendered with blocks of 1, 64, 65, 128 and 8192 samples; max |difference|
against the 8192-sample render.

    .venv/bin/python bench/effect_stream.py [PACK ...]   (default: every pack under runs/effect_bench/, which the
    other effect benchmarks leave there; none there: an error, nothing written)
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from effect_common import RATE, RUNS, ensure_data, load_mono, machine_note, write_result  # noqa: E402
from run_name import run_suffix  # noqa: E402

BLOCK = 128
BLOCKS = (1, 64, 65, 128, 8192)
TARGET = 0.05


def block_costs(pack: Path, x: np.ndarray, repeats: int = 3000) -> np.ndarray:
    """Seconds per ``process`` call of BLOCK samples over ``repeats`` consecutive blocks [repeats]."""
    from device.audio.effect import EffectProcessor
    proc = EffectProcessor(pack, threads=1)
    _set_mid_knobs(proc)
    times = np.empty(repeats)
    for i in range(repeats + 200):
        start = (i * BLOCK) % (x.shape[0] - BLOCK)
        t = time.perf_counter()
        proc.process(x[start:start + BLOCK])
        if i >= 200:                      # first 200 blocks are warm-up
            times[i - 200] = time.perf_counter() - t
    return times


def invariance(pack: Path, x: np.ndarray) -> dict[str, float]:
    """Max |y_block - y_8192| for every block size in BLOCKS, knobs away from their defaults."""
    from device.audio.effect import EffectProcessor, render
    proc = EffectProcessor(pack, threads=1)
    knobs = _mid_knobs(proc)
    ref = render(proc, x, knobs, block=8192)
    return {str(b): float(np.max(np.abs(render(proc, x, knobs, block=b) - ref))) for b in BLOCKS}


def _mid_knobs(proc) -> dict[str, float]:
    return {k.name: k.min + 0.37 * (k.max - k.min) for k in proc.knobs}


def _set_mid_knobs(proc) -> None:
    proc.set_knobs(_mid_knobs(proc))
    proc.reset()


def measure(pack: Path, x: np.ndarray) -> dict:
    """Cost and invariance figures for one pack."""
    from export.pack import read_pack
    m = read_pack(pack).manifest
    costs = block_costs(pack, x) / (BLOCK / RATE)
    return {"pack": pack.name, "arch": (m.metrics or {}).get("arch"), "params": (m.metrics or {}).get("params"),
            "block_fraction_median": round(float(np.median(costs)), 5),
            "block_fraction_p99": round(float(np.percentile(costs, 99)), 5),
            "max_abs_diff_vs_block_8192": invariance(pack, x[:RATE])}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("packs", nargs="*", type=Path)
    args = parser.parse_args()
    packs = args.packs or sorted(p for p in RUNS.glob("*.hatpack") if "0.2min" not in p.name)
    if not packs:           # before: it wrote a result with no packs, its invariance target "met" by nothing
        print(f"error: no packs under {RUNS} to measure, and nothing was written; the effect benchmarks leave "
              f"theirs there (bench/effect_vs_nam.py, bench/effect_knobs.py), or name packs: "
              f".venv/bin/python bench/effect_stream.py factory/effect-drive.hatpack", file=sys.stderr)
        return 2
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[-1]})
    x = load_mono(ensure_data("chain") / "heldout_in.wav")
    start = machine_note()
    rows = []
    for pack in packs:
        rows.append(measure(pack, x))
        print(rows[-1], flush=True)
    from trainer.effect.models import DEFAULT_ARCH
    default = [r for r in rows if r["arch"] == DEFAULT_ARCH]
    named = {"packs": lambda given: "+".join(p.stem for p in given) if len(given) <= 3 else f"{len(given)}packs"}
    write_result(f"effect_stream{run_suffix(parser, args, named)}", {
        "benchmark": f"per-block compute at 48 kHz, block {BLOCK}, 1 core, onnxruntime; block-size invariance",
        "default_arch": DEFAULT_ARCH, "packs": rows, "pinned_to_one_core": hasattr(os, "sched_setaffinity"),
        "targets": {f"default_arch_median_le_{TARGET}": bool(default) and all(r["block_fraction_median"] <= TARGET for r in default),
                    "invariant_within_1e-5": all(max(r["max_abs_diff_vs_block_8192"].values()) <= 1e-5 for r in rows)},
        "machine_start": start, "machine_end": machine_note()})
    return 0


if __name__ == "__main__":
    sys.exit(main())

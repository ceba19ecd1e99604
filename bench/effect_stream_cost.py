"""Streaming cost of each effect architecture through the box's processor (onnxruntime, 1 thread).

Per-block compute time at 48 kHz, block 128 (2.667 ms), as a fraction of the block's duration,
for every registered architecture at its default size with 2 knobs.  Includes knob smoothing
and state handling (device/audio/effect.py EffectProcessor.process), i.e. what the box runs.
Weights are random (cost does not depend on them).  Prints a table, writes
bench/results/effect_stream_cost.json (effect_stream_cost_blocksN.json with another --blocks).

    .venv/bin/python bench/effect_stream_cost.py [--blocks 3000]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

from device.audio.effect import EffectProcessor
from export.manifest import Knob
from export.onnx_effect import export_effect
from trainer.effect.models import ARCHS, DEFAULT_ARCH, build, count_params

from run_name import run_suffix

RATE, BLOCK, BLOCKS, WARMUP = 48_000, 128, 3000, 200       # WARMUP: first blocks left out of the figures
KNOBS = [Knob("drive", 0.0, 24.0, 6.0, "dB"), Knob("tone", 0.0, 1.0, 0.5)]


def measure(arch: str, folder: Path, blocks: int = BLOCKS) -> dict[str, float]:
    torch.manual_seed(0)
    model = build(arch, len(KNOBS))
    x = (0.3 * np.random.default_rng(0).standard_normal(BLOCK * blocks)).astype(np.float32)
    pack = export_effect(model, folder / f"{arch}.hatpack", name=arch, rate=RATE, knobs=KNOBS,
                         golden_audio=x[:2048], golden_knobs=np.array([0.5, 0.5], np.float32))
    proc = EffectProcessor(pack, threads=1)
    proc.reset()
    times = []
    for i in range(blocks):
        if i % 500 == 0:
            proc.set_knob("drive", float(i % 24))        # knobs move now and then
        t = time.perf_counter()
        proc.process(x[i * BLOCK:(i + 1) * BLOCK])
        times.append(time.perf_counter() - t)
    t = np.array(times[WARMUP:])
    block_s = BLOCK / RATE
    return {"params": count_params(model), "median_us": float(np.median(t) * 1e6),
            "p10_us": float(np.percentile(t, 10) * 1e6), "fraction_p10": float(np.percentile(t, 10) / block_s),
            "p99_us": float(np.percentile(t, 99) * 1e6), "fraction_median": float(np.median(t) / block_s),
            "fraction_p99": float(np.percentile(t, 99) / block_s), "pack_bytes": pack.stat().st_size}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--blocks", type=int, default=BLOCKS,
                        help=f"blocks timed per architecture (default {BLOCKS}; the first {WARMUP} are left out)")
    args = parser.parse_args()
    if args.blocks <= WARMUP:
        parser.error(f"--blocks must be more than {WARMUP} (the first {WARMUP} are warm-up)")
    torch.set_num_threads(1)
    with tempfile.TemporaryDirectory() as tmp:
        rows = {arch: measure(arch, Path(tmp), args.blocks) for arch in ARCHS}
    print(f"block {BLOCK} @ {RATE} Hz = {1e6 * BLOCK / RATE:.0f} us; onnxruntime CPU, 1 thread; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (shared machine)")
    print(f"{'arch':<9}{'params':>8}{'p10 us':>9}{'median us':>11}{'p99 us':>9}{'fraction (median)':>19}")
    for arch, r in rows.items():
        mark = "  (default)" if arch == DEFAULT_ARCH else ""
        print(f"{arch:<9}{r['params']:>8}{r['p10_us']:>9.1f}{r['median_us']:>11.1f}{r['p99_us']:>9.1f}"
              f"{r['fraction_median']:>19.4f}{mark}")
    out = Path(__file__).parent / "results" / f"effect_stream_cost{run_suffix(parser, args, {'blocks': 'blocks{}'})}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"block": BLOCK, "blocks": args.blocks, "rate": RATE, "default": DEFAULT_ARCH, "archs": rows,
                               "machine": platform.processor() or platform.machine(),
                               "load_average": os.getloadavg()[0]}, indent=2))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()

"""Cost of the neural synth on one core: 16 voices at 48 kHz, block 128 (target mean <= 0.25, p99.9 <= 0.6
of the block duration).  Compared in the same run with naive numpy additive synthesis of the same
16 voices x 64 harmonics (no network), the figure the issue quotes (~66 % of a core).

    .venv/bin/python bench/synth_cost.py [PACK] [--seconds 20]
"""
from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np

from device.audio.synth import SynthSource
from export.pack import read_pack

RATE, BLOCK, VOICES = 48000, 128, 16
RESULTS = Path(__file__).parent / "results"


def time_source(src: SynthSource, blocks: int) -> np.ndarray:
    """Per-block render time (s) with 16 held notes and the pad moving."""
    for i in range(VOICES):
        src.handle({"op": "note_on", "note": 40 + 3 * i, "velocity": 100})
    out = np.zeros(BLOCK, np.float32)
    ts = np.zeros(blocks)
    for b in range(blocks):
        if b % 8 == 0:
            src.handle({"op": "xy", "x": (b % 400) / 400, "y": 0.5})
        t = time.perf_counter()
        src.render(out)
        ts[b] = time.perf_counter() - t
    assert src.active_voices == VOICES
    return ts


def time_naive(blocks: int) -> np.ndarray:
    """Direct sum of sines: 16 voices x 64 harmonics x 128 samples per block."""
    f0 = 440 * 2 ** ((np.arange(40, 40 + 3 * VOICES, 3) - 69) / 12)
    k = np.arange(1, 65)
    amps = np.random.default_rng(0).random((VOICES, 64)) * 0.01
    phase = np.zeros(VOICES)
    n = np.arange(BLOCK)
    ts = np.zeros(blocks)
    for b in range(blocks):
        t = time.perf_counter()
        ph = phase[:, None] + 2 * np.pi * f0[:, None] * n / RATE                 # [V, N]
        y = np.einsum("vk,vkn->n", amps, np.sin(k[None, :, None] * ph[:, None, :]))
        phase = (phase + 2 * np.pi * f0 * BLOCK / RATE) % (2 * np.pi)
        ts[b] = time.perf_counter() - t
    return ts + 0 * y[0]


def summary(ts: np.ndarray) -> dict[str, float]:
    budget = BLOCK / RATE
    return {"mean": float(np.mean(ts) / budget), "p99": float(np.percentile(ts, 99) / budget),
            "p99.9": float(np.percentile(ts, 99.9) / budget), "max": float(np.max(ts) / budget)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("pack", nargs="?", default="factory/synth-gm4.hatpack")
    ap.add_argument("--seconds", type=float, default=20.0)
    args = ap.parse_args()
    os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})          # one core
    blocks = int(args.seconds * RATE / BLOCK)
    src = SynthSource(read_pack(args.pack), RATE, threads=1)
    time_source(src, 200)                                                  # warm up
    src.reset()
    res = {"pack": args.pack, "voices": VOICES, "rate": RATE, "block": BLOCK, "blocks": blocks,
           "synth_fraction_of_block": summary(time_source(src, blocks)),
           "naive_additive_fraction_of_block": summary(time_naive(min(blocks, 2000))),
           "load_average": os.getloadavg()}
    print(json.dumps(res, indent=1))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "synth_cost.json").write_text(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()

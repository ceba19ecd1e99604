"""Cost of the neural synth on one core: 16 voices at 48 kHz, block 128 (target mean <= 0.25, p99.9 <= 0.6
of the block duration).  Compared in the same run with naive numpy additive synthesis of the same
16 voices x 64 harmonics (no network), the figure the issue quotes (~66 % of a core).  Each block is
timed twice: wall clock (includes time the OS gave to other processes - this machine is shared) and
the thread's own CPU time (the compute the block really costs).

    .venv/bin/python bench/synth_cost.py [PACK] [--seconds 20]
"""
from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")          # one core: no BLAS/OpenMP helper threads
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
import numpy as np  # noqa: E402

from device.audio.synth import SynthSource  # noqa: E402
from export.pack import read_pack  # noqa: E402

RATE, BLOCK, VOICES = 48000, 128, 16
RESULTS = Path(__file__).parent / "results"


def start_voices(src: SynthSource) -> None:
    for i in range(VOICES):
        src.handle({"op": "note_on", "note": 40 + 3 * i, "velocity": 100})


def time_source(src: SynthSource, blocks: int) -> np.ndarray:
    """[blocks, 2]: per-block wall time and this thread's CPU time (s), 16 held notes, the pad moving."""
    out = np.zeros(BLOCK, np.float32)
    ts = np.zeros((blocks, 2))
    for b in range(blocks):
        if b % 8 == 0:
            src.handle({"op": "xy", "x": (b % 400) / 400, "y": 0.5})
        t, c = time.perf_counter(), time.thread_time()
        src.render(out)
        ts[b] = time.perf_counter() - t, time.thread_time() - c
    assert src.active_voices == VOICES
    return ts


class Naive:
    """Direct sum of sines: 16 voices x 64 harmonics x 128 samples per block (no network)."""

    def __init__(self) -> None:
        self.f0 = 440 * 2 ** ((np.arange(40, 40 + 3 * VOICES, 3) - 69) / 12)
        self.k = np.arange(1, 65)
        self.amps = np.random.default_rng(0).random((VOICES, 64)) * 0.01
        self.phase = np.zeros(VOICES)
        self.n = np.arange(BLOCK)

    def time(self, blocks: int) -> np.ndarray:
        ts = np.zeros((blocks, 2))
        for b in range(blocks):
            t, c = time.perf_counter(), time.thread_time()
            ph = self.phase[:, None] + 2 * np.pi * self.f0[:, None] * self.n / RATE          # [V, N]
            np.einsum("vk,vkn->n", self.amps, np.sin(self.k[None, :, None] * ph[:, None, :]))
            self.phase = (self.phase + 2 * np.pi * self.f0 * BLOCK / RATE) % (2 * np.pi)
            ts[b] = time.perf_counter() - t, time.thread_time() - c
        return ts


def summary(ts: np.ndarray) -> dict[str, float]:
    budget = BLOCK / RATE
    return {"mean": float(np.mean(ts) / budget), "p99": float(np.percentile(ts, 99) / budget),
            "p99.9": float(np.percentile(ts, 99.9) / budget), "max": float(np.max(ts) / budget)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("pack", nargs="?", default="factory/synth-gm4.hatpack")
    ap.add_argument("--seconds", type=float, default=20.0)
    args = ap.parse_args()
    blocks = int(args.seconds * RATE / BLOCK)
    src = SynthSource(read_pack(args.pack), RATE, threads=1)
    start_voices(src)
    naive = Naive()
    time_source(src, 200), naive.time(50)                                  # warm up
    synth_ts, naive_ts = [], []
    for _ in range(max(1, blocks // 250)):      # interleaved chunks: both see the same machine load
        synth_ts.append(time_source(src, 250))
        naive_ts.append(naive.time(50))
    s_all, n_all = np.concatenate(synth_ts), np.concatenate(naive_ts)
    res = {"pack": args.pack, "voices": VOICES, "rate": RATE, "block": BLOCK, "blocks": len(s_all),
           "synth_wall_fraction_of_block": summary(s_all[:, 0]),
           "synth_cpu_fraction_of_block": summary(s_all[:, 1]),
           "naive_additive_wall_fraction_of_block": summary(n_all[:, 0]),
           "naive_additive_cpu_fraction_of_block": summary(n_all[:, 1]),
           "ratio_of_mean_wall_synth_over_naive": float(np.mean(s_all[:, 0]) / np.mean(n_all[:, 0])),
           "load_average_1min": os.getloadavg()[0], "cpus": os.cpu_count()}
    print(json.dumps(res, indent=1))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "synth_cost.json").write_text(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()

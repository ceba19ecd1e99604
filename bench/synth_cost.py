"""Cost of the neural synth on one core: 16 voices at 48 kHz, block 128 (target mean <= 0.25, p99.9 <= 0.6
of the block duration).  Compared in the same run with naive numpy additive synthesis of the same
16 voices x 64 harmonics (no network), the figure the issue quotes (~66 % of a core).

Each block is timed twice: wall clock (includes time the OS gave to other processes) and the
thread's own CPU time (the compute the block really costs).  The process is pinned to one core.
Two schedules, each with the synth and the naive sum alternating in chunks (so both see the
same machine):

* back to back: block after block, as fast as the core goes (the issue's naive figure is this);
* paced: each block waits (sleeps) for its due time, every 2.667 ms, as the engine's audio
  thread does.  On this VM the same code costs about twice the CPU time when blocks are spaced
  (docs/engine.md); the paced figure is what the engine sees here.

After every switch between the two sides, the first ``WARM`` blocks of a chunk are timed but
reported apart ("first blocks after a switch"): they pay for the other side having just run
(cold caches and predictors), which the audio thread of the box never does.

    .venv/bin/python bench/synth_cost.py [PACK] [--seconds 20]
"""
from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path
from typing import Callable

os.environ.setdefault("OMP_NUM_THREADS", "1")          # one core: no BLAS/OpenMP helper threads
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
import numpy as np  # noqa: E402

from device.audio.synth import SynthSource  # noqa: E402
from export.pack import read_pack  # noqa: E402
from run_name import run_suffix, stem  # noqa: E402

RATE, BLOCK, VOICES = 48000, 128, 16
PERIOD = BLOCK / RATE
CHUNKS = 6            # switches per schedule: few, so few cold blocks
WARM = 2              # blocks per chunk reported apart (the first after a switch)
RESULTS = Path(__file__).parent / "results"


def start_voices(src: SynthSource) -> None:
    for i in range(VOICES):
        src.handle({"op": "note_on", "note": 40 + 3 * i, "velocity": 100})


class SynthSide:
    """16 held notes, the pad moving every 8 blocks."""

    def __init__(self, pack: str) -> None:
        self.src = SynthSource(read_pack(pack), RATE, threads=1)
        start_voices(self.src)
        self.out = np.zeros(BLOCK, np.float32)
        self.b = 0

    def block(self) -> None:
        if self.b % 8 == 0:
            self.src.handle({"op": "xy", "x": (self.b % 400) / 400, "y": 0.5})
        self.src.render(self.out)
        self.b += 1


class Naive:
    """Direct sum of sines: 16 voices x 64 harmonics x 128 samples per block (no network)."""

    def __init__(self) -> None:
        self.f0 = 440 * 2 ** ((np.arange(40, 40 + 3 * VOICES, 3) - 69) / 12)
        self.k = np.arange(1, 65)
        self.amps = np.random.default_rng(0).random((VOICES, 64)) * 0.01
        self.phase = np.zeros(VOICES)
        self.n = np.arange(BLOCK)

    def block(self) -> None:
        ph = self.phase[:, None] + 2 * np.pi * self.f0[:, None] * self.n / RATE          # [V, N]
        np.einsum("vk,vkn->n", self.amps, np.sin(self.k[None, :, None] * ph[:, None, :]))
        self.phase = (self.phase + 2 * np.pi * self.f0 * BLOCK / RATE) % (2 * np.pi)


def time_blocks(step: Callable[[], None], blocks: int, paced: bool) -> np.ndarray:
    """[blocks, 2]: per-block wall time and this thread's CPU time (s)."""
    ts = np.zeros((blocks, 2))
    start = time.perf_counter()
    for b in range(blocks):
        if paced:
            delay = start + b * PERIOD - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
        t, c = time.perf_counter(), time.thread_time()
        step()
        ts[b] = time.perf_counter() - t, time.thread_time() - c
    return ts


def summary(ts: np.ndarray) -> dict[str, float]:
    return {"mean": float(np.mean(ts) / PERIOD), "p99": float(np.percentile(ts, 99) / PERIOD),
            "p99.9": float(np.percentile(ts, 99.9) / PERIOD), "max": float(np.max(ts) / PERIOD)}


def schedule(synth: SynthSide, naive: Naive, blocks: int, paced: bool) -> dict[str, object]:
    """Alternate CHUNKS synth chunks (``blocks`` in all) with naive chunks of a fifth the size."""
    per = max(WARM + 1, blocks // CHUNKS)
    s_steady, s_first, n_steady = [], [], []
    for _ in range(CHUNKS):
        ts = time_blocks(synth.block, per, paced)
        s_first.append(ts[:WARM])
        s_steady.append(ts[WARM:])
        n_steady.append(time_blocks(naive.block, max(WARM + 1, per // 5), paced)[WARM:])
    s, f, n = np.concatenate(s_steady), np.concatenate(s_first), np.concatenate(n_steady)
    return {"synth_blocks": len(s), "naive_blocks": len(n),
            "synth_cpu_fraction_of_block": summary(s[:, 1]), "synth_wall_fraction_of_block": summary(s[:, 0]),
            "naive_additive_cpu_fraction_of_block": summary(n[:, 1]),
            "naive_additive_wall_fraction_of_block": summary(n[:, 0]),
            "ratio_of_mean_cpu_synth_over_naive": float(np.mean(s[:, 1]) / np.mean(n[:, 1])),
            "synth_first_blocks_after_a_switch_cpu": {"blocks": len(f), "mean": float(np.mean(f[:, 1]) / PERIOD),
                                                      "max": float(np.max(f[:, 1]) / PERIOD)}}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("pack", nargs="?", default="factory/synth-gm4.hatpack")
    ap.add_argument("--seconds", type=float, default=20.0, help="synth audio per schedule")
    args = ap.parse_args()
    os.sched_setaffinity(0, {max(os.sched_getaffinity(0))})
    blocks = int(args.seconds / PERIOD)
    synth, naive = SynthSide(args.pack), Naive()
    for _ in range(200):                                                    # warm up
        synth.block()
    for _ in range(50):
        naive.block()
    res: dict[str, object] = {"pack": args.pack, "voices": VOICES, "rate": RATE, "block": BLOCK,
                              "pinned_core": sorted(os.sched_getaffinity(0)),
                              "targets": {"mean": 0.25, "p99.9": 0.6}}
    for name, paced in (("back_to_back", False), ("paced", True)):
        res[name] = schedule(synth, naive, blocks, paced)
        r = res[name]
        cpu, nv = r["synth_cpu_fraction_of_block"], r["naive_additive_cpu_fraction_of_block"]  # type: ignore[index]
        print(f"{name:12s} synth CPU mean {cpu['mean']:.3f} p99 {cpu['p99']:.3f} p99.9 {cpu['p99.9']:.3f} "
              f"max {cpu['max']:.3f} | naive CPU mean {nv['mean']:.3f} | synth/naive "
              f"{r['ratio_of_mean_cpu_synth_over_naive']:.3f}")  # type: ignore[index]
    res["load_average_1min"], res["cpus"] = os.getloadavg()[0], os.cpu_count()
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"synth_cost{run_suffix(ap, args, {'pack': stem, 'seconds': '{:g}s'})}.json"
    path.write_text(json.dumps(res, indent=1))
    print("wrote", path)


if __name__ == "__main__":
    main()

"""Why spaced audio blocks cost more CPU time than back-to-back ones on this VM (docs/engine.md).

Times two fixed numba kernels right after different kinds of gap, on one pinned core:

* ``compute``: arithmetic only, no memory traffic (~0.15 ms);
* ``touch``: reads a 256 KB buffer (fits the core's 512 KB L2) four times (~20 us when cached).

Gaps: none (back to back); ``sleep`` 2 ms (what a paced audio thread does); ``spin`` 2 ms of
arithmetic in our own thread (the core never idles); ``python`` a 2 ms interpreter loop.  If
``touch`` slows after a gap while ``compute`` does not, the gap cost us cache contents - with
``spin`` that can only be another tenant of the physical core (the SMT sibling, another VM).

    .venv/bin/python bench/vm_spacing_probe.py [--reps 500]
"""
from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np

from run_name import run_suffix

RESULTS = Path(__file__).parent / "results"


def main() -> None:
    import numba

    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=500)
    args = ap.parse_args()
    os.sched_setaffinity(0, {max(os.sched_getaffinity(0))})

    @numba.njit
    def compute(n: int) -> float:
        s = 0.0
        for i in range(n):
            s += (i * 0.5) % 3.0
        return s

    @numba.njit
    def touch(a: np.ndarray, rounds: int) -> float:
        s = 0.0
        for _ in range(rounds):
            for i in range(0, a.shape[0], 16):          # one float per 64-byte line
                s += a[i]
        return s

    buf = np.ones(64 * 1024, np.float32)                 # 256 KB
    compute(10), touch(buf, 1)
    spin_n = 1
    t = time.perf_counter()
    compute(200_000)
    spin_n = int(200_000 * 0.002 / (time.perf_counter() - t))       # ~2 ms of arithmetic

    def gap(kind: str) -> None:
        if kind == "sleep":
            time.sleep(0.002)
        elif kind == "spin":
            compute(spin_n)
        elif kind == "python":
            end = time.perf_counter() + 0.002
            while time.perf_counter() < end:
                pass

    res: dict[str, dict[str, float]] = {}
    for kind in ("none", "sleep", "spin", "python", "none_again"):
        c, m = np.zeros(args.reps), np.zeros(args.reps)
        for r in range(args.reps):
            gap(kind)
            t = time.perf_counter_ns()
            touch(buf, 4)
            m[r] = time.perf_counter_ns() - t
            t = time.perf_counter_ns()
            compute(20_000)
            c[r] = time.perf_counter_ns() - t
        res[kind] = {"touch_256k_us_median": float(np.median(m) / 1e3), "compute_us_median": float(np.median(c) / 1e3)}
        print(f"gap {kind:10s} touch 256 KB {res[kind]['touch_256k_us_median']:6.1f} us   "
              f"compute {res[kind]['compute_us_median']:6.1f} us")
    out = {"reps": args.reps, "pinned_core": sorted(os.sched_getaffinity(0)), "gaps": res,
           "load_average_1min": os.getloadavg()[0]}
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"vm_spacing_probe{run_suffix(ap, args, {'reps': 'reps{}'})}.json"
    path.write_text(json.dumps(out, indent=1))
    print("wrote", path)


if __name__ == "__main__":
    main()

"""Control experiment for the soak: the same wall-clock pacing with NO engine and no audio.

A SCHED_FIFO thread (as the engine's audio thread) wakes every 2.667 ms (block 128 at 48 kHz)
and only checks whether it woke within the playback headroom the soak allows (2 periods,
5.33 ms).  Misses here come from the platform (a busy VM: host steal time, other processes),
not from the engine; compare with bench/results/engine_soak*.json under the same load.

    .venv/bin/python bench/engine_pacing_control.py [--seconds 90] [--busy] [--name engine_pacing_control]

``--busy`` also runs the soak's busy neighbour process (bench/engine_soak.py: numpy + JSON flat out on
one core), so the clock loop sees the same machine as the engine does in the soak.
"""
from __future__ import annotations

import argparse
import multiprocessing as mp
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from engine_common import RATE, write_result  # noqa: E402


def steal_jiffies() -> int:
    return int(Path("/proc/stat").read_text().split("\n")[0].split()[8])


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=90.0)
    ap.add_argument("--busy", action="store_true", help="with the soak's busy neighbour process")
    ap.add_argument("--name", default="engine_pacing_control")
    args = ap.parse_args()
    hog, stop = None, None
    if args.busy:
        from engine_soak import busy
        stop = mp.get_context("spawn").Event()
        hog = mp.get_context("spawn").Process(target=busy, args=(stop,), daemon=True)
        hog.start()
        time.sleep(2.0)                           # let it import numpy and get going
    from device.audio.pacer import Pacer
    from device.audio.server import set_realtime
    warnings = set_realtime(70)
    pacer = Pacer(RATE, 128, 3)
    steal0 = steal_jiffies()
    for _ in range(int(args.seconds * RATE / 128)):
        pacer.wait()
        pacer.done()
    if hog is not None and stop is not None:
        stop.set()
        hog.join(10)
    res = {"seconds": args.seconds, "busy_neighbour": args.busy, "blocks": pacer.k, "misses": pacer.misses,
           "missed_blocks": pacer.missed,
           "worst_late_ms": 1000 * pacer.worst_late_s, "scheduler_warnings": warnings,
           "steal_jiffies_during_run": steal_jiffies() - steal0}
    print(res)
    print("wrote", write_result(args.name, res))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""How long does loading a pack keep other Python threads (the audio thread) waiting for the GIL?

A probe thread wants to run every 1 ms and records how late it woke.  Beside it, the main thread
runs one phase at a time: idle (sleeps), loading the pack N times exactly as the swapper does
(read + verify, build the onnxruntime unit, golden check, warm), dropping the N units, and idle
again.  The first phase loads before ``warm_runtime()`` (a process's very first onnxruntime
session), the others after it.  Lateness beyond the idle phases' is time the loader held the GIL.

    .venv/bin/python bench/engine_gil_probe.py [--loads 20] [--switch 0.0002] [--no-realtime]
Prints per phase: probe ticks, median / p99.9 / max lateness (ms); writes
bench/results/engine_gil_probe.json (engine_gil_probe_no_realtime.json with --no-realtime).
"""
from __future__ import annotations

import argparse
import sys
import threading
import time
from pathlib import Path
from typing import Callable

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from engine_common import RATE, TICK_S, effect_pack, tick_probe, write_result  # noqa: E402
from run_name import run_suffix  # noqa: E402


def phase(name: str, work: Callable[[], None], repeats: int, realtime: bool = True) -> dict[str, float]:
    """Run ``work`` ``repeats`` times beside the probe thread; lateness figures in ms."""
    stop, lates = threading.Event(), []
    probe = threading.Thread(target=tick_probe, args=(stop, lates, realtime), daemon=True)
    probe.start()
    t0 = time.perf_counter()
    for _ in range(repeats):
        work()
    seconds = time.perf_counter() - t0
    stop.set()
    probe.join()
    ms = 1000 * np.asarray(lates)
    row = {"phase": name, "repeats": repeats, "seconds": round(seconds, 3), "ticks": int(ms.size),
           "late_median_ms": float(np.median(ms)), "late_p999_ms": float(np.percentile(ms, 99.9)),
           "late_max_ms": float(ms.max())}
    print(f"{name:<22} {repeats:3d} x  {seconds:6.2f} s  ticks {ms.size:6d}  late ms: "
          f"median {row['late_median_ms']:.3f}  p99.9 {row['late_p999_ms']:.2f}  max {row['late_max_ms']:.2f}")
    return row


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--loads", type=int, default=20)
    ap.add_argument("--switch", type=float, default=0.0002,
                    help="sys.setswitchinterval in s (default 0.0002, as the engine server)")
    ap.add_argument("--no-realtime", action="store_true",
                    help="ordinary threads (by default the probe runs SCHED_FIFO 70 and the loader at the "
                         "engine's helper priority, as in the engine process, where permitted)")
    args = ap.parse_args()
    sys.setswitchinterval(args.switch)
    rt = not args.no_realtime
    if rt:
        from device.audio.server import helper_priority
        helper_priority()
    from device.audio.swap import build_unit, golden_check, warm, warm_runtime
    from export.pack import read_pack
    pack_path, label = effect_pack()
    units: list = []

    def load() -> None:
        pack = read_pack(pack_path)
        unit = build_unit(pack, "effect", RATE, 1)
        golden_check(unit, pack)
        warm(unit, "effect", 128, RATE, 0.1)
        units.append(unit)

    rows = [phase("idle", lambda: time.sleep(0.2), 10, rt),
            phase("first load (cold)", load, 1, rt)]
    warm_runtime()
    rows += [phase("loads after warm-up", load, args.loads, rt),
             phase("drop units", lambda: units.pop() if units else None, len(units), rt),
             phase("idle again", lambda: time.sleep(0.2), 10, rt)]
    res = {"pack": label, "switch_interval_s": sys.getswitchinterval(), "tick_s": TICK_S, "realtime": rt,
           "phases": rows}
    suffix = run_suffix(ap, args, {"loads": "loads{}", "switch": "switch{:g}"})
    print("wrote", write_result(("engine_gil_probe" if rt else "engine_gil_probe_no_realtime") + suffix, res))
    return 0


if __name__ == "__main__":
    sys.exit(main())

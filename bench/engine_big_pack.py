"""Loading a big (35 MiB) effect pack while the engine plays: dropouts and GIL stalls, before and after p57 F9.

p57 QA_D finding 1: each switch between two 35 MiB effect packs gave 2-4 xruns about 0.3 s before its crossfade,
while the loader read the pack and made its onnxruntime session.  The loader held the GIL for tens of ms at a time:
zipfile joining the 35 MiB model in Python (22-26 ms), ``b"location" in model`` (14 ms), onnxruntime copying the
model bytes it was given (21 ms).  Since p57 F9 big members are inflated piece by piece (export/pack.py) and a
big model reaches onnxruntime as an in-memory file (device/audio/runtime.py), each step letting the audio thread in.

Two parts, each run for both modes in turn, ``--rounds`` times: ``before`` (``HATBOX_BIG_WHOLE=1``: members and
models handed over whole, the code before the fix) and ``fixed`` (as the box runs now):

1. probe: in this process, a probe thread that wants to run every 1 ms (SCHED_FIFO 70 where this user may, as the
   audio thread) beside the loader's steps on a 35 MiB pack (read_pack, build_unit, golden check): its lateness.
2. engine: the real engine process (device.audio.server.EngineProcess: file backend paced to the wall clock, 48 kHz,
   128-sample blocks, memory locked and SCHED_FIFO where permitted), ``--swaps`` switches between two 35 MiB packs
   sent as the box sends them; the engine's xruns in ``--idle`` s before them and during each switch.

    .venv/bin/python bench/engine_big_pack.py [--rounds 3] [--swaps 4] [--mib 35]
Prints medians per mode; writes bench/results/engine_big_pack.json.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))
from engine_common import ROOT, WORK, write_result  # noqa: E402
from run_name import run_suffix  # noqa: E402

sys.path.insert(0, str(ROOT))
from export.pack import WHOLE_ENV  # noqa: E402

TICK_S = 0.001
MODES = ("before", "fixed")


def big_packs(mib: float) -> list[Path]:
    """Two gain effects padded to about ``mib`` MiB (random weights: they do not compress), built once."""
    from tests.api.packs import gain_pack
    out = []
    for i, version in enumerate(("1.0.0", "1.1.0")):
        path = WORK / f"big-{mib:g}mib-{i}.hatpack"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            gain_pack(path, name="big", version=version, pad_bytes=int(mib * 1.1 * (1 << 20)), seed=i)
        out.append(path)
    return out


def set_mode(mode: str) -> None:
    os.environ[WHOLE_ENV] = "1" if mode == "before" else "0"


def _probe(stop: threading.Event, lates: list[float], realtime: bool) -> None:
    if realtime:
        from device.audio.realtime import set_realtime
        set_realtime(70)
    due = time.perf_counter()
    while not stop.is_set():
        due += TICK_S
        wait = due - time.perf_counter()
        if wait > 0:
            time.sleep(wait)
        late = time.perf_counter() - due
        lates.append(late)
        if late > 2 * TICK_S:          # re-anchor after a stall so one stall counts once
            due = time.perf_counter()


def probed(work: Callable[[], Any], realtime: bool) -> dict[str, float]:
    """Run ``work`` beside the probe thread: its worst lateness and ticks over 2 ms late (ms, count)."""
    stop, lates = threading.Event(), []
    probe = threading.Thread(target=_probe, args=(stop, lates, realtime), daemon=True)
    probe.start()
    time.sleep(0.05)
    t0 = time.perf_counter()
    work()
    seconds = time.perf_counter() - t0
    time.sleep(0.05)
    stop.set()
    probe.join()
    return {"seconds": round(seconds, 3), "late_max_ms": round(1000 * max(lates, default=0.0), 2),
            "late_over_2ms": sum(late > 0.002 for late in lates)}


def probe_load(pack_path: Path, realtime: bool) -> dict[str, float]:
    """Part 1: the loader's reading, session and golden steps on ``pack_path`` beside the probe."""
    from device.audio.swap import build_unit, golden_check
    from export.pack import read_pack

    def load() -> None:
        pack = read_pack(pack_path)
        golden_check(build_unit(pack, "effect", 48000, 1), pack)

    return probed(load, realtime)


def engine_swaps(packs: list[Path], swaps: int, idle_s: float) -> dict[str, Any]:
    """Part 2: the engine process's xruns while idle and for each switch between ``packs``."""
    from device.audio.engine import EngineConfig
    from device.audio.server import EngineProcess, ServerConfig
    cfg = ServerConfig(engine=EngineConfig(rate=48000, block=128), backend="file", pace=True)
    engine = EngineProcess(cfg).start()
    try:
        engine.send({"op": "load", "slot": "effect", "path": str(packs[1])})
        time.sleep(1.0)
        x0 = engine.status()["xruns"]
        time.sleep(idle_s)
        x1 = engine.status()["xruns"]
        per_swap = []
        for i in range(swaps):
            engine.send({"op": "load", "slot": "effect", "path": str(packs[i % 2])})
            time.sleep(0.5)                                  # the crossfade, and the unit let go of collected
            x2 = engine.status()["xruns"]
            per_swap.append(x2 - x1)
            x1 = x2
        status = engine.status()
    finally:
        engine.stop()
    return {"idle_xruns": x1 - x0 - sum(per_swap), "xruns_per_swap": per_swap, "load_max": status.get("load_max"),
            "scheduler": status.get("scheduler"), "warnings": status.get("warnings", [])}


def median(rows: list[dict[str, Any]], key: str) -> float:
    return float(statistics.median(r[key] for r in rows))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=3, help="rounds, each running both modes in turn")
    ap.add_argument("--swaps", type=int, default=4, help="switches between the two big packs per engine")
    ap.add_argument("--idle", type=float, default=2.0, help="seconds of idle playing counted before the switches")
    ap.add_argument("--mib", type=float, default=35.0, help="size of each big pack (MiB)")
    ap.add_argument("--no-realtime", action="store_true", help="the probe thread at normal priority")
    args = ap.parse_args()
    sys.setswitchinterval(0.0002)                                # as the engine process
    packs = big_packs(args.mib)
    from device.audio.swap import warm_runtime
    warm_runtime()
    rows: dict[str, dict[str, list[Any]]] = {m: {"probe": [], "engine": []} for m in MODES}
    saved = os.environ.get(WHOLE_ENV)
    try:
        for r in range(args.rounds):
            for mode in MODES if r % 2 == 0 else MODES[::-1]:
                set_mode(mode)
                rows[mode]["probe"].append(probe_load(packs[r % 2], not args.no_realtime))
                rows[mode]["engine"].append(engine_swaps(packs, args.swaps, args.idle))
                print(f"round {r + 1} {mode:6s} probe {rows[mode]['probe'][-1]}  engine "
                      f"{ {k: rows[mode]['engine'][-1][k] for k in ('idle_xruns', 'xruns_per_swap', 'load_max')} }",
                      flush=True)
    finally:
        os.environ.pop(WHOLE_ENV) if saved is None else os.environ.__setitem__(WHOLE_ENV, saved)
    summary = {}
    for mode in MODES:
        probe, engine = rows[mode]["probe"], rows[mode]["engine"]
        swaps = [x for e in engine for x in e["xruns_per_swap"]]
        summary[mode] = {"probe_late_max_ms_median": median(probe, "late_max_ms"),
                         "probe_ticks_over_2ms_median": median(probe, "late_over_2ms"),
                         "load_seconds_median": median(probe, "seconds"),
                         "xruns_per_swap_median": float(statistics.median(swaps)), "xruns_swaps_total": sum(swaps),
                         "swaps": len(swaps), "idle_xruns_total": sum(e["idle_xruns"] for e in engine),
                         "load_max_median": median(engine, "load_max")}
        print(f"{mode:6s} {summary[mode]}")
    res = {"pack_mib": [round(p.stat().st_size / (1 << 20), 1) for p in packs], "rounds": args.rounds,
           "summary": summary, "rows": rows, "note": f"2-core VM shared with other jobs (load "
                                                     f"{os.getloadavg()[0]:.1f}), uid {os.getuid()}"}
    suffix = run_suffix(ap, args, {"rounds": "rounds{}", "swaps": "swaps{}", "mib": "mib{:g}", "idle": "idle{:g}",
                                   "no_realtime": "no-realtime"})
    print("wrote", write_result("engine_big_pack" + suffix, res))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Loading a big (35 MiB) effect pack while the engine plays: dropouts and GIL stalls, before and after p57 F9.

p57 QA_D finding 1: each switch between two 35 MiB effect packs gave 2-4 xruns about 0.3 s before its crossfade,
while the loader read the pack and made its onnxruntime session.  The loader held the GIL for tens of ms at a time:
zipfile joining the 35 MiB model in Python (22-26 ms), ``b"location" in model`` (14 ms), onnxruntime copying the
model bytes it was given (21 ms).  Since p57 F9 big members are inflated piece by piece (export/pack.py) and a
big model reaches onnxruntime as an in-memory file (device/audio/runtime.py), each step letting the audio thread in.

Two trees, each measured in turn ``--rounds`` times, each round in a process of its own that imports the tree's
code (its engine process is spawned from it, so it runs that code too): ``before``, the commit ``--before``
(default the one before p57 F9, 91b62ba8^), extracted with ``git archive`` into a temporary folder, and ``fixed``,
this working tree.  Both load the same two packs, built once here.

1. probe: a probe thread that wants to run every 1 ms (SCHED_FIFO 70 where this user may, as the audio thread)
   beside the loader's steps on a 35 MiB pack (read_pack, build_unit, golden check): its lateness, and the steps'
   time (``load_seconds``).
2. release (p58 F1): the probe beside the loader letting go of a retired unit of a 35 MiB pack (``Swapper.collect``
   with nothing kept), the work a switch away from a big pack leaves it.
3. engine: the real engine process (device.audio.server.EngineProcess: file backend paced to the wall clock, 48 kHz,
   128-sample blocks, memory locked and SCHED_FIFO where permitted), ``--swaps`` switches between the two packs
   sent as the box sends them; the engine's xruns in ``--idle`` s before them and during each switch.

    .venv/bin/python bench/engine_big_pack.py [--before REV] [--rounds 3] [--swaps 4] [--mib 35] [--patch FILE]
``--patch FILE``: the ``fixed`` tree is a copy of this working tree (its tracked and untracked files) with FILE
applied (``git apply``), for a handover patch not applied yet (p58 F1: device/audio/swap.py letting go of units
through device/audio/unit_release.py).
Prints medians per tree and the load average; writes bench/results/engine_big_pack.json.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))
from engine_common import ROOT, WORK, tick_probe, write_result  # noqa: E402
from run_name import run_suffix  # noqa: E402

MODES = ("before", "fixed")
BEFORE = "91b62ba8^"                 # the commit before p57 F9's fix


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


def probed(work: Callable[[], Any], realtime: bool) -> dict[str, float]:
    """Run ``work`` beside the probe thread: its worst lateness and ticks over 2 ms late (ms, count)."""
    stop, lates = threading.Event(), []
    probe = threading.Thread(target=tick_probe, args=(stop, lates, realtime), daemon=True)
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


def probe_release(pack_path: Path, realtime: bool) -> dict[str, float]:
    """Part 2 (p58 F1): the loader letting go of a retired unit of ``pack_path`` (``Swapper.collect``, nothing
    kept: what a switch away from a big pack leaves it) beside the probe."""
    from device.audio.engine import Engine, EngineConfig
    from device.audio.swap import Swapper, build_unit
    from export.pack import read_pack
    engine = Engine(EngineConfig(rate=48000, block=128))
    loader = Swapper(engine, cache_units=0)
    engine.graveyard.append(build_unit(read_pack(pack_path), "effect", 48000, 1))
    return probed(loader.collect, realtime)


def engine_swaps(packs: list[Path], swaps: int, idle_s: float) -> dict[str, Any]:
    """Part 3: the engine process's xruns while idle and for each switch between ``packs``."""
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


def measure(tree: str, args: argparse.Namespace) -> dict[str, Any]:
    """One round in this process with ``tree``'s code (put first on sys.path before any of it is imported; the
    engine process is spawned with this sys.path): the probe and the engine parts."""
    sys.path.insert(0, tree)
    sys.setswitchinterval(0.0002)                                # as the engine process
    from device.audio import runtime
    from device.audio.swap import warm_runtime
    if not Path(runtime.__file__).resolve().is_relative_to(Path(tree).resolve()):
        raise SystemExit(f"the code measured is not {tree}'s: {runtime.__file__}")
    warm_runtime()
    packs = [Path(p) for p in args.packs]
    return {"probe": probe_load(packs[args.round % 2], not args.no_realtime),
            "release": probe_release(packs[args.round % 2], not args.no_realtime),
            "engine": engine_swaps(packs, args.swaps, args.idle)}


def run_round(tree: Path, packs: list[Path], r: int, args: argparse.Namespace) -> dict[str, Any]:
    """:func:`measure` of ``tree`` in a process of its own (the tree's code, not this one's)."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--measure", str(tree), "--round", str(r),
           "--swaps", str(args.swaps), "--idle", str(args.idle), "--packs", *map(str, packs)]
    cmd += ["--no-realtime"] if args.no_realtime else []
    env = {**os.environ, "PYTHONPATH": str(tree)}
    out = subprocess.run(cmd, cwd=tree, env=env, capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"measuring {tree} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def extract(rev: str, into: Path) -> str:
    """``rev``'s tree written into ``into`` (git archive); its full commit id."""
    into.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev], capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    return subprocess.run(["git", "-C", str(ROOT), "rev-parse", rev], capture_output=True, text=True,
                          check=True).stdout.strip()


def copy_with_patch(patch: Path, into: Path) -> None:
    """This working tree's files (tracked and untracked, not ignored) copied into ``into``, ``patch`` applied there."""
    into.mkdir(parents=True)
    names = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-co", "--exclude-standard", "-z"],
                           capture_output=True, check=True).stdout
    tar = subprocess.run(["tar", "-c", "-C", str(ROOT), "--null", "-T", "-", "--ignore-failed-read"], input=names,
                         capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(into)], input=tar.stdout, check=True)
    subprocess.run(["git", "apply", str(patch.resolve())], cwd=into, check=True)


def median(rows: list[dict[str, Any]], key: str) -> float:
    return float(statistics.median(r[key] for r in rows))


def summary(probe: list[dict[str, Any]], engine: list[dict[str, Any]],
            release: list[dict[str, Any]]) -> dict[str, Any]:
    """One tree's medians and totals over its rounds."""
    swaps = [x for e in engine for x in e["xruns_per_swap"]]
    return {"release_late_max_ms_median": median(release, "late_max_ms"),
            "release_seconds_median": median(release, "seconds"),
            "probe_late_max_ms_median": median(probe, "late_max_ms"),
            "probe_ticks_over_2ms_median": median(probe, "late_over_2ms"),
            "load_seconds_median": median(probe, "seconds"),
            "xruns_per_swap_median": float(statistics.median(swaps)), "xruns_swaps_total": sum(swaps),
            "swaps": len(swaps), "idle_xruns_total": sum(e["idle_xruns"] for e in engine),
            "load_max_median": median(engine, "load_max")}


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--before", default=BEFORE, help="the commit measured as 'before' (git archive)")
    ap.add_argument("--rounds", type=int, default=3, help="rounds, each measuring both trees in turn")
    ap.add_argument("--swaps", type=int, default=4, help="switches between the two big packs per engine")
    ap.add_argument("--idle", type=float, default=2.0, help="seconds of idle playing counted before the switches")
    ap.add_argument("--mib", type=float, default=35.0, help="size of each big pack (MiB)")
    ap.add_argument("--no-realtime", action="store_true", help="the probe thread at normal priority")
    ap.add_argument("--patch", help="measure as 'fixed' a copy of this tree with this patch applied (git apply)")
    ap.add_argument("--measure", help=argparse.SUPPRESS)
    ap.add_argument("--round", type=int, default=0, help=argparse.SUPPRESS)
    ap.add_argument("--packs", nargs=2, help=argparse.SUPPRESS)
    return ap


def main() -> int:
    ap = parser()
    args = ap.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args)))
        return 0
    load_start = os.getloadavg()
    packs = big_packs(args.mib)
    rows: dict[str, dict[str, list[Any]]] = {m: {"probe": [], "release": [], "engine": []} for m in MODES}
    with tempfile.TemporaryDirectory() as tmp:
        commit = extract(args.before, Path(tmp) / "before")
        trees = {"before": Path(tmp) / "before", "fixed": ROOT}
        if args.patch:
            copy_with_patch(Path(args.patch), Path(tmp) / "fixed")
            trees["fixed"] = Path(tmp) / "fixed"
        for r in range(args.rounds):
            for mode in MODES if r % 2 == 0 else MODES[::-1]:
                got = run_round(trees[mode], packs, r, args)
                rows[mode]["probe"].append(got["probe"])
                rows[mode]["release"].append(got["release"])
                rows[mode]["engine"].append(got["engine"])
                print(f"round {r + 1} {mode:6s} probe {got['probe']}  release {got['release']}  engine "
                      f"{ {k: got['engine'][k] for k in ('idle_xruns', 'xruns_per_swap', 'load_max')} }", flush=True)
    load_end = os.getloadavg()
    res = {"pack_mib": [round(p.stat().st_size / (1 << 20), 1) for p in packs], "rounds": args.rounds,
           "before_commit": commit, "fixed_patch": args.patch, "cpus": os.cpu_count(),
           "load_average_start": [round(x, 2) for x in load_start],
           "load_average_end": [round(x, 2) for x in load_end],
           "summary": {m: summary(rows[m]["probe"], rows[m]["engine"], rows[m]["release"]) for m in MODES},
           "rows": rows,
           "note": f"{os.cpu_count()} CPUs seen by this process; 1-minute load average {load_start[0]:.1f} at the "
                   f"start, {load_end[0]:.1f} at the end; uid {os.getuid()}"}
    for mode in MODES:
        print(f"{mode:6s} {res['summary'][mode]}")
    print(res["note"])
    suffix = run_suffix(ap, args, {"before": lambda v: "before-" + v.replace("^", "p").replace("~", "t"),
                                   "rounds": "rounds{}", "swaps": "swaps{}", "mib": "mib{:g}", "idle": "idle{:g}",
                                   "no_realtime": "no-realtime", "patch": lambda v: "patched"})
    print("wrote", write_result("engine_big_pack" + suffix, res))
    return 0


if __name__ == "__main__":
    sys.exit(main())

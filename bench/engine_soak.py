"""Simulated real-time running through ALSA's file plugin with hot-swaps and a busy neighbour.

The engine process (device/audio/server.py: SCHED_FIFO where granted) plays a guitar-like
input captured from a raw file through PCM 'hatbox_file' (pyalsaaudio -> ALSA file plugin ->
null), paced by the wall clock (block k waits for its due time; a block finished later than
the playback headroom counts as an xrun).  Every ``--swap-every`` seconds the effect slot
swaps to the next pack (factory/stand-in GRU <-> a small stateful filter pack), while another
process keeps a core busy (numpy + JSON, standing in for the API/UI) and this process polls
the engine's status 10 times a second (as the panel does).

Checks on the rendered file (out.raw): the largest sample-to-sample step inside each swap's
crossfade window against the signal's own largest step around it (a discontinuity is a ratio
> 1.1), and runs of >= 64 exact zeros while the input plays (dropouts).

    .venv/bin/python bench/engine_soak.py [--seconds 600] [--swap-every 10] [--work DIR]

``--work`` puts the raw input/output files elsewhere (default runs/engine_bench/NAME); on this VM a
directory on tmpfs (/dev/shm) keeps the kernel's write-back of the 115 MB output file (every 30 s) out
of the run - on the box the output goes to the DAC, not to a disk.  The busy neighbour is started 2 s
before the engine, so it is already running when the clock starts.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from engine_common import RATE, WORK, effect_pack, guitarish, write_result  # noqa: E402


def busy(stop: mp.Event) -> None:
    """Stand-in for the API/UI process: keeps one core busy until told to stop."""
    rng = np.random.default_rng(0)
    a = rng.standard_normal((160, 160))
    while not stop.is_set():
        a = np.tanh(a @ a.T / 160.0)
        json.dumps({"status": a[:20, :20].tolist()})


@contextmanager
def busy_cores(n: int) -> Iterator[None]:
    """``n`` processes keeping a core busy each (:func:`busy`) while the ``with`` block runs."""
    ctx = mp.get_context("spawn")
    stop = ctx.Event()
    hogs = [ctx.Process(target=busy, args=(stop,), daemon=True) for _ in range(n)]
    for hog in hogs:
        hog.start()
    try:
        yield
    finally:
        stop.set()
        for hog in hogs:
            hog.join(5)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=600.0)
    ap.add_argument("--swap-every", type=float, default=10.0)
    ap.add_argument("--name", default="engine_soak")
    ap.add_argument("--work", type=Path, help="folder for in.raw/out.raw (default runs/engine_bench/NAME)")
    args = ap.parse_args()
    result = soak(args.seconds, args.swap_every, args.work or WORK / args.name)
    print(json.dumps({k: v for k, v in result.items() if k not in ("swaps",)}, indent=1, default=str))
    print("wrote", write_result(args.name, result))
    return 0 if result["pass"] else 1


def soak(seconds: float, swap_every: float, work: Path) -> dict:
    from device.audio.alsa_io import AudioConfig, write_file_pcm
    from device.audio.engine import EngineConfig
    from device.audio.server import EngineProcess, ServerConfig
    from tests.engine.packs import effect_pack as test_pack
    work.mkdir(parents=True, exist_ok=True)
    src, dst = work / "in.raw", work / "out.raw"
    guitarish(seconds + 2.0).tofile(src)
    conf = write_file_pcm(work / "asoundrc", dst, src)
    big, label = effect_pack()
    packs = [str(big), str(test_pack(work / "smooth.hatpack", "smooth", 0.35, name="smooth"))]
    audio = AudioConfig(device="hatbox_file", rate=RATE, period=128, periods=3)
    cfg = ServerConfig(engine=EngineConfig(rate=RATE, block=128), audio=audio, pace=True, alsa_conf=str(conf),
                       seconds=seconds, packs={"effect": packs[0]}, status_json=str(work / "status.json"))
    stop = mp.get_context("spawn").Event()
    hog = mp.get_context("spawn").Process(target=busy, args=(stop,), daemon=True)
    hog.start()
    time.sleep(2.0)                       # the neighbour is already busy when the engine starts
    engine = EngineProcess(cfg).start()
    loads = drive(engine, packs, seconds, swap_every)
    engine.wait(seconds + 30)
    stop.set()
    hog.join(10)
    status = json.loads((work / "status.json").read_text())
    return analyse(status, src, dst, audio, cfg, loads, label, seconds, swap_every)


def drive(engine, packs: list[str], seconds: float, swap_every: float) -> list[dict]:
    """Swap packs on schedule and poll status at 10 Hz until the engine's time is up."""
    t0, k, done = time.monotonic(), 1, []
    while engine.alive() and time.monotonic() - t0 < seconds - 1.0:
        if time.monotonic() - t0 >= k * swap_every:
            t = time.monotonic()
            engine.send({"op": "load", "slot": "effect", "path": packs[k % len(packs)]})
            done.append({"t": t - t0, "took_s": time.monotonic() - t})
            k += 1
        try:
            engine.status()
        except Exception:  # noqa: BLE001 - the engine may finish between checks
            break
        time.sleep(0.1)
    return done


def analyse(status: dict, src: Path, dst: Path, audio, cfg, loads: list[dict], label: str,
            seconds: float, swap_every: float) -> dict:
    from tests.engine.helpers import swap_steps, zero_runs
    out, inp = np.fromfile(dst, np.float32), np.fromfile(src, np.float32)
    lag = (audio.periods - 1) * audio.period
    n = min(out.shape[0] - lag, inp.shape[0])
    fade = int(cfg.engine.xfade_s * RATE)
    swaps = [b * audio.period + lag for b in status["swap_blocks"][1:]]     # [0] is the start-up load
    rows = swap_steps(out, swaps, fade, audio.period)
    run = status.get("run", {})
    disc = sum(r["ratio"] > 1.1 for r in rows)
    dropouts = zero_runs(out[lag:lag + n], inp[:n])
    res = {"pack_label": label, "work_dir": str(dst.parent), "seconds": seconds, "swap_every_s": swap_every, "swaps_requested": len(loads),
           "swaps_done": len(rows), "xruns": status["xruns"], "xrun_blocks": status.get("xrun_blocks"),
           "deadline_misses": run.get("deadline_misses"), "worst_late_ms": run.get("worst_late_ms"),
           "io_max_ms": run.get("io_max_ms"), "io_slow_blocks": run.get("io_slow_blocks"),
           "misses_with_slow_io": run.get("misses_with_slow_io"), "miss_detail": run.get("miss_detail", []),
           "blocks": status["blocks"], "scheduler": status.get("scheduler"), "warnings": status.get("warnings"),
           "load_mean": status["load_mean"], "load_p999": status["load_p999"], "load_max": status["load_max"],
           "discontinuities": disc, "worst_swap_ratio": max((r["ratio"] for r in rows), default=0.0),
           "dropouts": dropouts, "faults": status["fault_count"], "out_samples": int(out.shape[0]),
           "swap_load_s_max": max((x["took_s"] for x in loads), default=0.0), "swaps": rows,
           "busy_neighbour": "1 process: numpy matmul + JSON flat out; status polled at 10 Hz"}
    res["pass"] = res["xruns"] == 0 and disc == 0 and dropouts == 0 and res["swaps_done"] >= len(loads) > 0
    return res


if __name__ == "__main__":
    sys.exit(main())

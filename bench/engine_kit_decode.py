"""Does the engine miss its deadlines while kits are being made?  The whole engine process, paced, side by side.

The engine process (device/audio/server.py, as ``hatbox device run`` starts it; SCHED_FIFO where granted, memory locked
on fault) plays a guitar-like input through ALSA's file plugin (PCM 'hatbox_file' -> null), paced by the wall clock,
with a busy neighbour process (as bench/engine_soak.py) and status polled at 10 Hz.  Arms, alternated, each run in a
fresh engine process:

- ``idle``: nothing else (the floor: what this VM misses with no kit work at all);
- ``api-decodes`` (the box as it is): every ``--every`` s a kit is made of a new library: 12 notes mapped, one message
  each through ``EngineProcess.send`` (as device/kit.py sends them), to 20 s stereo 44.1 kHz loops, four of them
  struck, then all 12 unmapped (their audio leaves the sampler: the next kit decodes again).  Each file is decoded
  (mixed, resampled, loop cycle made) in this process and handed to the engine in shared memory;
- ``engine-decodes`` (the peer: the box before the thirty-fifth stop): the same kits, each file decoded by the
  sampler inside the engine process (``ServerConfig.decode_in_engine``).

Prints each arm's deadline misses (blocks finished after their due time), the worst lateness, the worst block's
compute, and where the other threads were at each miss (device/audio/alsa_io.py ``miss_detail``), medians over the
rounds; writes bench/results/engine_kit_decode.json.

    .venv/bin/python bench/engine_kit_decode.py [--seconds 30] [--rounds 2] [--every 3] [--work /dev/shm/kitbench]
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from engine_common import RATE, WORK, guitarish, write_result  # noqa: E402
from engine_mlock_decode import make_files  # noqa: E402
from engine_soak import busy  # noqa: E402

NOTES = list(range(40, 52))


def run_arm(arm: str, files: list[str], seconds: float, every: float, work: Path) -> dict:
    """One fresh engine process for ``seconds``; an arm other than "idle" makes a kit every ``every`` s."""
    from device.audio.alsa_io import AudioConfig, write_file_pcm
    from device.audio.engine import EngineConfig
    from device.audio.server import EngineProcess, ServerConfig
    src, dst = work / "in.raw", work / f"out-{arm}.raw"
    guitarish(seconds + 2.0).tofile(src)
    conf = write_file_pcm(work / "asoundrc", dst, src)
    audio = AudioConfig(device="hatbox_file", rate=RATE, period=128, periods=3)
    cfg = ServerConfig(engine=EngineConfig(rate=RATE, block=128), audio=audio, pace=True, alsa_conf=str(conf),
                       seconds=seconds, status_json=str(work / f"status-{arm}.json"),
                       decode_in_engine=arm == "engine-decodes")
    stop = mp.get_context("spawn").Event()
    hog = mp.get_context("spawn").Process(target=busy, args=(stop,), daemon=True)
    hog.start()
    time.sleep(2.0)
    engine = EngineProcess(cfg).start()
    kits, took = drive(engine, arm, files, seconds, every)
    engine.wait(seconds + 30)
    stop.set()
    hog.join(10)
    dst.unlink(missing_ok=True)
    status = json.loads((work / f"status-{arm}.json").read_text())
    run = status.get("run", {})
    details = run.get("miss_detail", [])
    where = Counter(frame for d in details for frames in d.get("other_threads", {}).values() for frame in frames[-1:])
    return {"arm": arm, "kits": kits, "kit_send_s_median": float(np.median(took)) if took else 0.0,
            "blocks": status["blocks"], "xruns": status["xruns"], "deadline_misses": run.get("deadline_misses"),
            "worst_late_ms": run.get("worst_late_ms"), "load_max": status["load_max"],
            "load_p999": status["load_p999"], "faults": status["fault_count"],
            "worst_compute_ms": max((d["compute_ms"] for d in details), default=0.0),
            "worst_woke_late_ms": max((d["woke_late_ms"] for d in details), default=0.0),
            "others_at_misses": dict(where.most_common(6)), "scheduler": status.get("scheduler")}


def drive(engine, arm: str, files: list[str], seconds: float, every: float) -> tuple[int, list[float]]:
    """Poll status at 10 Hz until the time is up; in an arm other than "idle", make a kit every ``every`` s.
    Returns the kits made and how long each took to send (each map returns once the engine holds its audio)."""
    t0, next_kit, kits, took = time.monotonic(), every, 0, []
    while engine.alive() and time.monotonic() - t0 < seconds - 2.0:
        if arm != "idle" and time.monotonic() - t0 >= next_kit:
            t = time.monotonic()
            for note, path in zip(NOTES, files):
                engine.send({"op": "sample", "path": path, "velocity": 0, "note": note, "loop": True})
            for note in NOTES[:4]:
                engine.send({"op": "note_on", "note": note, "velocity": 90})
            for note in NOTES:
                engine.send({"op": "sample", "path": "", "velocity": 0, "note": note})
            took.append(time.monotonic() - t)
            kits += 1
            next_kit = time.monotonic() - t0 + every
        try:
            engine.status()
        except Exception:  # noqa: BLE001 - the engine may finish between checks
            break
        time.sleep(0.1)
    return kits, took


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--every", type=float, default=3.0)
    ap.add_argument("--arms", default="idle,engine-decodes,api-decodes")
    ap.add_argument("--work", type=Path, default=WORK / "kit_decode")
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    files = make_files(args.work)
    arms = args.arms.split(",")
    runs: dict[str, list[dict]] = {a: [] for a in arms}
    for r in range(args.rounds):
        for arm in arms:
            got = run_arm(arm, files, args.seconds, args.every, args.work)
            runs[arm].append(got)
            print(f"round {r + 1} {arm:14s}: {got['kits']} kits, {got['deadline_misses']} misses in {got['blocks']} "
                  f"blocks, worst {got['worst_late_ms']:.1f} ms late, load max {got['load_max']:.2f}, "
                  f"others at misses {got['others_at_misses']}", flush=True)
    summary = {}
    for arm, rs in runs.items():
        keys = ("deadline_misses", "worst_late_ms", "load_max", "worst_compute_ms", "kit_send_s_median")
        summary[arm] = {k: float(np.median([x[k] for x in rs])) for k in keys}
        s = summary[arm]
        print(f"{arm:14s} median of {len(rs)}: {s['deadline_misses']:.0f} misses, worst {s['worst_late_ms']:.1f} ms "
              f"late, worst miss's compute {s['worst_compute_ms']:.1f} ms, load max {s['load_max']:.2f}, "
              f"kit sent in {s['kit_send_s_median']:.2f} s")
    for f in files:
        Path(f).unlink(missing_ok=True)
    print("wrote", write_result("engine_kit_decode", {"seconds": args.seconds, "every_s": args.every,
                                                      "summary": summary, "runs": runs}))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Where in time do synth notes come out?  The box's engine process playing the factory synth, paced by the wall
clock, two arms side by side.

Notes (middle C, velocity 110) are sent to the engine process (device/audio/server.py as ``hatbox device run``
starts it, the factory synth as its start-up pack; file backend at 48 kHz, 128-sample blocks, paced) at uneven gaps
(150-350 ms, a busy-wait in this process), each stamped ``at`` as the box's MIDI reader stamps a message, and each
silenced 90 ms later by a ``panic`` so the next one rises from silence.  In the engine's output each note's rise (the
first sample at a tenth of its own peak, and at half of it, where the attack's shape shows) is found, and the gaps
between consecutive rises are compared with the gaps between the times the notes were sent.  Arms, alternated, each
a fresh engine process:

- ``timed`` (the box now): the synth places each note one frame (5 ms) after its sample of the block it came in;
- ``untimed`` (the peer: the box before the thirty-eighth stop, ``ServerConfig(timed_notes=False)``): each note at
  the next frame boundary after it came (0-5 ms later, as the frames fall).

Prints per arm the gap error (median, p95 and worst |error|, ms) per round and over all rounds; writes
bench/results/synth_timing.json (``_busyN`` with ``--busy N``: N processes keep a core each busy meanwhile).  The
constant part of the delay (a frame, and the attack to a tenth) does not show in gaps; ``docs/synth.md`` says it.

    .venv/bin/python bench/synth_timing.py [--rounds 3] [--notes 30] [--busy 1]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from engine_common import RATE, ROOT, paced_engine, recorded, wait_until, write_result  # noqa: E402
from engine_soak import busy_cores  # noqa: E402

BLOCK = 128
NOTE = 60
HOLD_S = 0.09                        # a note sounds this long before the panic that silences it
ARMS = ("timed", "untimed")
SYNTH = ROOT / "factory" / "synth-gm4.hatpack"


def schedule(notes: int, seed: int) -> list[float]:
    """When each note is sent (s from the first): uneven gaps of 150-350 ms."""
    gaps = np.random.default_rng(seed).uniform(0.15, 0.35, notes - 1)
    return [0.0, *np.cumsum(gaps).tolist()]


def play(arm: str, times: list[float], work: Path) -> tuple[np.ndarray, list[float]]:
    """One engine process; returns its output [n] and the times (s, from the first) the notes were sent."""
    out = work / f"out-{arm}.wav"
    sent: list[float] = []
    with paced_engine(out, times[-1] + 2.0, BLOCK, packs={"synth": str(SYNTH)}, timed_notes=arm == "timed") as engine:
        time.sleep(0.5)                                  # past the engine's fade-in at start
        start = time.monotonic() + 0.1
        plan = sorted([(t, "on") for t in times] + [(t + HOLD_S, "panic") for t in times])
        for t, what in plan:
            wait_until(start + t)
            now = time.monotonic()
            if what == "on":
                engine.send({"op": "note_on", "note": NOTE, "velocity": 110, "at": now})
                sent.append(now - start)
            else:
                engine.send({"op": "panic"})
    return recorded(out), sent


def rises(x: np.ndarray, part: float = 0.1, quiet: float = 1e-4, gap_s: float = 0.04) -> list[int]:
    """Each note's rise in ``x``: notes are the stretches between silences of ``gap_s`` or more (|x| < ``quiet``);
    the rise is a stretch's first sample at ``part`` of its peak."""
    loud = np.flatnonzero(np.abs(x) >= quiet)
    if not len(loud):
        return []
    breaks = np.flatnonzero(np.diff(loud) > gap_s * RATE)
    starts, ends = np.r_[loud[0], loud[breaks + 1]], np.r_[loud[breaks], loud[-1]]
    out = []
    for a, b in zip(starts, ends):
        seg = np.abs(x[a:b + 1])
        out.append(int(a + np.flatnonzero(seg >= part * seg.max())[0]))
    return out


def judge(audio: np.ndarray, sent: list[float]) -> dict:
    """Gap errors (ms) between consecutive notes' rises (to a tenth of their peak; ``half_``: to half of it, where
    the attack's shape shows) and their sent times."""
    got = np.asarray(rises(audio), float) / RATE
    half = np.asarray(rises(audio, 0.5), float) / RATE
    if len(got) != len(sent) or len(half) != len(sent):
        return {"notes": len(sent), "found": int(len(got)), "gap_err_ms": []}
    err = 1000 * np.abs(np.diff(got) - np.diff(sent))
    half_err = 1000 * np.abs(np.diff(half) - np.diff(sent))
    return {"notes": len(sent), "found": int(len(got)), "gap_err_ms": err.tolist(), "half_gap_err_ms":
            half_err.tolist(), "gap_err_ms_median": float(np.median(err)), "gap_err_ms_p95":
            float(np.percentile(err, 95)), "gap_err_ms_max": float(err.max()),
            "half_gap_err_ms_median": float(np.median(half_err)), "half_gap_err_ms_max": float(half_err.max())}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--notes", type=int, default=30)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--busy", type=int, default=0, help="processes keeping a core busy meanwhile")
    args = ap.parse_args()
    times = schedule(args.notes, args.seed)
    runs: dict[str, list[dict]] = {a: [] for a in ARMS}
    with busy_cores(args.busy), tempfile.TemporaryDirectory(prefix="synth-timing-") as tmp:
        for r in range(args.rounds):
            for arm in ARMS:
                audio, sent = play(arm, times, Path(tmp))
                got = judge(audio, sent)
                runs[arm].append(got)
                if not got["gap_err_ms"]:
                    print(f"round {r + 1} {arm:8s}: found {got['found']} notes of {got['notes']}: not judged",
                          flush=True)
                    continue
                print(f"round {r + 1} {arm:8s}: gap error median {got['gap_err_ms_median']:.2f} ms, p95 "
                      f"{got['gap_err_ms_p95']:.2f}, worst {got['gap_err_ms_max']:.2f} ms (at half the peak: "
                      f"{got['half_gap_err_ms_median']:.2f} / {got['half_gap_err_ms_max']:.2f} ms)", flush=True)
    summary = {}
    for arm, rs in runs.items():
        err = np.concatenate([r["gap_err_ms"] for r in rs]) if any(r["gap_err_ms"] for r in rs) else np.zeros(0)
        summary[arm] = {"gaps": int(len(err)), "rounds_judged": int(sum(bool(r["gap_err_ms"]) for r in rs))}
        if len(err):
            half = np.concatenate([r["half_gap_err_ms"] for r in rs if r["gap_err_ms"]])
            summary[arm].update(gap_err_ms_median=float(np.median(err)), gap_err_ms_p95=float(np.percentile(err, 95)),
                                gap_err_ms_max=float(err.max()), half_gap_err_ms_median=float(np.median(half)),
                                half_gap_err_ms_max=float(half.max()))
            s = summary[arm]
            print(f"{arm:8s} over {s['rounds_judged']} rounds ({s['gaps']} gaps): gap error median "
                  f"{s['gap_err_ms_median']:.2f} ms, p95 {s['gap_err_ms_p95']:.2f}, worst {s['gap_err_ms_max']:.2f} "
                  f"ms; at half the peak median {s['half_gap_err_ms_median']:.2f}, worst "
                  f"{s['half_gap_err_ms_max']:.2f} ms")
    name = "synth_timing" + (f"_busy{args.busy}" if args.busy else "")
    print("wrote", write_result(name, {"rounds": args.rounds, "block": BLOCK, "rate": RATE, "busy": args.busy,
                                       "notes": args.notes, "summary": summary, "runs": runs}))
    return 0


if __name__ == "__main__":
    sys.exit(main())

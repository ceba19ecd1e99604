"""Where in time do drum hits come out?  The box's engine process, paced by the wall clock, three arms side by side.

A drummer's flams (two hits 1.5 ms apart), a 32nd-note roll at 180 bpm (41.7 ms gaps) and hits at uneven gaps (5-60
ms) are sent to the engine process (device/audio/server.py, as ``hatbox device run`` starts it; file backend at 48
kHz, 128-sample blocks, paced) as note_on messages at their times (a busy-wait in this process), each playing a click
(a 0.3 hit decaying over 10 ms).  The onsets are found in the engine's output file and compared with the times the
hits were sent.  Arms, alternated, each a fresh engine process:

- ``stamped`` (the box now, MIDI): each note carries ``at``, the clock just before it is sent, as the box's MIDI
  reader stamps a message as it comes (device/midi_ports.translator); the sampler plays it a slack (1 ms) after
  that, or as it came when its way took longer;
- ``arrival`` (the box now, the panel's pads and the API): no ``at``; the sampler stamps the note as it reaches the
  engine process;
- ``block`` (the peer: the box before the thirty-seventh stop, ``ServerConfig(timed_notes=False)``): every note at
  the start of the next block.

Each hit's error is measured against the time it was actually sent (the sender's own lateness is not the box's).
Prints per arm: how many flams were heard as two hits and their spacing error, and the error of every gap between
consecutive hits of the roll and the uneven run (median, p95 and worst |error|, ms), per round and over all rounds
(the fewest flams heard, the worst gap of any round); writes bench/results/sampler_timing.json.

With ``--busy N``, N processes keep a core each busy meanwhile (bench/engine_soak.py's stand-in for the API and
the panel): what held a message up on its way to the engine then shows.

    .venv/bin/python bench/sampler_timing.py [--rounds 3] [--flams 8] [--busy 1]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from engine_common import RATE, paced_engine, recorded, wait_until, write_result  # noqa: E402
from engine_soak import busy_cores  # noqa: E402

BLOCK = 128
NOTE = 38
FLAM_S = 0.0015
ROLL_S = 60.0 / 180.0 / 8.0          # 32nd notes at 180 bpm: 41.7 ms
PAUSE_S = 0.4                        # between the patterns (and between flams)
ARMS = ("stamped", "arrival", "block")


def click(seconds: float = 0.05, level: float = 0.3) -> np.ndarray:
    """A hit with a hard start, decaying over 10 ms [n] float32."""
    n = int(seconds * RATE)
    return (level * np.exp(-np.arange(n) / (0.01 * RATE))).astype(np.float32)


def schedule(flams: int, rolls: int, seed: int) -> list[tuple[str, float]]:
    """(pattern, time in s from the first hit) for every hit: flams, then a roll, then uneven gaps."""
    hits, t = [], 0.0
    for _ in range(flams):
        hits += [("flam", t), ("flam", t + FLAM_S)]
        t += PAUSE_S
    hits += [("roll", t + k * ROLL_S) for k in range(rolls)]
    t += rolls * ROLL_S + PAUSE_S
    gaps = np.random.default_rng(seed).uniform(0.005, 0.060, rolls - 1)
    hits += [("uneven", t + g) for g in np.concatenate([[0.0], np.cumsum(gaps)])]
    return hits


def onsets(x: np.ndarray) -> np.ndarray:
    """Sample indices where a click starts in ``x`` (a rise of more than 0.2 from one sample to the next)."""
    return np.flatnonzero(np.diff(np.concatenate([[0.0], x])) > 0.2)


def play(arm: str, hits: list[tuple[str, float]], work: Path) -> tuple[np.ndarray, list[float]]:
    """One engine process; returns its output [n] and the times (s, from the first) the hits were stamped."""
    import soundfile as sf
    wav, out = work / "click.wav", work / f"out-{arm}.wav"
    sf.write(wav, click(), RATE, subtype="FLOAT")
    sent = []
    with paced_engine(out, hits[-1][1] + 1.5, BLOCK, timed_notes=arm != "block") as engine:
        engine.send({"op": "sample", "path": str(wav), "velocity": 0, "note": NOTE})
        time.sleep(0.4)
        start = time.monotonic() + 0.1
        for _, t in hits:
            wait_until(start + t)
            msg = {"op": "note_on", "note": NOTE, "velocity": 127}
            now = time.monotonic()
            if arm == "stamped":
                msg["at"] = now                  # as the box's MIDI reader stamps a message: when it has it
            engine.send(msg)
            sent.append(now - start)
    return recorded(out), sent


def judge(audio: np.ndarray, hits: list[tuple[str, float]], sent: list[float]) -> dict:
    """Match the output's onsets to the hits (their patterns from ``hits``, their times as ``sent``): flams heard as
    two and their spacing error; the error of each gap between consecutive hits of the roll and the uneven run
    (ms)."""
    hits = [(p, s) for (p, _), s in zip(hits, sent)]
    found = onsets(audio) / RATE
    first = found[0]                             # the first flam's first hit (every arm hears it)
    near = lambda t, w: found[(found >= first + t - w) & (found <= first + t + w)]   # noqa: E731
    split, flam_err = 0, []
    for k in range(0, len(hits), 2):
        if hits[k][0] != "flam":
            break
        got = near(hits[k][1], 0.01)
        if len(got) == 2:
            split += 1
            flam_err.append(1000 * abs((got[1] - got[0]) - (hits[k + 1][1] - hits[k][1])))
    gap_err = []
    for pattern in ("roll", "uneven"):
        times = [t for p, t in hits if p == pattern]
        got = near((times[0] + times[-1]) / 2, (times[-1] - times[0]) / 2 + 0.02)
        if len(got) != len(times):
            gap_err.append(float("nan"))
            continue
        gap_err += list(1000 * np.abs(np.diff(got) - np.diff(times)))
    gap = np.asarray(gap_err)
    return {"flams": sum(p == "flam" for p, _ in hits) // 2, "flams_heard_as_two": split,
            "flam_spacing_err_ms_median": float(np.median(flam_err)) if flam_err else None,
            "gaps": len(gap), "gap_err_ms_median": float(np.nanmedian(gap)), "gap_err_ms_p95": float(np.nanpercentile(
                gap, 95)), "gap_err_ms_max": float(np.nanmax(gap)), "gaps_unmatched": int(np.isnan(gap).sum())}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--flams", type=int, default=8)
    ap.add_argument("--hits", type=int, default=24, help="hits in the roll, and in the uneven run")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--busy", type=int, default=0, help="processes keeping a core busy meanwhile")
    args = ap.parse_args()
    hits = schedule(args.flams, args.hits, args.seed)
    runs: dict[str, list[dict]] = {a: [] for a in ARMS}
    with busy_cores(args.busy), tempfile.TemporaryDirectory(prefix="sampler-timing-") as tmp:
        for r in range(args.rounds):
            for arm in ARMS:
                audio, sent = play(arm, hits, Path(tmp))
                got = judge(audio, hits, sent)
                got["send_late_ms_max"] = 1000 * max(s - t for s, (_, t) in zip(sent, hits))   # the sender's own
                runs[arm].append(got)
                print(f"round {r + 1} {arm:8s}: flams heard as two {got['flams_heard_as_two']} of {got['flams']}, "
                      f"gap error median {got['gap_err_ms_median']:.2f} ms, worst {got['gap_err_ms_max']:.2f} ms "
                      f"({got['gaps_unmatched']} patterns unmatched; sent up to {got['send_late_ms_max']:.2f} ms "
                      "late)", flush=True)
    summary = {}
    for arm, rs in runs.items():
        keys = ("flams_heard_as_two", "gap_err_ms_median", "gap_err_ms_p95", "gap_err_ms_max")
        summary[arm] = {k: float(np.median([x[k] for x in rs])) for k in keys}
        summary[arm]["flams_heard_as_two_fewest"] = int(min(x["flams_heard_as_two"] for x in rs))
        summary[arm]["gap_err_ms_worst_of_all"] = float(max(x["gap_err_ms_max"] for x in rs))
        flam = [x["flam_spacing_err_ms_median"] for x in rs if x["flam_spacing_err_ms_median"] is not None]
        summary[arm]["flam_spacing_err_ms_median"] = float(np.median(flam)) if flam else None
        s = summary[arm]
        print(f"{arm:8s} over {len(rs)} rounds: flams heard as two {s['flams_heard_as_two']:.0f} of {args.flams} "
              f"(median; fewest {s['flams_heard_as_two_fewest']})"
              + (f", spacing off by {s['flam_spacing_err_ms_median']:.2f} ms" if flam else "")
              + f"; gap error median {s['gap_err_ms_median']:.2f} ms, p95 {s['gap_err_ms_p95']:.2f}, worst "
              f"{s['gap_err_ms_worst_of_all']:.2f} ms")
    name = "sampler_timing" + (f"_busy{args.busy}" if args.busy else "")
    print("wrote", write_result(name, {"rounds": args.rounds, "block": BLOCK, "rate": RATE, "busy": args.busy,
                                       "summary": summary, "runs": runs}))
    return 0


if __name__ == "__main__":
    sys.exit(main())

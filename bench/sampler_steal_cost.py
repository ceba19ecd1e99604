"""What the sampler's voice stealing costs render() (forty-eighth stop: the quietest voice goes, weighed at the steal).

Times ``SamplerSource.render`` of 128-sample blocks at 48 kHz in three cases, for this tree and, with ``--against
DIR``, for another checkout's ``device/`` (e.g. ``git archive HEAD~1 device hatbox export | tar -x -C DIR``), each in
its own child process, the two alternating round by round so that load on the machine falls on both alike:

- ``steady``: 32 one-shots sounding, no note (the common block: stealing costs nothing here by design);
- ``blast``: a crash, then a tom struck 64 times a second (one note; every voice busy: a steal a hit) - all blocks,
  and the blocks a hit came in;
- ``chord``: 32 voices of 32 notes sounding, then 8 new notes in one block (8 steals by level in one render);
- ``notes``: 32 voices of many notes sounding, a new note every block (a steal by level every block).

Prints the median and p99 microseconds a block per case and tree, and the ratio; writes
bench/results/sampler_steal_cost.json.

    .venv/bin/python bench/sampler_steal_cost.py [--against /tmp/base] [--rounds 5]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

RATE, BLOCK = 48000, 128
HERE = Path(__file__).resolve()


def _noise(seconds: float, decay_s: float, seed: int) -> np.ndarray:
    n = int(seconds * RATE)
    x = np.random.default_rng(seed).uniform(-0.3, 0.3, n) * np.exp(-np.arange(n) / (decay_s * RATE))
    return x.astype(np.float32)


def _timed(src, out: np.ndarray, before=None) -> float:
    if before is not None:
        before()
    t = time.perf_counter()
    src.render(out)
    return (time.perf_counter() - t) * 1e6


def steady(cls) -> list[float]:
    src, out = cls(RATE), np.zeros(BLOCK, np.float32)
    for v in range(32):
        src._start(_noise(10.0, 5.0, v), 100, False, 60 + v)
    return [_timed(src, out) for _ in range(1500)]


def blast(cls) -> tuple[list[float], list[float]]:
    src, out = cls(RATE), np.zeros(BLOCK, np.float32)
    crash, tom = _noise(4.0, 1.5, 1), _noise(2.0, 0.6, 2)
    src._start(crash, 120, False, 49)
    every, hit_blocks, times = RATE // 64, [], []
    for b in range(1500):
        hit = (b + 1) * BLOCK // every != b * BLOCK // every       # a hit falls in this block
        took = _timed(src, out, (lambda: src._start(tom, 100, False, 48)) if hit else None)
        (hit_blocks if hit else times).append(took)
    return times + hit_blocks, hit_blocks


def chord(cls) -> list[float]:
    src, out = cls(RATE), np.zeros(BLOCK, np.float32)
    data = [_noise(3.0, 1.0, k) for k in range(40)]
    times = []
    for r in range(60):
        src.reset()
        for v in range(32):
            src._start(data[v], 100, False, 60 + v)
        src.render(out)
        times.append(_timed(src, out, lambda: [src._start(data[32 + k], 90, False, 100 + k) for k in range(8)]))
    return times


def notes(cls) -> list[float]:
    src, out = cls(RATE), np.zeros(BLOCK, np.float32)
    data = [_noise(3.0, 0.5 + 0.05 * k, k) for k in range(64)]
    for v in range(32):
        src._start(data[v], 100, False, 60 + v)
    times = [_timed(src, out) for _ in range(4)]
    for b in range(1000):             # a new note every block: every one a steal by level
        k = b % 64
        times.append(_timed(src, out, lambda: src._start(data[k], 60 + k % 60, False, 30 + k)))
    return times[4:]


def child(tree: str) -> dict:
    """One round in this process, with ``device`` imported from ``tree``: the cases' block times (us)."""
    sys.path.insert(0, tree)
    from device.audio.sampler import SamplerSource
    assert Path(sys.modules["device.audio.sampler"].__file__).resolve().is_relative_to(Path(tree).resolve())
    every, hits = blast(SamplerSource)
    return {"steady": steady(SamplerSource), "blast": every, "blast_hit_blocks": hits, "chord": chord(SamplerSource),
            "notes": notes(SamplerSource)}


def run_child(tree: Path) -> dict:
    got = subprocess.run([sys.executable, str(HERE), "--child", str(tree)], capture_output=True, text=True,
                         check=True, cwd=str(tree))
    return json.loads(got.stdout)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--against", type=Path, help="a checkout whose device/ is the 'before'")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(args.child)))
        return 0
    trees = {"this": HERE.parent.parent}
    if args.against:
        trees["before"] = args.against.resolve()
    times: dict[str, dict[str, list[float]]] = {name: {} for name in trees}
    for r in range(args.rounds):
        for name, tree in trees.items():
            for case, values in run_child(tree).items():
                times[name].setdefault(case, []).extend(values)
        print(f"round {r + 1} of {args.rounds} done", flush=True)
    summary = {name: {case: {"median_us": float(np.median(v)), "p99_us": float(np.percentile(v, 99)), "n": len(v)}
                      for case, v in cases.items()} for name, cases in times.items()}
    for case in summary["this"]:
        line = f"{case:17s} this: median {summary['this'][case]['median_us']:7.1f} us, p99 " \
               f"{summary['this'][case]['p99_us']:7.1f} us"
        if "before" in summary:
            b = summary["before"][case]
            line += (f" | before: median {b['median_us']:7.1f} us, p99 {b['p99_us']:7.1f} us | ratio "
                     f"{summary['this'][case]['median_us'] / b['median_us']:.3f}")
        print(line)
    out = HERE.parent / "results" / "sampler_steal_cost.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"rate": RATE, "block": BLOCK, "rounds": args.rounds, "summary": summary}, indent=1))
    print("wrote", out)
    return 0


if __name__ == "__main__":
    sys.exit(main())

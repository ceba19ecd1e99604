"""What the sampler's latch and choke-group reads cost render() (fifty-first stop: the per-note latch and choke group,
plain lists the audio thread reads as a voice starts; docs/sampler.md).

Times ``SamplerSource.render`` of one 128-sample block at 48 kHz right after 24 note-ons were queued (24 kit notes
mapped: 8 latched loops, 8 notes of named choke groups, 8 plain one-shots; every voice starts in that block, each
start reading its note's latch and group), then lets the voices go (a panic, untimed), ``--reps`` times a round.  For
this tree and, with ``--rev REV`` (default b67c4c75, the tree before the latch), a copy of that commit's ``device/``,
``hatbox/`` and ``export/`` (``git archive``, into a temporary folder), each in a child process of its own, the two
alternating round by round so that the load on the machine falls on both alike.  An older sampler ignores the
mapping's ``latch`` and ``choke``: the same messages reach both.

Prints the minimum and median microseconds of the block per tree and their ratios; writes
bench/results/sampler_latch_render.json.

    .venv/bin/python bench/sampler_latch_render.py [--rev b67c4c75 | --against DIR | --alone] [--rounds 4] [--reps 200]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

RATE, BLOCK, NOTES = 48000, 128, 24
CASES = ("plain", "options")     # the notes mapped without latch/choke, and with (an older sampler ignores them)
HERE = Path(__file__).resolve()
ROOT = HERE.parent.parent
PEER_REV = "b67c4c75"


def _mappings(folder: Path, options: bool) -> list[dict]:
    """The 24 kit notes' mapping messages (files written into ``folder``): with ``options`` 8 latched loops, 8 notes
    in choke groups 2..5, 8 one-shots; without, 8 loops and 16 one-shots, none in a choke group (the same work for
    either sampler: what reading the options costs)."""
    from device.audio import audiofile
    t = np.arange(RATE // 2) / RATE
    messages = []
    for k in range(NOTES):
        path = folder / f"n{k}.wav"
        audiofile.write(path, (0.2 * np.sin(2 * np.pi * (110 + 20 * k) * t))[None, :].astype(np.float32), RATE)
        given = {"loop": True, "latch": True} if k < 8 else {"choke": 2 + k % 4} if k < 16 else {}
        if not options:
            given = {"loop": True} if k < 8 else {}
        messages.append({"op": "sample", "path": str(path), "velocity": 0, "note": 48 + k, **given})
    return messages


def child(tree: str, reps: int) -> dict[str, list[float]]:
    """One round in this process, with ``device`` imported from ``tree``: the block times (us) of each case."""
    sys.path.insert(0, tree)
    from device.audio.sampler import SamplerSource
    assert Path(sys.modules["device.audio.sampler"].__file__).resolve().is_relative_to(Path(tree).resolve())
    return {case: blocks(SamplerSource, reps, case == "options") for case in CASES}


def blocks(cls: type, reps: int, options: bool) -> list[float]:
    """``reps`` times: 24 note-ons queued, one block rendered (timed), the voices let go (a panic, untimed)."""
    src, out, times = cls(RATE), np.zeros(BLOCK, np.float32), []
    with tempfile.TemporaryDirectory() as folder:
        for message in _mappings(Path(folder), options):
            src.handle(message)
        for _ in range(reps):
            for k in range(NOTES):
                src.handle({"op": "note_on", "note": 48 + k, "velocity": 100})
            t = time.perf_counter()
            src.render(out)
            times.append((time.perf_counter() - t) * 1e6)
            src.handle({"op": "panic"})
            for _ in range(3):                    # the quick fades run out: every slot free again
                src.render(out)
    return times


def run_child(tree: Path, reps: int) -> dict[str, list[float]]:
    got = subprocess.run([sys.executable, str(HERE), "--child", str(tree), "--reps", str(reps)], capture_output=True,
                         text=True, check=True, cwd=str(tree))
    return json.loads(got.stdout)


def peer_tree(rev: str, into: Path) -> Path:
    """Commit ``rev``'s device/, hatbox/ and export/ in ``into`` (git archive: the working tree is not touched)."""
    archive = subprocess.run(["git", "archive", rev, "device", "hatbox", "export"], cwd=ROOT, capture_output=True,
                             check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def summary(times: list[float]) -> dict:
    return {"min_us": float(np.min(times)), "median_us": float(np.median(times)), "n": len(times)}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rev", default=PEER_REV, help="the commit whose sampler is the 'before' (default %(default)s)")
    ap.add_argument("--against", type=Path, help="a checkout whose device/ is the 'before' (instead of --rev)")
    ap.add_argument("--alone", action="store_true", help="this tree only")
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--reps", type=int, default=200)
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.reps)))
        return 0
    with tempfile.TemporaryDirectory() as scratch:
        trees = {"this": ROOT}
        if not args.alone:
            trees["before"] = args.against.resolve() if args.against else peer_tree(args.rev, Path(scratch))
        times = {name: {case: [] for case in CASES} for name in trees}
        rounds = {name: {case: [] for case in CASES} for name in trees}
        for r in range(args.rounds):
            for name, tree in trees.items():
                for case, got in run_child(tree, args.reps).items():
                    times[name][case] += got
                    rounds[name][case].append(summary(got))
            print(f"round {r + 1} of {args.rounds} done", flush=True)
    result = {name: {case: {**summary(v), "rounds": rounds[name][case]} for case, v in cases.items()}
              for name, cases in times.items()}
    ratio: dict[str, dict[str, float]] = {}
    for case in CASES:
        for name in result:
            s = result[name][case]
            print(f"{case:8s} {name:6s}: min {s['min_us']:6.1f} us, median {s['median_us']:7.1f} us a block "
                  f"({s['n']} blocks)")
        if "before" in result:
            ratio[case] = {k: result["this"][case][k] / result["before"][case][k] for k in ("min_us", "median_us")}
            print(f"{case:8s} this / before: min {ratio[case]['min_us']:.3f}, median {ratio[case]['median_us']:.3f}")
    out = HERE.parent / "results" / "sampler_latch_render.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"rate": RATE, "block": BLOCK, "notes": NOTES, "rounds": args.rounds, "reps": args.reps,
                               "before_rev": None if args.alone or args.against else args.rev,
                               "summary": result, "ratio_this_to_before": ratio}, indent=1) + "\n")
    print("wrote", out)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""`hatbox tag` throughput on one core and its memory on a 10,000-file library.

Run: .venv/bin/python bench/tagger_throughput.py [--files 10000] [--pack factory/tagger-drums.hatpack]
[--peer OTHER.hatpack]
(needs data/tagger-drums/all.csv, built by `.venv/bin/python -m trainer.tagger.hydrogen`).
Another commit's code beside this one: `.venv/bin/python bench/tagger_throughput.py --files 1500 --against OLD_TREE
[--rounds 5] [--against-pack P]` (OLD_TREE: `git archive COMMIT | tar -x -C OLD_TREE`) tags the one library with this
tree's code and OLD_TREE's alternately (ABBA..., a fresh database each time, both as `python -m hatbox` from their
tree) and says the medians of wall and CPU seconds and their ratios; only the ratio of interleaved runs means
anything on a loaded machine, and the child's CPU seconds move least with the load.

Builds a library in a temporary folder by copying the Hydrogen kit samples (WAV/FLAC, 22-48 kHz,
mono/stereo) and writing every 8th file as an augmented variant (gain, speed; 44.1 kHz stereo WAV),
then runs `hatbox tag` pinned to one core (taskset, 1 onnxruntime thread) as a child process on a
small library and on the full one, recording wall time, files/s and the child's peak RSS, and a
second, resumed run that finds nothing changed, and a third after every file's mtime moved (its bytes hashed,
not decoded again), and a fourth after every folder was renamed (rows moved with their bytes).  Writes
bench/results/tagger_throughput.json.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile as sf

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from run_name import run_suffix, stem  # noqa: E402
from trainer.tagger.augment import gain, speed  # noqa: E402
from trainer.tagger.data import load_items  # noqa: E402

HATBOX = Path(sys.executable).with_name("hatbox")         # the `hatbox` script beside the Python running this
if not HATBOX.is_file():
    HATBOX = Path(".venv/bin/hatbox")


def build_library(root: Path, count: int, seed: int = 0) -> int:
    """``count`` files under ``root/<group>/``; returns the total size in bytes."""
    items = load_items("data/tagger-drums/all.csv")
    rng = np.random.default_rng(seed)
    total = 0
    for i in range(count):
        src = items[i % len(items)].path
        folder = root / f"g{i // 500:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        if i % 8 == 7:
            audio, rate = sf.read(src, dtype="float32", always_2d=True)
            x = speed(gain(audio.mean(axis=1), rng.uniform(-6, 0)), float(rng.uniform(0.9, 1.1)))
            dst = folder / f"{i:05d}_aug.wav"
            sf.write(dst, np.stack([x, x], 1), 44100)
        else:
            dst = folder / f"{i:05d}_{src.name}"
            shutil.copyfile(src, dst)
        total += dst.stat().st_size
    return total


def children_cpu() -> float:
    """CPU seconds (user + system) of every child process ended so far."""
    use = resource.getrusage(resource.RUSAGE_CHILDREN)
    return use.ru_utime + use.ru_stime


def hatbox_cmd(code: Path | None) -> tuple[list[str], dict[str, str]]:
    """The command that runs `hatbox` (this venv's script, or ``python -m hatbox`` from the tree ``code``) and its
    environment: one onnxruntime thread, CPU only."""
    env = dict(os.environ, OMP_NUM_THREADS="1", HATBOX_CPU_ONLY="1")
    if code is None:
        return [str(HATBOX)], env
    env["PYTHONPATH"] = str(code.resolve())
    return [sys.executable, "-m", "hatbox"], env


def tag_run(lib: Path, pack: Path, db: Path, code: Path | None = None) -> dict:
    """Run `hatbox tag` (of the tree ``code``, None: this venv's) on core 0 with one thread; wall seconds, the
    child's CPU seconds and peak RSS (MiB) of the children so far."""
    head, env = hatbox_cmd(code)
    cmd = ["taskset", "-c", "0", *head, "tag", str(lib.resolve()), "--pack", str(pack.resolve()),
           "--out", str(db.resolve()), "--threads", "1"]
    t0, cpu0 = time.monotonic(), children_cpu()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=lib.parent)
    wall, cpu = time.monotonic() - t0, children_cpu() - cpu0
    if proc.returncode != 0:
        raise SystemExit(f"hatbox tag failed:\n{proc.stderr[-2000:]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"seconds": round(wall, 1), "cpu_seconds": round(cpu, 2), "summary": proc.stdout.strip().splitlines()[-1],
            "peak_rss_mib_so_far": round(peak)}


def against(lib: Path, tmp: Path, arms: dict[str, tuple[Path, Path]], rounds: int) -> dict:
    """Tag ``lib`` ``rounds`` times with each arm (name -> (code tree, pack)), alternating ABBA..., a fresh
    database each run; each arm's wall and CPU seconds, their medians and ratios to the first arm's."""
    names, runs = list(arms), {name: [] for name in arms}
    for r in range(rounds):
        for name in (names if r % 2 == 0 else names[::-1]):
            db = tmp / f"{name}-{r}.db"
            runs[name].append(tag_run(lib, arms[name][1], db, code=arms[name][0]) | {"load": os.getloadavg()[0]})
            db.unlink()
            print(f"round {r} {name}: {runs[name][-1]['seconds']} s, {runs[name][-1]['cpu_seconds']} CPU s", flush=True)
    return {name: arm_figures(runs[name], runs[names[0]]) for name in names}


def arm_figures(runs: list[dict], base: list[dict]) -> dict:
    """Medians of one arm's wall and CPU seconds and their ratios to the first arm's (``base``), with its runs."""
    out: dict = {"runs": runs}
    for key in ("seconds", "cpu_seconds"):
        mine, theirs = [r[key] for r in runs], [r[key] for r in base]
        out[f"median_{key}"] = round(float(np.median(mine)), 2)
        out[f"ratio_{key}"] = round(float(np.median(mine) / np.median(theirs)), 3)
        out[f"paired_ratio_{key}"] = round(float(np.median(np.divide(mine, theirs))), 3)
    return out


def against_main(a: argparse.Namespace) -> dict:
    """--against: one library, this tree's code and ``a.against``'s alternately (see the module docstring)."""
    here = Path(__file__).resolve().parents[1]
    other_pack = Path(a.against_pack or a.pack)
    arms = {"this": (here, Path(a.pack)), "against": (Path(a.against), other_pack)}
    out: dict = {"load_before": "load average %.1f %.1f %.1f on %d cores" % (*os.getloadavg(), os.cpu_count()),
                 "against": a.against, "pack": a.pack, "against_pack": str(other_pack), "files": a.files}
    with tempfile.TemporaryDirectory(prefix="hatbox-lib-") as tmp:
        lib = Path(tmp) / "lib"
        build_library(lib, a.files, seed=1)
        out["arms"] = against(lib, Path(tmp), arms, a.rounds)
    out["load_after"] = "load average %.1f %.1f %.1f" % os.getloadavg()
    mine = out["arms"]["this"]
    print(f"\nthis tree {mine['median_seconds']} s ({mine['median_cpu_seconds']} CPU s) against "
          f"{out['arms']['against']['median_seconds']} s ({out['arms']['against']['median_cpu_seconds']} CPU s) of "
          f"{a.against}: this / against {1 / out['arms']['against']['ratio_seconds']:.3f} wall, "
          f"{1 / out['arms']['against']['ratio_cpu_seconds']:.3f} CPU, medians of {a.rounds} interleaved runs on "
          f"{a.files} files ({out['load_before']}, {out['load_after']})")
    return out


def touch_all(root: Path) -> None:
    """Move every file's mtime under ``root`` one second on, its bytes untouched."""
    for path in root.rglob("*"):
        if path.is_file():
            st = path.stat()
            os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--files", type=int, default=10000)
    p.add_argument("--small", type=int, default=1000)
    p.add_argument("--pack", default="factory/tagger-drums.hatpack")
    p.add_argument("--peer", default=None, metavar="PACK",
                   help="also tag the big library with this pack (e.g. an older factory pack), in the same run")
    p.add_argument("--against", default=None, metavar="TREE",
                   help="another commit's source tree (git archive): tag one library of --files with its code and "
                        "this tree's alternately, nothing else")
    p.add_argument("--rounds", type=int, default=5, help="runs of each code with --against (default 5)")
    p.add_argument("--against-pack", default=None, metavar="PACK", help="the pack --against's code tags with "
                   "(default: --pack, the same file for both)")
    a = p.parse_args()
    if a.against:
        write_result(p, a, against_main(a))
        return
    out = {"load_before": "load average %.1f %.1f %.1f on %d cores" % (*os.getloadavg(), os.cpu_count())}
    with tempfile.TemporaryDirectory(prefix="hatbox-lib-") as tmp:
        small, big = Path(tmp) / "small", Path(tmp) / "big"
        t0 = time.monotonic()
        out["small_bytes"] = build_library(small, a.small)
        out["big_bytes"] = build_library(big, a.files, seed=1)
        out["build_seconds"] = round(time.monotonic() - t0, 1)
        out["small"] = tag_run(small, Path(a.pack), Path(tmp) / "small.db")
        out["big"] = tag_run(big, Path(a.pack), Path(tmp) / "big.db")
        out["big_resume"] = tag_run(big, Path(a.pack), Path(tmp) / "big.db")
        touch_all(big)               # a library copied without its times (or synced): every mtime new, no byte
        out["big_touched"] = tag_run(big, Path(a.pack), Path(tmp) / "big.db")
        for folder in sorted(big.iterdir()):     # every folder renamed (a library reorganised): rows move
            folder.rename(folder.with_name("renamed-" + folder.name))
        out["big_renamed"] = tag_run(big, Path(a.pack), Path(tmp) / "big.db")
        out["db_mib"] = round((Path(tmp) / "big.db").stat().st_size / 2**20, 1)
        if a.peer:
            out["peer"] = tag_run(big, Path(a.peer), Path(tmp) / "peer.db")
            out["peer"]["pack"] = a.peer
            out["peer"]["files_per_s"] = round(a.files / out["peer"]["seconds"], 1)
    out["files"], out["small_files"] = a.files, a.small
    out["small"]["files_per_s"] = round(a.small / out["small"]["seconds"], 1)
    out["big"]["files_per_s"] = round(a.files / out["big"]["seconds"], 1)
    out["load_after"] = "load average %.1f %.1f %.1f" % os.getloadavg()
    print(json.dumps(out, indent=2))
    print(f"\n`hatbox tag` on one core: {out['big']['files_per_s']} files/s on {a.files} files "
          f"({out['small']['files_per_s']} on {a.small}); peak RSS {out['small']['peak_rss_mib_so_far']} MiB "
          f"after {a.small} files, {out['big']['peak_rss_mib_so_far']} MiB after {a.files}; resumed run "
          f"{out['big_resume']['seconds']} s; every file touched (mtime only) {out['big_touched']['seconds']} s, "
          f"{out['big_touched']['seconds'] / out['big']['seconds']:.2f}x of tagging it; every folder renamed "
          f"{out['big_renamed']['seconds']} s ({out['big_renamed']['seconds'] / out['big']['seconds']:.2f}x) "
          f"({out['load_before']})")
    if a.peer:
        print(f"peer {a.peer}: {out['peer']['files_per_s']} files/s on the same {a.files} files "
              f"(ratio {out['big']['files_per_s'] / out['peer']['files_per_s']:.2f})")
    write_result(p, a, out)


def write_result(p: argparse.ArgumentParser, a: argparse.Namespace, out: dict) -> None:
    """bench/results/tagger_throughput[_SUFFIX].json, the suffix naming each option changed from its default."""
    named = {"files": "files{}", "small": "small{}", "pack": stem, "peer": lambda peer: f"peer-{stem(peer)}",
             "against": lambda tree: f"against-{Path(tree).name}", "against_pack": lambda pk: f"its-{stem(pk)}",
             "rounds": "rounds{}"}
    path = Path("bench/results") / f"tagger_throughput{run_suffix(p, a, named)}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, indent=2))
    print("wrote", path)


if __name__ == "__main__":
    main()

"""`hatbox tag` throughput on one core and its memory on a 10,000-file library.

Run: .venv/bin/python bench/tagger_throughput.py [--files 10000] [--pack factory/tagger-drums.hatpack] [--peer OTHER.hatpack]
(needs data/tagger-drums/all.csv, built by `.venv/bin/python -m trainer.tagger.hydrogen`).

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


def tag_run(lib: Path, pack: Path, db: Path) -> dict:
    """Run `hatbox tag` on core 0 with one thread; wall seconds and peak RSS (MiB) of the child."""
    env = dict(os.environ, OMP_NUM_THREADS="1", HATBOX_CPU_ONLY="1")
    cmd = ["taskset", "-c", "0", str(HATBOX), "tag", str(lib), "--pack", str(pack), "--out", str(db), "--threads", "1"]
    t0 = time.monotonic()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    wall = time.monotonic() - t0
    if proc.returncode != 0:
        raise SystemExit(f"hatbox tag failed:\n{proc.stderr[-2000:]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"seconds": round(wall, 1), "summary": proc.stdout.strip().splitlines()[-1], "peak_rss_mib_so_far": round(peak)}


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
    a = p.parse_args()
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
    named = {"files": "files{}", "small": "small{}", "pack": stem, "peer": lambda peer: f"peer-{stem(peer)}"}
    path = Path("bench/results") / f"tagger_throughput{run_suffix(p, a, named)}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, indent=2))
    print("wrote", path)


if __name__ == "__main__":
    main()

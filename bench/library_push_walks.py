"""p50 L2: wall seconds of `hatbox push-library FOLDER` for a folder of N small WAVs (default 3000, 0.05 s mono
16-bit at 48 kHz in 30 folders), against a box API served on a loopback port (no tagger: the library stays
untagged), as a script runs it (the command in a subprocess, ``--quiet``).  Two pushes, each ``--runs`` times:
``again`` (packed and sent each time: ``--again``, the box keeps another copy) and ``unchanged`` (the folder the box
holds, unchanged: walked, looked up, nothing packed).  Run from this tree, also the laptop's reads of the folder
alone, in this process: the census, walk, packing and check over full scale each walking on its own (today's code,
``old_reads``: not the code before) vs hatbox.push_walk's one walk feeding them (``one_walk``).  Only ``--repo DIR``
is a real before/after: it runs the laptop's side from another source tree (e.g. the code before a change,
unpacked with ``git archive``); the box is this tree's either way.  Prints medians
and writes bench/results/library_push_walks[-LABEL].json.

    .venv/bin/python bench/library_push_walks.py [--files 3000] [--runs 3] [--repo DIR --label before]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile as sf

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CLI = "import sys; from hatbox.cli import main; sys.exit(main(sys.argv[1:]))"   # run in --repo (sys.path[0] is ".")


def _folder(where: Path, n: int) -> Path:
    """``n`` WAVs of 2400 frames of noise, 100 a folder, dated 10 s back (a folder push-library remembers)."""
    folder = where / "kit3000"
    rng = np.random.default_rng(0)
    for i in range(n):
        sub = folder / f"part{i // 100:02d}"
        sub.mkdir(parents=True, exist_ok=True)
        path = sub / f"s{i:04d}.wav"
        sf.write(path, (0.3 * rng.standard_normal(2400)).astype(np.float32), 48000, subtype="PCM_16")
        back = path.stat().st_mtime_ns - 10**10
        os.utime(path, ns=(back, back))
    return folder


def _push(folder: Path, env: dict[str, str], *extra: str) -> tuple[float, str]:
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", CLI, "push-library", str(folder), "--quiet", *extra], env=env,
                          capture_output=True, text=True, check=True, cwd=env["PYTHONPATH"])
    return time.perf_counter() - t0, done.stdout + done.stderr


def _runs(folder: Path, env: dict[str, str], runs: int) -> dict[str, list[float]]:
    """``runs`` pushes with --again, then ``runs`` of the folder unchanged (seconds each)."""
    again, unchanged = [], []
    for _ in range(runs):
        s, out = _push(folder, env, "--again")
        assert "files accepted" in out, out
        again.append(s)
    for _ in range(runs):
        s, out = _push(folder, env)
        assert "nothing was sent again" in out, out
        unchanged.append(s)
    return {"again": again, "unchanged": unchanged}


def _separate_walks(folder: Path, out: Path) -> None:
    """Each reader walking on its own, today's code (not the code before the fiftieth stop: --repo runs that): the
    census, a walk for the fingerprint (Path.rglob, as hatbox.library_memory.walk walked), the packing
    (device.library.folder_tar) and the check over full scale, each walking the folder itself."""
    from device.audio.audiofile import hidden_name
    from device.library.folder_tar import census, pack_directory
    from hatbox.hot_samples import over_full_scale
    census(folder)
    [p.stat() for p in sorted(folder.rglob("*"))
     if not p.is_symlink() and not any(hidden_name(x) for x in p.relative_to(folder).parts) and p.is_file()]
    pack_directory(folder, out)
    over_full_scale(folder)


def _new_reads(folder: Path, out: Path) -> None:
    """The same from the one walk (device.library.folder_tar.walk_folder, handed to each: ``walk=``)."""
    from device.library.folder_tar import census, pack_directory, walk_folder
    from hatbox.hot_samples import hot_in_walk
    walk = walk_folder(folder)
    census(folder, walk=walk)
    walk.files()
    pack_directory(folder, out, walk=walk)
    hot_in_walk(walk)


def _steps(folder: Path, runs: int) -> dict[str, float]:
    """Median seconds of the laptop's reads of ``folder`` each way, in this process (this tree's code both ways:
    ``old_reads`` is each reader walking on its own, ``one_walk`` the one walk handed to each), alternated."""
    times: dict[str, list[float]] = {"old_reads": [], "one_walk": []}
    for _ in range(runs):
        for key, reads in (("old_reads", _separate_walks), ("one_walk", _new_reads)):
            t0 = time.perf_counter()
            reads(folder, folder.parent / "steps.tar")
            times[key].append(time.perf_counter() - t0)
    return {f"{k}_median_s": round(statistics.median(v), 3) for k, v in times.items()}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=3000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--repo", type=Path, default=ROOT, help="the source tree the laptop's command runs from")
    ap.add_argument("--label", default="", help="suffix of the result file (e.g. before)")
    args = ap.parse_args()
    from device.api.app import ApiConfig, create_app
    from device.api.server import start_in_thread
    from device.api.sim import RecordingControl
    from tests.api.conftest import FAST_ENGINE
    with tempfile.TemporaryDirectory() as tmp:
        where = Path(tmp)
        env = {**os.environ, "HATBOX_CONFIG": str(where / "cfg" / "remote.json"), "HATBOX_PROGRESS": "off",
               "PYTHONPATH": str(args.repo.resolve())}
        env.pop("HATBOX_URL", None), env.pop("HATBOX_TOKEN", None)
        codes: list[str] = []
        running = start_in_thread(create_app(where / "box", RecordingControl(),
                                             ApiConfig(engine=FAST_ENGINE, on_code=codes.append)))
        try:
            subprocess.run([sys.executable, "-c", CLI, "pair", running.url, "--code", codes[-1], "--name", "bench"],
                           env=env, check=True, capture_output=True, cwd=env["PYTHONPATH"])
            folder = _folder(where, args.files)
            first, _ = _push(folder, env)
            times = _runs(folder, env, args.runs)
        finally:
            running.stop()
        steps = _steps(folder, args.runs) if args.repo.resolve() == ROOT else {}
    result = {"files": args.files, "runs": args.runs, "repo": str(args.repo), "load_1min": os.getloadavg()[0],
              "first_push_s": round(first, 3), **steps,
              **{f"{k}_median_s": round(statistics.median(v), 3) for k, v in times.items()},
              **{f"{k}_s": [round(x, 3) for x in v] for k, v in times.items()}}
    print(json.dumps(result, indent=1))
    name = "library_push_walks" + (f"-{args.label}" if args.label else "")
    (ROOT / "bench" / "results" / f"{name}.json").write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main()

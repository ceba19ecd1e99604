"""p47: `hatbox push-library FOLDER` of a folder the box holds already, unchanged: the laptop asks the box about the
folder's remembered archive digest before packing (hatbox/library_memory.py) vs packing it again to compare the
archive's digest (what every re-push did before, and still does with no memory: ``pushed.json`` removed first).

A box API on a loopback port (no tagger: the library stays untagged), a folder of N short WAVs (default 500,
0.25 s mono 16-bit at 48 kHz), pushed once; then ``--runs`` pushes of it each way, as a script runs them (the
``hatbox`` command in a subprocess, ``--quiet``).  Prints medians and writes bench/results/api_library_repush.json.

    .venv/bin/python bench/api_library_repush.py [--files 500] [--runs 5]
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


def _folder(where: Path, n: int) -> Path:
    folder = where / "kit500"
    rng = np.random.default_rng(0)
    for i in range(n):
        sub = folder / f"part{i // 100}"
        sub.mkdir(parents=True, exist_ok=True)
        sf.write(sub / f"s{i:03d}.wav", (0.3 * rng.standard_normal(12000)).astype(np.float32), 48000,
                 subtype="PCM_16")
    return folder


def _push(folder: Path, env: dict[str, str]) -> tuple[float, str]:
    t0 = time.perf_counter()
    done = subprocess.run([str(ROOT / ".venv/bin/hatbox"), "push-library", str(folder), "--quiet"], env=env,
                          capture_output=True, text=True, check=True)
    return time.perf_counter() - t0, done.stdout + done.stderr


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=500)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    from device.api.app import ApiConfig, create_app
    from device.api.server import start_in_thread
    from device.api.sim import RecordingControl
    from tests.api.conftest import FAST_ENGINE
    with tempfile.TemporaryDirectory() as tmp:
        where = Path(tmp)
        env = {**os.environ, "HATBOX_CONFIG": str(where / "cfg" / "remote.json")}
        env.pop("HATBOX_URL", None), env.pop("HATBOX_TOKEN", None)
        codes: list[str] = []
        running = start_in_thread(create_app(where / "box", RecordingControl(),
                                             ApiConfig(engine=FAST_ENGINE, on_code=codes.append)))
        try:
            subprocess.run([str(ROOT / ".venv/bin/hatbox"), "pair", running.url, "--code", codes[-1], "--name",
                            "bench"], env=env, check=True, capture_output=True)
            folder = _folder(where, args.files)
            first, _ = _push(folder, env)
            memory = where / "cfg" / "pushed.json"
            asked, packed = [], []
            for _ in range(args.runs):
                s, out = _push(folder, env)
                assert "nothing was sent again" in out, out
                asked.append(s)
                memory.unlink()
                s, out = _push(folder, env)
                assert "nothing was sent again" in out, out
                packed.append(s)
        finally:
            running.stop()
    result = {"files": args.files, "runs": args.runs, "first_push_s": round(first, 3),
              "again_asked_first_median_s": round(statistics.median(asked), 3),
              "again_packed_median_s": round(statistics.median(packed), 3),
              "ratio": round(statistics.median(packed) / statistics.median(asked), 2)}
    print(json.dumps(result, indent=1))
    out = ROOT / "bench" / "results" / "api_library_repush.json"
    out.write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main()

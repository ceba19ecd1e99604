"""Shared pieces of the effect benchmarks: train through the real CLI, render held-out rows through the
device engine, score them, note the machine load, write the JSON.  Not a benchmark by itself."""
from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from device.audio import audiofile  # noqa: E402
from trainer.data.metrics import esr  # noqa: E402
from trainer.data.pairs import HELDOUT_NAME, PairRow, read_pairs  # noqa: E402

RATE = 48_000
DATA = ROOT / "data" / "effect"
RUNS = ROOT / "runs" / "effect_bench"
RESULTS = ROOT / "bench" / "results"
HATBOX = ROOT / ".venv" / "bin" / "hatbox"


def ensure_data(name: str) -> Path:
    """``data/effect/NAME``, built by scripts/build_effect_data.sh if missing."""
    folder = DATA / name
    if not (folder / "pairs.csv").is_file():
        subprocess.run(["bash", str(ROOT / "scripts" / "build_effect_data.sh"), name, str(DATA)], check=True)
    return folder


def train_hatbox(args: list[str], out: Path, minutes: float, threads: int = 2,
                 extra: list[str] | None = None) -> dict:
    """``hatbox train effect ARGS --out OUT --minutes M`` as a subprocess; wall seconds and log tail."""
    out.parent.mkdir(parents=True, exist_ok=True)
    argv = [str(HATBOX), "train", "effect", *args, "--out", str(out), "--minutes", f"{minutes:g}", *(extra or [])]
    start = time.monotonic()
    proc = subprocess.run(argv, capture_output=True, text=True, env=thread_env(threads), check=False)
    wall = time.monotonic() - start
    log = (proc.stdout + proc.stderr)
    (out.parent / f"{out.stem}.log").write_text(" ".join(argv) + "\n" + log)
    if proc.returncode != 0 or not out.is_file():
        raise RuntimeError(f"hatbox train failed ({proc.returncode}): {log[-3000:]}")
    return {"command": " ".join(argv[1:]), "wall_s": round(wall, 1), "log_tail": log[-600:]}


def thread_env(threads: int) -> dict[str, str]:
    """The environment for a training subprocess with ``threads`` BLAS/OpenMP threads."""
    env = dict(os.environ)
    env.update({"OMP_NUM_THREADS": str(threads), "MKL_NUM_THREADS": str(threads)})
    return env


def load_mono(path: Path) -> np.ndarray:
    """Mono float32 [N] at 48 kHz."""
    return audiofile.read(path, expect_rate=RATE, mono=True)[0][0]


def render_pack(pack: Path, x: np.ndarray, knobs: dict[str, float] | None = None, block: int = 4096) -> np.ndarray:
    """Render ``x`` [N] through ``pack`` with the device engine (device.audio.effect.render)."""
    from device.audio.effect import render
    return render(pack, x, knobs or {}, block=block, rate=RATE)


def heldout_scores(pack: Path, folder: Path, warmup_s: float = 0.1) -> list[dict]:
    """ESR of the pack on every row of ``folder/heldout.csv`` (first ``warmup_s`` skipped)."""
    return [_score_row(pack, folder, row, int(warmup_s * RATE)) for row in read_pairs(folder, HELDOUT_NAME)]


def _score_row(pack: Path, folder: Path, row: PairRow, skip: int) -> dict:
    x, y = load_mono(folder / row.input), load_mono(folder / row.output)
    pred = render_pack(pack, x, row.knobs)
    return {"knobs": row.knobs, "esr": round(esr(pred[skip:], y[skip:]), 6)}


def machine_note() -> dict:
    """Load averages and CPU facts, recorded beside every figure."""
    load = os.getloadavg()
    return {"cpus": os.cpu_count(), "loadavg_1_5_15": [round(v, 2) for v in load],
            "machine": platform.machine(), "python": platform.python_version(),
            "when": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())}


def write_result(name: str, payload: dict) -> Path:
    """Write ``bench/results/NAME.json`` and print it."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(payload, indent=2) + "\n")
    print(json.dumps(payload, indent=2))
    return path

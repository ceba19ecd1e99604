"""Shared pieces of the effect benchmarks: train through the real CLI, render held-out rows through the
device engine, score them, note the machine load, write the JSON.  Not a benchmark by itself."""
from __future__ import annotations

import argparse
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


_TRAIN_CODE = """
import json, sys
from trainer.effect.train import train_effect
kw = json.loads(sys.argv[1])
res = train_effect(kw.pop("data"), kw.pop("out"), progress=False, **kw)
print("METRICS " + json.dumps(res.metrics, default=str))
"""


def train_hatbox(out: Path, minutes: float, *, data: Path | None = None, pair: tuple[Path, Path] | None = None,
                 arch: str | None = None, threads: int = 1, seed: int = 0, **settings: object) -> dict:
    """Train a pack through ``trainer.effect.train.train_effect`` (what ``hatbox train effect`` calls) in
    a subprocess with ``threads`` torch threads; returns its metrics, wall seconds and the CLI equivalent."""
    out.parent.mkdir(parents=True, exist_ok=True)
    kw: dict = {"data": str(data) if data else None, "out": str(out), "minutes": minutes, "seed": seed,
                "threads": threads, **settings}
    set_items = kw.pop("set_items", [])
    if pair:
        kw.update(input=str(pair[0]), target=str(pair[1]))
    if arch:
        kw["arch"] = arch
    start = time.monotonic()
    proc = subprocess.run([sys.executable, "-c", _TRAIN_CODE, json.dumps(kw)], capture_output=True, text=True,
                          env=thread_env(threads), cwd=ROOT, check=False)
    wall = time.monotonic() - start
    kw["set_items"] = set_items
    (out.parent / f"{out.stem}.log").write_text(json.dumps(kw) + "\n" + proc.stdout + proc.stderr)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("METRICS ")]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"hatbox training failed ({proc.returncode}): {(proc.stdout + proc.stderr)[-3000:]}")
    return {"cli": cli_equivalent(kw), "wall_s": round(wall, 1), "metrics": json.loads(lines[-1][8:])}


def cli_equivalent(kw: dict) -> str:
    """The ``hatbox train effect`` command line that matches a train_hatbox call."""
    src = f"--input {kw['input']} --target {kw['target']}" if kw.get("input") else str(kw["data"])
    arch = f" --arch {kw['arch']}" if kw.get("arch") else ""
    sets = "".join(f" --set {item}" for item in kw.get("set_items", []))
    return f"hatbox train effect {src} --out {kw['out']} --minutes {kw['minutes']:g}{arch} --seed {kw['seed']}{sets}"


def add_set_argument(parser: argparse.ArgumentParser) -> None:
    """``--set KEY=VALUE`` (repeatable): a training setting passed on as ``hatbox train effect --set`` does."""
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="a training setting, as for hatbox train effect --set (e.g. chunk=2048)")


def set_settings(items: list[str]) -> dict:
    """``--set`` items -> keyword settings for :func:`train_hatbox` (the CLI's own parser)."""
    from hatbox.cmd_effect import parse_settings
    return {**parse_settings(items), "set_items": list(items)} if items else {}


def set_suffix(items: list[str]) -> str:
    """A file-name suffix naming the ``--set`` items ('' when none): ``chunk=2048`` -> ``_chunk2048``."""
    return "".join("_" + "".join(c for c in item if c.isalnum() or c == ".") for item in items)


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


def trained_lag(metrics: dict) -> int:
    """Samples by which the pack's output leads the gear: the trainer drops (latency - 1) samples."""
    found = list((metrics.get("latency") or {}).values())
    return max(0, int(np.median(found)) - 1) if found else 0


def esr_at_lag(pred: np.ndarray, target: np.ndarray, lag: int, skip: int = 0) -> float:
    """ESR of ``pred`` [N] against ``target`` [N] delayed by ``lag`` samples, first ``skip`` ignored."""
    n = target.shape[0] - lag
    return esr(pred[skip:n], target[lag + skip:])


def heldout_scores(pack: Path, folder: Path, lag: int = 0, warmup_s: float = 0.1) -> list[dict]:
    """ESR of the pack on every row of ``folder/heldout.csv`` (first ``warmup_s`` skipped)."""
    return [_score_row(pack, folder, row, lag, int(warmup_s * RATE)) for row in read_pairs(folder, HELDOUT_NAME)]


def _score_row(pack: Path, folder: Path, row: PairRow, lag: int, skip: int) -> dict:
    x, y = load_mono(folder / row.input), load_mono(folder / row.output)
    pred = render_pack(pack, x, row.knobs)
    best = min(range(0, 2 * lag + 9), key=lambda d: esr_at_lag(pred, y, d, skip))
    return {"knobs": row.knobs, "esr": round(esr_at_lag(pred, y, lag, skip), 6),
            "best_lag": best, "esr_at_best_lag": round(esr_at_lag(pred, y, best, skip), 6)}


def machine_note() -> dict:
    """Load averages and CPU facts, recorded beside every figure."""
    load = os.getloadavg()
    return {"cpus": os.cpu_count(), "loadavg_1_5_15": [round(v, 2) for v in load],
            "machine": platform.machine(), "python": platform.python_version(),
            "when": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())}


def write_result(name: str, payload: dict) -> Path:
    """Write ``bench/results/NAME.json``, print it and where it went."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(payload, indent=2) + "\n")
    print(json.dumps(payload, indent=2))
    print(f"wrote {path}")
    return path

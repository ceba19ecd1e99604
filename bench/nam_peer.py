"""The peer: neural-amp-modeler's ``nam-full`` trained offline on a WAV pair under a wall-clock budget.

``nam-full`` takes three JSON configs (data, model, learning) and an output folder; we build them in a
temporary folder.  Its validation needs >= 0.4 s of silent input right before the validation segment,
so the WAV pair we hand it is ``train | 0.5 s silence | validation``.  The budget is enforced with
Lightning's ``max_time`` (checked between steps), and the exported ``model.nam`` is loaded back with
``nam.models.init_from_nam`` to compute held-out output in torch ourselves.

Usable as a module (``train_nam``, ``predict_nam``) or as a script:
    .venv/bin/python bench/nam_peer.py IN.wav TARGET.wav --minutes 3 --heldout-in A.wav --heldout-target B.wav
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from device.audio import audiofile  # noqa: E402
from trainer.data.metrics import esr  # noqa: E402

RATE = 48_000
SILENCE_S = 0.5
NAM_FULL = ROOT / ".venv" / "bin" / "nam-full"

# NAM's "standard" WaveNet (2 layer arrays of 10 dilated convs, 16/8 channels): its default capture model.
STANDARD_WAVENET = {
    "net": {"name": "WaveNet", "config": {"layers_configs": [
        {"input_size": 1, "condition_size": 1, "channels": 16, "head_size": 8, "kernel_size": 3,
         "dilations": [1, 2, 4, 8, 16, 32, 64, 128, 256, 512], "activation": "Tanh", "gated": False,
         "head": {"out_channels": 8, "kernel_size": 1, "bias": False}},
        {"input_size": 16, "condition_size": 1, "channels": 8, "head_size": 1, "kernel_size": 3,
         "dilations": [1, 2, 4, 8, 16, 32, 64, 128, 256, 512], "activation": "Tanh", "gated": False,
         "head": {"out_channels": 1, "kernel_size": 1, "bias": True}}], "head_scale": 0.02}},
    "loss": {"val_loss": "esr", "mask_first": 4096, "pre_emph_weight": 1.0, "pre_emph_coef": 0.85},
    "optimizer": {"lr": 0.004},
    "lr_scheduler": {"class": "ExponentialLR", "kwargs": {"gamma": 0.993}},
}


@dataclass
class NamRun:
    """What one nam-full run produced: the exported model file, seconds spent, its log tail."""

    model_path: Path
    wall_s: float
    log_tail: str


def nam_pair(x: np.ndarray, y: np.ndarray, val_s: float) -> tuple[np.ndarray, np.ndarray, int]:
    """``x|y`` [N] -> (x', y', validation start sample): all of it to train, last ``val_s`` to validate,
    the validation copy preceded by SILENCE_S of silence (NAM's requirement)."""
    val = int(val_s * RATE)
    gap = np.zeros(int(SILENCE_S * RATE), np.float32)
    xs = np.concatenate([x, gap, x[-val:]]).astype(np.float32)
    ys = np.concatenate([y, gap, y[-val:]]).astype(np.float32)
    return xs, ys, x.shape[0] + gap.shape[0]


def configs(x_path: Path, y_path: Path, val_start: int, minutes: float, batch: int = 16) -> dict:
    """The three nam-full configs for a WAV pair whose validation segment starts at ``val_start``."""
    data = {"train": {"stop_samples": val_start - int(SILENCE_S * RATE), "ny": 8192},
            "validation": {"start_samples": val_start, "ny": None},
            "common": {"x_path": str(x_path), "y_path": str(y_path), "delay": 0}}
    learning = {"train_dataloader": {"batch_size": batch, "shuffle": True, "pin_memory": False,
                                     "drop_last": True, "num_workers": 0},
                "val_dataloader": {},
                "trainer": {"accelerator": "cpu", "devices": 1, "max_epochs": 100_000,
                            "max_time": _max_time(minutes), "enable_progress_bar": False}}
    return {"data": data, "model": STANDARD_WAVENET, "learning": learning}


def train_nam(x: np.ndarray, y: np.ndarray, minutes: float, workdir: Path, val_s: float = 6.0,
              threads: int = 1) -> NamRun:
    """Train NAM's standard WaveNet on ``x -> y`` for ``minutes`` of wall clock; the exported model."""
    workdir.mkdir(parents=True, exist_ok=True)
    xs, ys, val_start = nam_pair(x, y, val_s)
    x_path, y_path = audiofile.write(workdir / "x.wav", xs, RATE), audiofile.write(workdir / "y.wav", ys, RATE)
    paths = _write_configs(workdir, configs(x_path, y_path, val_start, minutes))
    out = workdir / "out"
    out.mkdir(exist_ok=True)
    start = time.monotonic()
    proc = subprocess.run([str(NAM_FULL), *map(str, paths), str(out), "--no-show", "--no-plots"],
                          capture_output=True, text=True, env=_thread_env(threads), check=False)
    wall = time.monotonic() - start
    found = sorted(out.rglob("model.nam"))
    if proc.returncode != 0 or not found:
        raise RuntimeError(f"nam-full failed ({proc.returncode}):\n{(proc.stdout + proc.stderr)[-3000:]}")
    return NamRun(found[-1], wall, (proc.stdout + proc.stderr)[-2000:])


def predict_nam(model_path: Path, x: np.ndarray) -> np.ndarray:
    """Run the exported .nam model on ``x`` [N] in torch (causal, zero history) -> float32 [N]."""
    import torch
    from nam.models import init_from_nam

    model = init_from_nam(json.loads(Path(model_path).read_text()))
    model.eval()
    with torch.no_grad():
        y = model(torch.from_numpy(np.asarray(x, np.float32)), pad_start=True)
    return y.numpy().reshape(-1).astype(np.float32)


def _write_configs(workdir: Path, cfg: dict) -> list[Path]:
    paths = []
    for name in ("data", "model", "learning"):
        path = workdir / f"config_{name}.json"
        path.write_text(json.dumps(cfg[name], indent=2))
        paths.append(path)
    return paths


def _max_time(minutes: float) -> str:
    total = int(round(minutes * 60))
    return f"00:{total // 3600:02d}:{total % 3600 // 60:02d}:{total % 60:02d}"


def _thread_env(threads: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"OMP_NUM_THREADS": str(threads), "MKL_NUM_THREADS": str(threads)})
    return env


def main() -> int:
    parser = argparse.ArgumentParser(description="train nam-full on a pair and report held-out ESR")
    parser.add_argument("input", type=Path)
    parser.add_argument("target", type=Path)
    parser.add_argument("--minutes", type=float, default=3.0)
    parser.add_argument("--heldout-in", type=Path, required=True)
    parser.add_argument("--heldout-target", type=Path, required=True)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    x, y = (audiofile.read(p, expect_rate=RATE, mono=True)[0][0] for p in (args.input, args.target))
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="nam_peer_"))
    run = train_nam(x, y, args.minutes, workdir)
    hx, hy = (audiofile.read(p, expect_rate=RATE, mono=True)[0][0] for p in (args.heldout_in, args.heldout_target))
    print(json.dumps({"model": str(run.model_path), "wall_s": round(run.wall_s, 1),
                      "heldout_esr": esr(predict_nam(run.model_path, hx), hy)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())

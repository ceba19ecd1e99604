"""Tiny synthetic gear recordings for the effect tests (written under a tmp folder)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf

RATE = 48_000


def plucks(seconds: float, seed: int = 0, rate: int = RATE) -> np.ndarray:
    """Guitar-ish test input: decaying harmonic plucks plus a little noise -> [N] float32."""
    rng = np.random.default_rng(seed)
    n = int(seconds * rate)
    x = 0.002 * rng.standard_normal(n)
    start = 0
    while start < n:
        f, length = rng.uniform(80, 500), int(rate * rng.uniform(0.15, 0.5))
        t = np.arange(min(length, n - start)) / rate
        env = np.exp(-t * rng.uniform(4, 12))
        x[start:start + t.size] += rng.uniform(0.1, 0.4) * env * (np.sin(2 * np.pi * f * t)
                                                                   + 0.4 * np.sin(4 * np.pi * f * t))
        start += int(rate * rng.uniform(0.08, 0.3))
    return (0.5 * x / np.max(np.abs(x))).astype(np.float32)


def drive(x: np.ndarray, drive_db: float) -> np.ndarray:
    """The 'gear': a tanh overdrive with ``drive_db`` of pre-gain, output at about -6 dBFS."""
    g = 10 ** (drive_db / 20)
    return (0.5 * np.tanh(2 * g * x) / np.tanh(2 * g * 0.5)).astype(np.float32)


def write(path: Path, audio: np.ndarray, rate: int = RATE) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(str(path), audio, rate, subtype="FLOAT")
    return path.name


def drive_folder(folder: Path, seconds: float = 1.5, settings: tuple[float, ...] = (0.0, 12.0),
                 delay: int = 0) -> Path:
    """A pairs.csv folder: one input, one output per drive setting, optionally delayed."""
    x = plucks(seconds)
    write(folder / "in.wav", x)
    rows = ["input,output,drive[dB]"]
    for d in settings:
        y = np.concatenate([np.zeros(delay, np.float32), drive(x, d)])[: x.size]
        rows.append(f"in.wav,{write(folder / f'out_{d:g}.wav', y)},{d:g}")
    (folder / "pairs.csv").write_text("\n".join(rows) + "\n")
    return folder

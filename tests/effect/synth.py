"""Tiny synthetic gear recordings for the effect tests (written under a tmp folder)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf

from trainer.effect.synthdata import plucks  # noqa: F401 - re-exported for the tests

RATE = 48_000


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

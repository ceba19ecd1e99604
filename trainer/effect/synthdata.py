"""Synthetic gear recordings: a guitar-like test signal and a knob-bearing pedalboard drive pedal.

Used by the factory pack script (scripts/factory_effect.sh) and handy for quick experiments.
Audio is mono float32 [N] at ``RATE``.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from device.audio.guitar_like import plucks  # noqa: F401  (moved there: the box's capture signal uses it)

RATE = 48_000
DRIVES_DB = (0.0, 12.0, 24.0)
TONES_HZ = (1500.0, 3500.0, 8000.0)


def drive_pedal(audio: np.ndarray, drive_db: float, tone_hz: float, rate: int = RATE) -> np.ndarray:
    """pedalboard: HPF 80 Hz -> Distortion(drive) -> LPF(tone) -> level trim -> [N] float32."""
    import pedalboard as pb
    board = pb.Pedalboard([pb.HighpassFilter(80.0), pb.Distortion(drive_db=float(drive_db)),
                           pb.LowpassFilter(float(tone_hz)), pb.Gain(gain_db=-6.0)])
    return board(np.asarray(audio, np.float32)[None], rate, reset=True)[0].astype(np.float32)


def write_drive_set(folder: str | Path, audio: np.ndarray, rate: int = RATE) -> Path:
    """Record ``audio`` through the drive pedal on a DRIVES x TONES grid into folder/pairs.csv."""
    import soundfile as sf
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    sf.write(str(folder / "in.wav"), audio, rate, subtype="FLOAT")
    rows = ["input,output,drive[dB],tone[Hz]"]
    for d in DRIVES_DB:
        for t in TONES_HZ:
            name = f"out_d{d:g}_t{t:g}.wav"
            sf.write(str(folder / name), drive_pedal(audio, d, t, rate), rate, subtype="FLOAT")
            rows.append(f"in.wav,{name},{d:g},{t:g}")
    (folder / "pairs.csv").write_text("\n".join(rows) + "\n")
    return folder

"""Gear rendered through Spotify's pedalboard: a drive chain and a knob-bearing compressor.

All functions take and return mono float32 [N] at 48 kHz; each call starts from a reset state.
"""
from __future__ import annotations

import numpy as np
import pedalboard as pb

RATE = 48_000
COMPRESSOR_ATTACK_MS = 3.0
COMPRESSOR_RELEASE_MS = 120.0


def drive_chain() -> pb.Pedalboard:
    """HPF 90 Hz -> Distortion 18 dB -> LPF 4.5 kHz -> Compressor (-20 dB, 4:1) -> +6 dB makeup."""
    return pb.Pedalboard([
        pb.HighpassFilter(cutoff_frequency_hz=90.0),
        pb.Distortion(drive_db=18.0),
        pb.LowpassFilter(cutoff_frequency_hz=4500.0),
        pb.Compressor(threshold_db=-20.0, ratio=4.0, attack_ms=5.0, release_ms=80.0),
        pb.Gain(gain_db=-6.0),
    ])


def compressor(threshold_db: float, ratio: float) -> pb.Pedalboard:
    """pedalboard's Compressor with fixed attack/release; threshold (dBFS) and ratio are the knobs."""
    return pb.Pedalboard([pb.Compressor(threshold_db=float(threshold_db), ratio=float(ratio),
                                        attack_ms=COMPRESSOR_ATTACK_MS,
                                        release_ms=COMPRESSOR_RELEASE_MS)])


def process(board: pb.Pedalboard, audio: np.ndarray) -> np.ndarray:
    """Run ``audio`` [N] through ``board`` from a fresh state -> float32 [N]."""
    out = board(np.asarray(audio, dtype=np.float32)[None, :], RATE, reset=True)
    return np.ascontiguousarray(out[0], dtype=np.float32)

"""Fixtures for the synth tests: a small untrained synth pack (random weights, real export path)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from export.pack import Pack, read_pack
from trainer.synth.model import NeuralSynth, SynthConfig
from trainer.synth.onnx_export import export_synth

NAMES = ["reed", "brass", "string", "pipe"]


def small_model(seed: int = 0) -> NeuralSynth:
    torch.manual_seed(seed)
    return NeuralSynth(SynthConfig(hidden=32, n_instruments=4)).eval()


@pytest.fixture(scope="session")
def synth_pack(tmp_path_factory: pytest.TempPathFactory) -> Pack:
    m = small_model()
    path = tmp_path_factory.mktemp("pack") / "small.hatpack"
    emb = m.embed.weight.detach().numpy()
    export_synth(m.net, emb, NAMES, path, name="small",
                 extras={"velocity_map": {"db_at_127": -20.0, "db_per_velocity": 0.2}})
    return read_pack(path)


def harmonic_tone(pitch: float, rate: int, seconds: float, n_harm: int = 6, amp: float = 0.3) -> np.ndarray:
    """A steady harmonic tone [N] float32 with 1/k harmonic amplitudes."""
    t = np.arange(int(seconds * rate)) / rate
    f0 = 440.0 * 2 ** ((pitch - 69) / 12)
    x = sum(np.sin(2 * np.pi * k * f0 * t) / k for k in range(1, n_harm + 1) if k * f0 < rate / 2)
    return (amp * x / 2).astype(np.float32)


def write_notes(root: Path, rate: int = 24000) -> Path:
    """A user-style folder: two instruments, named and unnamed notes."""
    from device.audio import audiofile
    for inst, nh in (("soft", 2), ("bright", 8)):
        for p in (55, 57, 60, 62, 64, 67):
            audiofile.write(root / inst / f"{inst}_{p:03d}_100.wav", harmonic_tone(p, rate, 0.6, nh), rate)
    audiofile.write(root / "soft" / "mystery.wav", harmonic_tone(59, rate, 0.6, 2), rate)
    return root

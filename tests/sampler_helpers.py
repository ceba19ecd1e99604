"""What the sampler tests of the fifty-first stop share: a sine file to map and the peak the sampler renders."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from device.audio import audiofile
from device.audio.sampler import SamplerSource

RATE, BLOCK = 48000, 256        # Hz; samples per render call


def tone_file(path: Path, seconds: float = 0.5) -> Path:
    """A 220 Hz sine at 0.3 of full scale, ``seconds`` long, mono float32 at :data:`RATE`, written to ``path``."""
    t = np.arange(int(RATE * seconds)) / RATE
    audiofile.write(path, (0.3 * np.sin(2 * np.pi * 220 * t))[None, :].astype(np.float32), RATE)
    return path


def level(s: SamplerSource, blocks: int = 8) -> float:
    """The peak of ``blocks`` blocks of :data:`BLOCK` samples that ``s`` renders next."""
    out, peak = np.zeros(BLOCK, np.float32), 0.0
    for _ in range(blocks):
        s.render(out)
        peak = max(peak, float(np.abs(out).max()))
    return peak

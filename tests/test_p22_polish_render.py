"""p22 polish (a producer's QA pass): `hatbox render` says where its peak was measured in a musician's words (before
the box's output limiter), not the engine's ("before the output stage"), with the same meaning: the model's own peak,
before the box's DC blocker and -1 dBFS limiter."""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import soundfile as sf

from device.audio.effect import render_file

FACTORY_EFFECT = Path(__file__).resolve().parents[1] / "factory" / "effect-drive.hatpack"


def test_render_says_the_peak_is_before_the_box_s_output_limiter(tmp_path: Path) -> None:
    rate = 48000
    t = np.arange(rate // 2, dtype=np.float32) / rate
    src, dst = tmp_path / "hot.wav", tmp_path / "out.wav"
    sf.write(src, (4.0 * np.sin(2 * np.pi * 220 * t)).astype(np.float32), rate, subtype="FLOAT")   # +12 dBFS
    lines = render_file(FACTORY_EFFECT, src, dst, {"drive": 24.0})
    found = re.fullmatch(r"peak (-?\d+\.\d) dBFS before the box's output limiter; the limiter took up to "
                         r"(\d+\.\d) dB off the peaks \(-1 dBFS ceiling\)", lines[1])
    assert found, lines[1]
    y, _ = sf.read(dst, dtype="float32")
    said_peak, out_peak = float(found.group(1)), 20 * np.log10(np.max(np.abs(y)))
    assert said_peak > -1.0 >= out_peak - 1e-3            # the peak said is the one the limiter then brought down
    assert "output stage" not in " ".join(lines)

"""p42 cloud QA: the effect trainer's start line and pack now say what it trained on (the synth's did since this stop's
device work), and --device mps is no longer refused by the effect's own config while accel takes it."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf

from trainer.effect.config import make_config


def test_the_start_line_and_the_pack_name_the_device(tmp_path: Path, capsys) -> None:
    from export.pack import read_pack
    from hatbox.cli import main
    rng = np.random.default_rng(0)
    x = (0.3 * rng.standard_normal(48000 * 3)).astype(np.float32)
    sf.write(tmp_path / "di.wav", x, 48000, subtype="FLOAT")
    sf.write(tmp_path / "amp.wav", np.tanh(3 * x).astype(np.float32), 48000, subtype="FLOAT")
    out = tmp_path / "a.hatpack"
    assert main(["train", "effect", "--input", str(tmp_path / "di.wav"), "--target", str(tmp_path / "amp.wav"),
                 "--out", str(out), "--max-steps", "2", "--threads", "1", "--device", "cpu"]) == 0
    said = capsys.readouterr().out
    assert ", on cpu" in said, said
    assert read_pack(out).manifest.metrics["device"] == "cpu"


def test_mps_passes_the_effects_own_config_check() -> None:
    assert make_config(device="mps").device == "mps"

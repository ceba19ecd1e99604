"""Fortieth stop (effect QA): the denoiser's report gave only its ESR against the gear, not how far the noise floor
came down, the figure the README measures a denoiser by.  The report says the levels in the gaps."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from hatbox.cli import main
from tests.effect.synth import drive_folder
from trainer.effect.report import quiet_levels

RATE = 48000
TINY = ["--set", "model.hidden=8", "--set", "batch=8", "--set", "eval_every_s=0", "--max-steps", "2"]


def test_the_levels_in_the_gaps_are_those_of_the_quietest_tenth() -> None:
    t = np.arange(2 * RATE) / RATE
    notes = (np.sin(2 * np.pi * 220 * t) * (np.mod(t, 0.5) < 0.25)).astype(np.float32) * 0.5
    hiss = np.random.default_rng(0).standard_normal(t.size).astype(np.float32) * 0.01      # -40 dBFS
    levels = quiet_levels(notes + hiss, notes, notes + hiss * np.float32(0.1), RATE)
    assert levels["input_db"] == pytest.approx(-40.0, abs=0.5)
    assert levels["gear_db"] < -150 and levels["pack_db"] == pytest.approx(-60.0, abs=0.5)
    assert quiet_levels(notes[:100], notes[:100], notes[:100], RATE) is None


def test_the_report_says_the_noise_floor_in_the_gaps(tmp_path: Path) -> None:
    data = drive_folder(tmp_path / "data", seconds=4.0, settings=(0,))        # 0.6 s held out: 12 frames (10 needed)
    assert main(["train", "effect", str(data), "--out", str(tmp_path / "p.hatpack"), "--report",
                 str(tmp_path / "rep"), *TINY]) == 0
    said = (tmp_path / "rep" / "report.md").read_text()
    played_through = "- noise floor in the gaps: none to measure (the held-out stretch of" in said   # drive_folder's
    assert played_through or "- noise floor in the gaps (the quietest tenth of" in said        # notes, p41
    assert played_through or "dB under the input" in said or "dB over the input" in said
    levels = json.loads((tmp_path / "rep" / "metrics.json").read_text())["quiet_levels"]
    assert set(levels) == {"input_db", "gear_db", "pack_db", "gear_level_db"}


def test_a_stretch_played_all_through_has_no_noise_floor_to_report() -> None:
    """Forty-first stop (reports QA): continuous playing's quietest tenth was reported as the floor ("input -13.6
    dBFS ... the pack 5.4 dB over the input", which read as a noisy pack)."""
    from trainer.effect.report import _quiet_text
    t = np.arange(2 * RATE) / RATE
    chord = (0.3 * np.sin(2 * np.pi * 220 * t) * (1 + 0.3 * np.sin(2 * np.pi * 0.5 * t))).astype(np.float32)
    said = _quiet_text(quiet_levels(chord, chord * 2, chord * 2, RATE), "p.wav")
    assert said and said[0].startswith("- noise floor in the gaps: none to measure") and "over the input" not in said[0]
    notes = (np.sin(2 * np.pi * 220 * t) * (np.mod(t, 0.5) < 0.25)).astype(np.float32) * 0.5
    assert "dB under the input" in _quiet_text(quiet_levels(notes, notes, notes * 0.5, RATE), "p.wav")[0] or \
        "dB over the input" in _quiet_text(quiet_levels(notes, notes, notes * 0.5, RATE), "p.wav")[0]

"""Synth training's progress bar counts seconds of the budget ("3 of 3 s") and shows no rate: tqdm's
default over seconds read "1.00s/s"."""
from __future__ import annotations

import re
from pathlib import Path

from tests.synth.conftest import write_notes
from trainer.synth.data import load_folder
from trainer.synth.train import train


def test_the_synth_bar_reads_seconds_of_the_budget(tmp_path: Path, capsys) -> None:
    notes = load_folder(write_notes(tmp_path), 24000, 0.3)
    capsys.readouterr()
    train(notes, 0.03, log_every_s=1e9)
    bars = [b.strip() for b in capsys.readouterr().err.split("\r") if b.strip().startswith("train synth")]
    assert bars and all("s/s" not in b and "it/s" not in b for b in bars), bars
    assert re.fullmatch(r"\d of 1 s, loss=.*", bars[-1].split("| ")[1]), bars[-1]     # the budget: 1 s

"""Synth training's progress bar counts seconds of the budget ("3 of 3 s") and shows no rate: tqdm's
default over seconds read "1.00s/s".  The live bar (HATBOX_PROGRESS=bar, hatbox.progress) says its words first
and draws the bar after them on a terminal 80 columns wide or more (p44: "train ...: 100% 1 of 1 s, loss=... |###|")."""
from __future__ import annotations

import re
from pathlib import Path

from tests.synth.conftest import write_notes
from trainer.synth.data import load_folder
from trainer.synth.train import train


def test_the_synth_bar_reads_seconds_of_the_budget(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("HATBOX_PROGRESS", "bar")       # the live bar, as on a terminal
    monkeypatch.setenv("COLUMNS", "100")              # wide enough for the bar after the words
    notes = load_folder(write_notes(tmp_path), 24000, 0.3)
    capsys.readouterr()
    train(notes, 0.03, log_every_s=1e9)
    bars = [b.strip() for b in capsys.readouterr().err.split("\r") if b.strip().startswith("train synth")]
    assert bars and all("s/s" not in b and "it/s" not in b for b in bars), bars
    assert re.fullmatch(r"train synth: +\d+% \d of 1 s, loss=[^|]* \|[^|]+\|", bars[-1]), bars[-1]   # budget: 1 s

"""Effect training's progress bar counts seconds of the budget ("2 of 3 s") and shows no rate: tqdm's
default over seconds read "1.00s/s".  The live bar (HATBOX_PROGRESS=bar, hatbox.progress) says its words first
and draws the bar after them on a terminal 80 columns wide or more (p44: "train ...: 100% 1 of 1 s, loss=... |###|")."""
from __future__ import annotations

import re
from pathlib import Path

from tests.effect.synth import drive_folder


def test_the_effect_bar_reads_seconds_of_the_budget(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("HATBOX_PROGRESS", "bar")       # the live bar, as on a terminal
    monkeypatch.setenv("COLUMNS", "100")              # wide enough for the bar after the words
    from trainer.effect.data import load_folder
    from trainer.effect.train import fit, make_config
    data = load_folder(drive_folder(tmp_path / "data", seconds=1.2, settings=(0, 16)))
    capsys.readouterr()
    fit(data, make_config(minutes=0.03, batch=2, eval_every_s=0.0, val_seconds=0.1, model={"hidden": 4}),
        progress=True)
    bars = [b.strip() for b in capsys.readouterr().err.split("\r") if b.strip().startswith("train gru")]
    assert bars and all("s/s" not in b and "it/s" not in b for b in bars), bars
    # the budget (2 s), then the latest check's held-out error and its step, and the loss (p44: in that order, as
    # docs/terminal.md shows them; p54 M4: the last check shown as the bar fills)
    assert re.fullmatch(r"train gru: +\d+% \d of 2 s, val_esr=[\d.]+ at step \d+, loss=[\d.]+ \|[^|]+\|",
                        bars[-1]), bars[-1]

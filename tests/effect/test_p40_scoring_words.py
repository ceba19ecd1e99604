"""Fortieth stop's effect QA: after the training bar the pack is scored on the whole recordings (57 s for a
20-minute pair) with nothing said; it now says how much audio it scores, with a bar when that is long.  Since p44 the
"scoring the pack on ..." line is progress: on stderr, as the bar is (docs/terminal.md)."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from tests.effect.synth import RATE, drive, plucks
from trainer.effect.data import EffectData, Pair
from trainer.effect.evaluate import evaluate_data

FACTORY_EFFECT = Path(__file__).resolve().parents[2] / "factory" / "effect-drive.hatpack"


def _data(seconds: float) -> EffectData:
    x = np.tile(plucks(1.0), int(np.ceil(seconds)))[: int(seconds * RATE)]
    pair = Pair("pairs.csv line 2", x, drive(x, 12), {"drive": 12.0, "tone": 3500.0}, 0)
    return EffectData(rate=RATE, knobs=[], pairs=[pair])


def test_scoring_says_how_much_audio_it_renders(capsys) -> None:
    scores = evaluate_data(FACTORY_EFFECT, _data(2.0), 0.15, progress=True)
    got = capsys.readouterr()
    assert "scoring the pack on 2.0 s of recordings" in got.err and got.out == ""
    assert "scoring:" not in got.err                       # a short render: no bar
    assert set(scores["per_pair"]) == {"pairs.csv line 2"}


def test_a_long_scoring_shows_a_bar_over_seconds_of_audio(capsys) -> None:
    evaluate_data(FACTORY_EFFECT, _data(31.0), 0.15, progress=True)
    got = capsys.readouterr()
    assert "scoring the pack on 31.0 s of recordings" in got.err and got.out == ""
    assert "scoring:" in got.err and "of 31 s" in got.err


def test_scoring_without_progress_says_nothing(capsys) -> None:
    evaluate_data(FACTORY_EFFECT, _data(2.0), 0.15)
    got = capsys.readouterr()
    assert got.out == "" and got.err == ""

"""A word on every file is never scored (fifty-first stop's final reading, MF4 1 and 3): held-out files carrying only
that word give no held-out score (it was scored again with the word: the pack stored macro-F1 1.0 "over the 1 word");
the pack's holdout_labels and holdout_f1_per_word leave it out; a run with nothing held out stores no score."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

pytest.importorskip("torch")

from export.pack import read_pack
from trainer.tagger import pipeline
from trainer.tagger.pipeline import scored_metrics
from trainer.tagger.report import evaluate, format_report


def _csv(root: Path, rows: list[str]) -> Path:
    """A CSV of one 0.5 s noise burst a row, tagged ``rows[i]`` ("mine,buzz")."""
    root.mkdir(parents=True, exist_ok=True)
    lines = []
    for i, tags in enumerate(rows):
        path = root / f"s{i}.wav"
        noise = np.random.default_rng(i).uniform(-0.5, 0.5, 8000) * np.exp(-np.arange(8000) / 2000)
        sf.write(path, noise.astype(np.float32), 16000)
        lines.append(f"{path},{tags}\n")
    out = root / "words.csv"
    out.write_text("".join(lines))
    return out


def _train(tmp_path: Path, rows: list[str], holdout: float, monkeypatch) -> tuple[str, dict, list]:
    """(summary, the pack's metrics, the ``left_out`` each _evaluate call was given)."""
    seen: list = []
    real = pipeline._evaluate

    def spy(net, held, clips, tags, left_out=()):
        seen.append(left_out)
        return real(net, held, clips, tags, left_out)

    monkeypatch.setattr(pipeline, "_evaluate", spy)
    out = tmp_path / "t.hatpack"
    text = pipeline.train_and_export(_csv(tmp_path / "d", rows), out, steps=2, holdout=holdout, threads=1)
    return str(text), dict(read_pack(out).manifest.metrics), seen


def test_held_out_files_with_only_the_every_file_word_give_no_score(tmp_path, monkeypatch) -> None:
    rows = ["mine"] * 8 + ["mine,buzz"] * 3 + ["mine,hiss"] * 3        # buzz, hiss: too few to hold any out
    text, metrics, seen = _train(tmp_path, rows, 0.15, monkeypatch)
    assert seen == [("mine",)]                                          # on_every_file reaches _evaluate
    assert metrics["holdout_items"] == 1 and metrics["holdout_scored_words"] == 0
    assert "holdout_macro_f1" not in metrics, metrics                   # was 1.0 (mine scored again)
    assert "holdout_labels" not in metrics and "holdout_f1_per_word" not in metrics
    assert metrics["holdout_left_out"] == ["mine"]
    assert "no held-out score: the held-out files carry only 'mine', on every file" in text, text
    assert "over the 1 word" not in text and "macro-F1 1.000" not in text
    assert "the score rests on" not in text                             # there is none


def test_nothing_held_out_stores_no_score(tmp_path, monkeypatch) -> None:
    text, metrics, seen = _train(tmp_path, ["kick"] * 4 + ["hat"] * 4, 0, monkeypatch)
    assert seen == [] and metrics["holdout_items"] == 0 and metrics["holdout_scored_words"] == 0
    assert not {"holdout_macro_f1", "holdout_labels", "holdout_f1_per_word"} & set(metrics), metrics


def test_scored_metrics_leave_the_every_file_word_out() -> None:
    tags = ["bright", "dark", "mine"]
    y = np.array([[1, 0, 1], [0, 1, 1], [1, 0, 1], [0, 1, 1]], np.float32)
    probs = np.array([[.9, .1, .9], [.9, .1, .9], [.9, .1, .9], [.1, .9, .9]], np.float32)
    got = scored_metrics(evaluate(probs, y, tags, exclusive=False, left_out=("mine",)))
    assert got["holdout_labels"] == 4                                   # bright 2 + dark 2; not mine's 4 more
    assert set(got["holdout_f1_per_word"]) == {"bright", "dark"}
    assert got["holdout_left_out"] == ["mine"]
    every = scored_metrics(evaluate(probs, y, tags, exclusive=False))
    assert every["holdout_labels"] == 8 and "holdout_left_out" not in every
    only = evaluate(y[:, 2:] * 0.9, y[:, 2:], ["mine"], exclusive=False, left_out=("mine",))
    assert scored_metrics(only) == {"holdout_left_out": ["mine"]}
    assert "no held-out score: the held-out files carry only 'mine'" in format_report(only)

"""Wording found by hands-on QA (p22, F10 and F11 a).

F10: the tagger's progress bar counted steps only, so with a time budget shorter than the steps take it said
"0%| 4/900 [00:00<02:19, ...]" while training stopped 18 s later.  It now follows the loop's own progress (the
further along of steps and time), so the time left is the budget's, and still shows the steps and the loss.
F11 a: the lone-tag warning says "1 tag has" / "2 tags have", not "1 tag(s) have"."""
from __future__ import annotations

import io
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

pytest.importorskip("torch")

from trainer.tagger.data import Item, lone_tags_warning


class _Clock:
    """A monotonic clock that moves one second each time it is read."""

    def __init__(self) -> None:
        self.now = 100.0

    def monotonic(self) -> float:
        self.now += 1.0
        return self.now


def _run(monkeypatch, steps: int, minutes: float) -> tuple[list[tuple[float, float, str]], str, int]:
    """A tiny _loop under the fake clock: ([(bar position, bar total, postfix) after each step], the bar's
    printed text, steps done)."""
    import torch
    import tqdm

    import trainer.tagger.train as tr
    from trainer.tagger.model import TaggerConfig, TaggerNet

    seen: list[tuple[float, float, str]] = []
    out = io.StringIO()

    class Recording(tqdm.tqdm):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **{**kwargs, "file": out, "ascii": True, "mininterval": 0})

        def update(self, n=1):
            super().update(n)
            seen.append((self.n, self.total, self.postfix))

    monkeypatch.setattr(tqdm, "tqdm", Recording)
    monkeypatch.setenv("HATBOX_PROGRESS", "bar")        # a live bar, as on a terminal (hatbox.progress)
    monkeypatch.setattr(tr, "time", SimpleNamespace(monotonic=_Clock().monotonic))
    rng = np.random.default_rng(0)
    clips = (rng.standard_normal((6, 10400)) * np.exp(-np.arange(10400) / 2000)).astype(np.float32)
    y = np.repeat(np.eye(2, dtype=np.float32), 3, axis=0)
    torch.manual_seed(0)
    net = TaggerNet(TaggerConfig(clip_samples=8000, channels=(8,), embed_dim=8, exclusive=True), 2)
    res = tr._loop(net, clips, y, ["a", "b"], tr.TrainOptions(steps=steps, batch=4, minutes=minutes, threads=1))
    return seen, out.getvalue(), res.steps


def test_a_time_budget_shorter_than_the_steps_moves_the_bar_by_time(monkeypatch) -> None:
    seen, text, done = _run(monkeypatch, steps=900, minutes=0.1)      # 6 s of budget, 1 s per step
    assert done == 6
    fractions = [n / total for n, total, _ in seen]
    assert fractions == pytest.approx([1 / 6, 2 / 6, 3 / 6, 4 / 6, 5 / 6, 1.0])   # was 1/900, 2/900, ...
    assert seen[2][2].startswith("3 steps in the time budget (at most 900), loss=")    # not "3 of 900" at 50 % (p49)
    last = text.replace("\r", "\n").strip().splitlines()[-1]
    assert last.startswith("training tagger: 100% [") and "6 steps in the time budget (at most 900), loss=" in last
    assert "/900" not in text and "step/s" not in text


def test_a_step_count_reached_first_moves_the_bar_by_steps(monkeypatch) -> None:
    seen, _text, done = _run(monkeypatch, steps=4, minutes=10.0)
    assert done == 4
    assert [n / total for n, total, _ in seen] == pytest.approx([0.25, 0.5, 0.75, 1.0])
    assert seen[-1][2].startswith("4 of 4 steps, loss=")


def test_the_lone_tag_warning_counts_in_words() -> None:
    items = [Item(Path(f"k{i}.wav"), ("kick",)) for i in range(3)] + [Item(Path("c.wav"), ("click",))]
    assert lone_tags_warning(items).startswith("warning: 1 tag has only one example: 'click' (1); ")
    two = lone_tags_warning(items + [Item(Path("t.wav"), ("tom",))])
    assert two.startswith("warning: 2 tags have only one example: 'click' (1), 'tom' (1); ")

"""p42 cloud QA 2: `train effect --max-steps N --seed S` twice gave two packs (held-out 0.429 vs 0.426): the learning
rate followed the wall clock and validation (which keeps the best weights) came every 20 s.  Under a step budget both
now go by steps (trainer/effect/schedule.py): the same seed and steps give the same model, byte for byte."""
from __future__ import annotations

import zipfile
from pathlib import Path

from hatbox.cli import main
from tests.effect.synth import drive_folder
from trainer.effect.config import make_config
from trainer.effect.schedule import EvalClock, Phase, eval_every_steps, lr_at, phase_lr

TINY = ["--set", "model.hidden=8", "--set", "batch=4", "--threads", "1", "--seed", "3", "--max-steps", "12"]


def _model_bytes(pack: Path) -> bytes:
    with zipfile.ZipFile(pack) as z:
        return z.read("model.onnx")


def test_the_same_seed_and_steps_give_the_same_model(tmp_path: Path) -> None:
    data = drive_folder(tmp_path / "data", seconds=1.2, settings=(0, 16))
    packs = [tmp_path / "a.hatpack", tmp_path / "b.hatpack"]
    for pack in packs:
        assert main(["train", "effect", str(data), "--out", str(pack), *TINY]) == 0
    assert _model_bytes(packs[0]) == _model_bytes(packs[1])


def test_a_step_budget_sets_the_rate_and_the_validations_by_steps() -> None:
    cfg = make_config(lr=1e-2)
    phase = Phase(seconds=300.0, max_steps=40)
    assert phase_lr(cfg, phase, 20, 1.0) == phase_lr(cfg, phase, 20, 250.0) == lr_at(cfg, 0.5)
    assert phase_lr(cfg, Phase(seconds=300.0), 20, 150.0) == lr_at(cfg, 0.5)        # --minutes alone: by time
    assert eval_every_steps(phase, 20.0) == 2 and eval_every_steps(phase, 0.0) == 0
    assert eval_every_steps(Phase(seconds=300.0), 20.0) is None
    clock = EvalClock(Phase(seconds=300.0, max_steps=400), 20.0)                   # every 20 steps, whatever the time
    assert [s for s in range(4, 101, 4) if clock.due(s)] == [20, 40, 60, 80, 100]

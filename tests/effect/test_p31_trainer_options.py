"""Thirty-first stop: `train effect` takes the step and thread options by the names the other trainers use
(--steps beside --max-steps; --threads beside --set threads=N)."""
from __future__ import annotations

import json

import pytest
import torch

from hatbox.cli import main
from tests.effect.synth import drive_folder

TINY = ["--set", "model.hidden=8", "--set", "batch=8", "--set", "eval_every_s=0",
        "--set", "val_seconds=0.25"]     # a quarter of the default validation audio: plumbing, not accuracy


def test_steps_and_threads_reach_the_trainer(tmp_path, monkeypatch, capsys):
    data = drive_folder(tmp_path / "data", seconds=1.2, settings=(0, 16))
    out = tmp_path / "e.hatpack"
    seen: list[int] = []
    real = torch.set_num_threads
    monkeypatch.setattr(torch, "set_num_threads", lambda n: (seen.append(n), real(n))[1])
    before = torch.get_num_threads()
    try:
        assert main(["train", "effect", str(data), "--out", str(out), "--steps", "3", "--threads", "2", *TINY]) == 0
    finally:
        real(before)
    assert 2 in seen, seen
    capsys.readouterr()
    assert main(["pack", "inspect", str(out), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["metrics"]["steps"] == 3


def test_threads_given_twice_is_refused_before_training(tmp_path, capsys):
    data = drive_folder(tmp_path / "data", seconds=1.2, settings=(0, 16))
    code = main(["train", "effect", str(data), "--out", str(tmp_path / "e.hatpack"), "--threads", "2",
                 "--set", "threads=1", *TINY])
    assert code != 0
    assert "--threads and --set threads both given" in capsys.readouterr().err
    assert not (tmp_path / "e.hatpack").exists()


@pytest.mark.parametrize("bad", ["0", "x"])
def test_a_bad_thread_count_is_a_usage_error(tmp_path, bad, capsys):
    with pytest.raises(SystemExit) as ex:
        main(["train", "effect", "data", "--out", str(tmp_path / "e.hatpack"), "--threads", bad])
    assert ex.value.code == 2 and "--threads" in capsys.readouterr().err

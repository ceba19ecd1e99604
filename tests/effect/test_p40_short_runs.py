"""Fortieth stop's effect QA: `train effect --max-steps 20` on clean data scored worse than silence and was told
"something is wrong with the data"; a run that short is said to be under-trained instead."""
from __future__ import annotations

from trainer.effect.train import result_warnings


def test_a_short_run_worse_than_silence_is_under_trained_not_wrong_data() -> None:
    said = result_warnings({"sample_rate": 48_000, "val_esr": 1.764, "steps": 20})
    assert len(said) == 1
    assert said[0].startswith("held-out ESR 1.764 is above 1: the pack does worse than outputting silence")
    assert "only 20 steps" in said[0] and "under-trained" in said[0] and "train longer" in said[0]
    assert "wrong with the data" not in said[0]


def test_a_run_stopped_early_says_so() -> None:
    said = result_warnings({"val_esr": 1.2, "steps": 1, "stopped_early": "stopped by Ctrl-C after 3 s"})
    assert "only 1 step (stopped early)" in said[0] and "wrong with the data" not in said[0]


def test_a_long_run_worse_than_silence_still_blames_the_data() -> None:
    from trainer.effect.evaluate import SHORT_RUN_STEPS
    said = result_warnings({"val_esr": 1.186, "steps": SHORT_RUN_STEPS})
    assert "something is wrong with the data" in said[0] and "under-trained" not in said[0]
    assert result_warnings({"val_esr": 1.186})[0].endswith("check the recordings")      # steps unknown: as before


def test_a_run_ended_by_max_steps_is_told_to_raise_it(tmp_path, capsys) -> None:
    """Forty-first stop (reports QA): a --max-steps 15 run not better than bypass was told "train longer (--minutes)"
    though the time budget was not what ended it: the training now hands the warning what did."""
    from hatbox.cli import main
    from tests.effect.synth import drive_folder
    data = drive_folder(tmp_path / "data", seconds=1.2, settings=(0, 16))
    tiny = ["--set", "model.hidden=8", "--set", "batch=8", "--set", "eval_every_s=0", "--max-steps", "2"]
    assert main(["train", "effect", str(data), "--out", str(tmp_path / "p.hatpack"), *tiny]) == 0
    out = capsys.readouterr()
    said = out.out + out.err
    assert "raise --max-steps or leave it out: --max-steps 2 ended this run" in said, said

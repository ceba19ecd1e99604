"""A first Ctrl-C while a synth or an effect trains stops it after the step and writes the pack from what was
trained; a second one discards the run, as Ctrl-C did before (twenty-seventh stop's QA: twenty minutes of
training were lost to one Ctrl-C)."""
from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from export.pack import read_pack
from hatbox.cli import main
from tests.effect.synth import drive_folder
from tests.synth.test_musician_data_p20 import _notes
from trainer.early_stop import StopRequest


def _ctrl_c_at(module, name: str, step: int, presses: int, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Wrap ``module.name`` (a training step) so that its ``step``-th call sends this process ``presses`` SIGINTs;
    returns the list the calls are counted in."""
    real, calls = getattr(module, name), []

    def step_then_press(*a, **k):
        calls.append(1)
        if len(calls) == step:
            for _ in range(presses):
                os.kill(os.getpid(), signal.SIGINT)
        return real(*a, **k)
    monkeypatch.setattr(module, name, step_then_press)
    return calls


def _effect_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, press_at: int, *args: str,
                code: int = 130) -> tuple[list[int], Path]:
    """`train effect` on a small drive set, a Ctrl-C sent at its ``press_at``-th training step, ``args`` added;
    (the steps' count list, the pack).  ``code``: its exit code (130: stopped early by the Ctrl-C, the pack written
    all the same, p44; 0 when the Ctrl-C came as its budget ran out)."""
    from trainer.effect import train as effect_train
    calls = _ctrl_c_at(effect_train, "train_segment", press_at, 1, monkeypatch)
    data = drive_folder(tmp_path / "data", seconds=1.2, settings=(0, 16))
    out = tmp_path / "e.hatpack"
    assert main(["train", "effect", str(data), "--out", str(out), "--set", "batch=8", "--set", "eval_every_s=0",
                 *args]) == code
    return calls, out


def test_the_first_ctrl_c_asks_the_second_interrupts_and_the_handler_comes_back() -> None:
    said: list[str] = []
    with StopRequest(say=said.append) as stop:
        os.kill(os.getpid(), signal.SIGINT)
        assert stop.asked and len(said) == 1 and "Ctrl-C again to discard" in said[0]
        with pytest.raises(KeyboardInterrupt):
            os.kill(os.getpid(), signal.SIGINT)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_synth_stopped_by_ctrl_c_is_written_from_what_it_trained(tmp_path: Path, capsys, monkeypatch) -> None:
    from trainer.synth import train as synth_train
    calls = _ctrl_c_at(synth_train, "train_step", 3, 1, monkeypatch)
    out = tmp_path / "s.hatpack"
    assert main(["train", "synth", str(_notes(tmp_path / "notes")), "--out", str(out), "--minutes", "10",
                 "--seconds", "0.5"]) == 130            # stopped early, though the pack is written (p44)
    text = capsys.readouterr()
    assert len(calls) == 3                                        # it stopped after the step, not 10 minutes on
    assert "stopped early (Ctrl-C after" in text.out and "the pack holds what was trained by then" in text.out
    assert "Ctrl-C again to discard" in text.err
    assert "Ctrl-C after" in read_pack(out).manifest.metrics["stopped_early"]
    assert (tmp_path / "s_report" / "checkpoint.pt").is_file()


def test_a_second_ctrl_c_discards_the_synth_run(tmp_path: Path, capsys, monkeypatch) -> None:
    from trainer.synth import train as synth_train
    _ctrl_c_at(synth_train, "train_step", 3, 2, monkeypatch)
    out = tmp_path / "s.hatpack"
    out.write_bytes(b"the pack that was here")
    assert main(["train", "synth", str(_notes(tmp_path / "notes")), "--out", str(out), "--minutes", "10",
                 "--seconds", "0.5"]) == 130
    assert out.read_bytes() == b"the pack that was here" and not (tmp_path / "s_report").exists()
    assert "hatbox: interrupted" in capsys.readouterr().err


def test_an_effect_stopped_by_ctrl_c_keeps_its_best_model(tmp_path: Path, capsys, monkeypatch) -> None:
    calls, out = _effect_run(tmp_path, monkeypatch, 4, "--minutes", "10", "--set", "model.hidden=8")
    text = capsys.readouterr().out
    assert len(calls) == 4 and "stopped early (Ctrl-C after" in text and "held-out error" in text
    assert "the best model trained by then" in text
    metrics = read_pack(out).manifest.metrics
    assert "Ctrl-C after" in metrics["stopped_early"] and metrics["steps"] >= 4


def test_an_auto_effect_stopped_in_its_first_trial_keeps_that_model(tmp_path: Path, capsys, monkeypatch) -> None:
    """--arch auto: the trials not started yet are left out, and the one cut short is the pack."""
    from trainer.effect.config import AUTO_CANDIDATES
    calls, out = _effect_run(tmp_path, monkeypatch, 2, "--minutes", "10", "--arch", "auto")
    metrics = read_pack(out).manifest.metrics
    assert len(calls) == 2 and metrics["arch"] == AUTO_CANDIDATES[0]
    assert list(metrics["arch_trials"]) == [AUTO_CANDIDATES[0]] and "Ctrl-C after" in metrics["stopped_early"]


def test_a_tagger_stopped_by_ctrl_c_is_written_from_what_it_trained(tmp_path: Path, capsys, monkeypatch) -> None:
    from tests.tagger.conftest import hiss, tag_tree, thump
    from trainer.tagger import train as tagger_train
    calls = _ctrl_c_at(tagger_train, "_show", 3, 1, monkeypatch)        # after the third step
    tree = tag_tree(tmp_path / "data", {"kick": thump, "hat": hiss}, 6)
    out = tmp_path / "t.hatpack"
    assert main(["train", "tagger", str(tree), "--out", str(out), "--steps", "100000", "--minutes", "10",
                 "--threads", "1"]) == 130            # stopped early, though the pack is written (p44)
    text = capsys.readouterr().out
    assert len(calls) == 3 and "stopped early (Ctrl-C after" in text and "3 of 100000 steps" in text
    assert "budget ran out" not in text and read_pack(out).manifest.metrics["steps"] == 3


@pytest.mark.parametrize("kind", ["effect", "synth", "tagger"])
def test_a_second_training_of_the_same_pack_is_refused_at_once(tmp_path: Path, capsys, kind: str) -> None:
    """Before (twenty-seventh stop's QA): two `train effect --out race.hatpack` both trained, and the one that ended
    last replaced the other's pack and report without a word."""
    import subprocess
    import sys
    from tests.tagger.conftest import hiss, tag_tree, thump
    out = tmp_path / "race.hatpack"
    out.write_bytes(b"the pack that was here")
    src = {"effect": lambda: drive_folder(tmp_path / "data", seconds=1.0, settings=(0, 8)),
           "synth": lambda: _notes(tmp_path / "notes"),
           "tagger": lambda: tag_tree(tmp_path / "tags", {"kick": thump, "hat": hiss}, 4)}[kind]()
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time; from export.atomic import training_lock\n"
                               "with training_lock(sys.argv[1]):\n print('held', flush=True); time.sleep(60)",
                               str(tmp_path / "." / "race.hatpack")],       # another spelling of the same path
                              stdout=subprocess.PIPE, cwd=Path(__file__).resolve().parents[1], text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        assert main(["train", kind, str(src), "--out", str(out), "--minutes", "0.05"]) == 2
        err = capsys.readouterr().err
        assert f"another training is writing {out} now (pid {holder.pid})" in err and "Traceback" not in err
        assert out.read_bytes() == b"the pack that was here"
    finally:
        holder.kill()
        holder.wait()



def test_a_ctrl_c_as_the_step_budget_ends_is_no_early_stop(tmp_path: Path, capsys, monkeypatch) -> None:
    """Review (twenty-seventh stop): the effect said 'stopped early' for a Ctrl-C that came as its budget ran out."""
    _calls, out = _effect_run(tmp_path, monkeypatch, 4, "--max-steps", "4", "--set", "model.hidden=8", code=0)
    assert "stopped early" not in capsys.readouterr().out
    assert "stopped_early" not in read_pack(out).manifest.metrics

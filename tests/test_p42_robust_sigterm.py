"""p42 cloud QA 3: SIGTERM, what a cloud sends before it takes a machine away, threw the whole training away.  Now a
first SIGTERM while an effect or a synth trains is met as a first Ctrl-C (the pack is written from what was trained,
"stopped early (SIGTERM after ...)"), a second one as Ctrl-C twice (nothing written); before and after training
(loading, scoring, writing) SIGTERM ends the command as before."""
from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import Any

import pytest

from export.pack import read_pack
from hatbox.cli import main
from hatbox.errors import Terminated
from tests.effect.synth import drive_folder
from tests.synth.test_musician_data_p20 import _notes
from trainer.early_stop import TERM_WORDS, StopRequest

TINY = ["--set", "batch=8", "--set", "eval_every_s=0", "--set", "model.hidden=8", "--threads", "1"]


def _term_at(module: Any, name: str, call: int, signals: int, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Wrap ``module.name`` so that its ``call``-th call sends this process ``signals`` SIGTERMs first; returns the
    list the calls are counted in."""
    real, calls = getattr(module, name), []

    def then_term(*a: Any, **k: Any) -> Any:
        calls.append(1)
        if len(calls) == call:
            for _ in range(signals):
                os.kill(os.getpid(), signal.SIGTERM)
        return real(*a, **k)
    monkeypatch.setattr(module, name, then_term)
    return calls


def test_a_first_sigterm_asks_a_second_ends_and_the_handler_comes_back() -> None:
    seen: list[int] = []
    before = signal.signal(signal.SIGTERM, lambda signum, frame: seen.append(signum))
    try:
        said: list[str] = []
        with StopRequest(say=said.append, sigterm=True) as stop:
            os.kill(os.getpid(), signal.SIGTERM)
            assert stop.asked and stop.by == "SIGTERM" and said == [TERM_WORDS]
            with pytest.raises(Terminated):
                os.kill(os.getpid(), signal.SIGTERM)
        with StopRequest(sigterm=True) as stop:
            stop.training_over()                      # scoring and writing: SIGTERM is the command's own again
            os.kill(os.getpid(), signal.SIGTERM)
            assert not stop.asked and seen == [signal.SIGTERM]
        with StopRequest(sigterm=False) as stop:      # the tagger's, as before
            os.kill(os.getpid(), signal.SIGTERM)
            assert not stop.asked and seen == [signal.SIGTERM] * 2
    finally:
        signal.signal(signal.SIGTERM, before)


def test_an_effect_stopped_by_sigterm_is_written_from_what_it_trained(tmp_path: Path, capsys,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from trainer.effect import train as effect_train
    calls = _term_at(effect_train, "train_segment", 2, 1, monkeypatch)
    data, out = drive_folder(tmp_path / "data", seconds=1.2, settings=(0, 16)), tmp_path / "e.hatpack"
    assert main(["train", "effect", str(data), "--out", str(out), "--minutes", "10", *TINY]) == 143   # p44
    text = capsys.readouterr()
    assert len(calls) == 2                                     # it stopped after the step, not 10 minutes on
    assert "stopped early (SIGTERM after" in text.out and "(SIGTERM)" in text.err
    assert read_pack(out).manifest.metrics["stopped_early"].startswith("SIGTERM after")
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL


def test_a_synth_stopped_by_sigterm_is_written_from_what_it_trained(tmp_path: Path, capsys,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from trainer.synth import train as synth_train
    calls = _term_at(synth_train, "train_step", 3, 1, monkeypatch)
    out = tmp_path / "s.hatpack"
    assert main(["train", "synth", str(_notes(tmp_path / "notes")), "--out", str(out), "--minutes", "10",
                 "--seconds", "0.5"]) == 143          # stopped early, though the pack is written (p44)
    text = capsys.readouterr()
    assert len(calls) == 3 and "stopped early (SIGTERM after" in text.out
    assert read_pack(out).manifest.metrics["stopped_early"].startswith("SIGTERM after")
    assert (tmp_path / "s_report" / "checkpoint.pt").is_file()


def test_a_second_sigterm_discards_the_run(tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    from trainer.effect import train as effect_train
    _term_at(effect_train, "train_segment", 2, 2, monkeypatch)
    data, out = drive_folder(tmp_path / "data", seconds=1.2, settings=(0, 16)), tmp_path / "e.hatpack"
    out.write_bytes(b"the pack that was here")
    assert main(["train", "effect", str(data), "--out", str(out), "--minutes", "10", *TINY]) == 143
    assert out.read_bytes() == b"the pack that was here"
    err = capsys.readouterr().err         # said as the signal it was, and what the second one did (p54 M3 words)
    assert "interrupted (SIGTERM again): the run was discarded, nothing written" in err and "is as it was" in err


def test_sigterm_while_the_pack_is_scored_ends_the_command_as_before(tmp_path: Path, capsys,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from trainer.effect import evaluate
    _term_at(evaluate, "evaluate_data", 1, 1, monkeypatch)
    data, out = drive_folder(tmp_path / "data", seconds=1.2, settings=(0, 16)), tmp_path / "e.hatpack"
    assert main(["train", "effect", str(data), "--out", str(out), "--max-steps", "2", *TINY]) == 143
    assert not out.exists() and "SIGTERM" in capsys.readouterr().err


def test_only_the_first_torchrun_process_says_the_stop(monkeypatch, capsys) -> None:
    """p42 cloud QA: under torchrun every process printed "stopping after this step (SIGTERM)"."""
    from trainer import early_stop
    monkeypatch.setenv("WORLD_SIZE", "2")
    monkeypatch.setenv("RANK", "1")
    early_stop._write("stopping after this step")
    early_stop._raw_write("stopping after this step")
    assert capsys.readouterr().err == ""
    monkeypatch.setenv("RANK", "0")
    early_stop._write("stopping after this step")
    assert "stopping after this step" in capsys.readouterr().err

"""The three trainers in a terminal, a log and a script (forty-fourth stop's terminal QA): the tagger's kind (one tag
per file or several) is decided from every file, whatever --seed holds out; a run stopped early exits with the
signal's code though it wrote its pack, and says so last; every ``warning:`` line goes to stderr, said once, and
the summary to stdout."""
from __future__ import annotations

import os
import shutil
import signal
from pathlib import Path
from types import SimpleNamespace

import pytest

from export.pack import read_pack
from hatbox.cli import main
from hatbox.train_output import say_summary, stopped_code, stopped_line


def _tree(root: Path) -> Path:
    """kick and hat, 6 files each, and one kick copied into hat: the one file with two tags."""
    from tests.tagger.conftest import hiss, tag_tree, thump
    tree = tag_tree(root, {"kick": thump, "hat": hiss}, 6)
    shutil.copy(tree / "kick" / "0.wav", tree / "hat" / "dup.wav")
    return tree


def _seed_holding_out_the_copy(tree: Path) -> int:
    """A --seed whose held-out part (the default 15 %) holds the file with two tags."""
    from trainer.tagger.data import load_sources
    from trainer.tagger.pipeline import holdout_split
    items = load_sources([tree], [])
    for seed in range(50):
        _, held = holdout_split(items, 0.15, seed)
        if any(len(it.tags) == 2 for it in held):
            return seed
    raise AssertionError("no seed holds the copy out")


def test_the_file_with_two_tags_held_out_still_makes_a_several_tag_tagger(tmp_path: Path, capsys) -> None:
    """Before: the kind came from the training part alone, so this seed made a one-tag-per-file pack against the
    warning it printed; and the warning was said on stderr, then again on stdout."""
    tree = _tree(tmp_path / "d")
    seed, out = _seed_holding_out_the_copy(tree), tmp_path / "t.hatpack"
    assert main(["train", "tagger", str(tree), "--out", str(out), "--steps", "2", "--threads", "1",
                 "--seed", str(seed)]) == 0
    said = capsys.readouterr()
    assert read_pack(out).manifest.extras["exclusive"] is False
    assert "any number of tags per file" in said.out and "warning:" not in said.out, said.out
    warned = [line for line in said.err.splitlines() if line.startswith("warning:")]
    assert len(warned) == 1 and "so this tagger will be multi-label" in warned[0], said.err


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_training_stopped_early_exits_with_the_signals_code(tmp_path: Path, capsys, monkeypatch,
                                                              sig: signal.Signals, code: int) -> None:
    """Before: it wrote the pack and exited 0, so `hatbox train ... && hatbox push ... --activate` pushed it."""
    from tests.tagger.conftest import hiss, tag_tree, thump
    from trainer.tagger import train as tagger_train
    real = tagger_train._show

    def step_then_signal(bar, progress, steps, *a):
        if steps == 2:
            os.kill(os.getpid(), sig)
        return real(bar, progress, steps, *a)
    monkeypatch.setattr(tagger_train, "_show", step_then_signal)
    tree, out = tag_tree(tmp_path / "d", {"kick": thump, "hat": hiss}, 6), tmp_path / "t.hatpack"
    assert main(["train", "tagger", str(tree), "--out", str(out), "--steps", "1000", "--minutes", "10",
                 "--threads", "1"]) == code
    said = capsys.readouterr()
    assert read_pack(out).manifest.metrics["steps"] == 2
    assert said.err.splitlines()[-1] == f"stopped early: the pack holds what it learned so far; exit code {code}"


def test_the_exit_code_is_the_shells_128_plus_the_signal() -> None:
    assert [stopped_code(w) for w in ("Ctrl-C after 3 s, 2 of 9 steps", "SIGTERM after 40 s of the 60 s budget",
                                      "SIGHUP", None)] == [130, 143, 129, 130]
    assert stopped_line("SIGTERM after 4 s") == "stopped early: the pack holds what it learned so far; exit code 143"


def test_the_effects_warnings_go_to_stderr_once(tmp_path: Path, capsys) -> None:
    """Before: said on stderr before training, and all again on stdout in the summary."""
    from hatbox.cmd_effect import print_summary
    metrics = {"arch": "gru", "params": 100, "steps": 3, "train_seconds": 1.0, "val_esr": 0.5,
               "val_esr_per_setting": {"fixed": 0.5}, "latency": {"take": 0}}
    result = SimpleNamespace(pack=tmp_path / "none.hatpack", metrics=metrics, notes=["a note"], report=None,
                             warnings=["the recordings are short", "held-out ESR 1.2 is above 1"],
                             said=["the recordings are short"])
    print_summary(result, 3)
    said = capsys.readouterr()
    assert "warning:" not in said.out and "held-out error 0.5" in said.out and "note: a note" in said.out
    assert said.err == "warning: held-out ESR 1.2 is above 1\n", said.err


def test_the_synths_warnings_go_to_stderr(capsys) -> None:
    """Before: `train synth` printed its warnings on stdout, the other trainers on stderr."""
    from trainer.synth.data import print_warning
    from trainer.synth.report import TrainingLog
    log = TrainingLog()
    log.warn("three notes are clipped")
    log.say("training 1 instrument for 1 min")
    print_warning("a note is silent")
    said = capsys.readouterr()
    assert said.err == "warning: three notes are clipped\nwarning: a note is silent\n"
    assert said.out == "training 1 instrument for 1 min\n" and "warning: three notes are clipped" in log.said


def test_a_tagger_summary_says_its_warnings_on_stderr_and_the_rest_on_stdout(capsys) -> None:
    say_summary("warning: said before\n  hint: its hint\ntrained on 9 samples\nwarning: the budget ran out\n"
                "  hint: more --minutes\nwrote t.hatpack\n  - an item", said=["warning: said before\n  hint: its hint"])
    said = capsys.readouterr()
    assert said.out == "trained on 9 samples\nwrote t.hatpack\n  - an item\n"
    assert said.err == "warning: the budget ran out\n  hint: more --minutes\n"

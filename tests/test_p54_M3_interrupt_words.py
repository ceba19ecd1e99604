"""p54 QA_A finding 6: a second Ctrl-C (the first says "press Ctrl-C again to discard the run instead") ended
`hatbox train` with "hatbox: interrupted" alone, and so did a Ctrl-C while the data loaded; the last line now says
what became of the run: discarded, nothing written, and the pack at --out (named) as it was."""
from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from hatbox.cli import main
from hatbox.errors import Terminated
from tests.effect.synth import drive_folder
from tests.synth.test_musician_data_p20 import _notes
from tests.test_early_stop import _ctrl_c_at
from trainer.early_stop import StopRequest

SYNTH = ["--minutes", "10", "--seconds", "0.5"]


def _last_line(capsys) -> str:
    return capsys.readouterr().err.strip().splitlines()[-1]


@pytest.mark.parametrize("older", [True, False], ids=["over-a-pack", "no-pack"])
def test_a_second_ctrl_c_says_the_synth_run_was_discarded(tmp_path: Path, capsys, monkeypatch, older: bool) -> None:
    from trainer.synth import train as synth_train
    _ctrl_c_at(synth_train, "train_step", 2, 2, monkeypatch)
    out = tmp_path / "s.hatpack"
    if older:
        out.write_bytes(b"the pack that was here")
    assert main(["train", "synth", str(_notes(tmp_path / "notes")), "--out", str(out), *SYNTH]) == 130
    line = _last_line(capsys)
    assert line.startswith("hatbox: interrupted (Ctrl-C again): the run was discarded, nothing written"), line
    assert line.endswith(f"; {out} is as it was") == older, line
    assert out.exists() == older


def test_a_second_ctrl_c_says_the_effect_run_was_discarded(tmp_path: Path, capsys, monkeypatch) -> None:
    from trainer.effect import train as effect_train
    _ctrl_c_at(effect_train, "train_segment", 2, 2, monkeypatch)
    out = tmp_path / "e.hatpack"
    out.write_bytes(b"the pack that was here")
    data = drive_folder(tmp_path / "data", seconds=1.2, settings=(0, 16))
    assert main(["train", "effect", str(data), "--out", str(out), "--set", "batch=8", "--set", "eval_every_s=0",
                 "--minutes", "10"]) == 130
    assert _last_line(capsys) == (f"hatbox: interrupted (Ctrl-C again): the run was discarded, nothing written; "
                                  f"{out} is as it was")
    assert out.read_bytes() == b"the pack that was here"


@pytest.mark.parametrize("older", [True, False], ids=["over-a-pack", "no-pack"])
def test_a_ctrl_c_while_the_notes_load_says_nothing_was_written(tmp_path: Path, capsys, monkeypatch,
                                                               older: bool) -> None:
    import trainer.synth.pipeline as pipeline

    def loading(*_a, **_k):
        raise KeyboardInterrupt
    monkeypatch.setattr(pipeline, "load_folder", loading)
    out = tmp_path / "s.hatpack"
    if older:
        out.write_bytes(b"the pack that was here")
    assert main(["train", "synth", str(_notes(tmp_path / "notes")), "--out", str(out), *SYNTH]) == 130
    said = "hatbox: interrupted: nothing written" + (f"; {out} is as it was" if older else "")
    assert _last_line(capsys) == said


def test_sigterm_while_the_recordings_load_says_nothing_was_written(tmp_path: Path, capsys, monkeypatch) -> None:
    import trainer.effect.train as effect_train

    def loading(*_a, **_k):
        raise Terminated("SIGTERM")
    monkeypatch.setattr(effect_train, "load_data", loading)
    data = drive_folder(tmp_path / "data", seconds=1.2, settings=(0, 16))
    assert main(["train", "effect", str(data), "--out", str(tmp_path / "e.hatpack")]) == 143
    assert _last_line(capsys) == "hatbox: interrupted (SIGTERM): nothing written"


def test_the_second_ctrl_c_is_marked_as_discarding_the_run_and_the_first_is_not() -> None:
    from trainer.early_stop import is_discard
    with StopRequest(say=lambda _text: None) as stop:
        os.kill(os.getpid(), signal.SIGINT)
        assert stop.asked
        with pytest.raises(KeyboardInterrupt) as caught:
            os.kill(os.getpid(), signal.SIGINT)
    assert is_discard(caught.value) and not is_discard(KeyboardInterrupt())


def test_a_ctrl_c_after_the_pack_was_written_says_it_stays(tmp_path: Path, capsys, monkeypatch) -> None:
    import hatbox.replaced

    def keeping(*_a, **_k):             # what runs as soon as the pack is written
        raise KeyboardInterrupt
    monkeypatch.setattr(hatbox.replaced, "compare_and_keep", keeping)
    out = tmp_path / "s.hatpack"
    assert main(["train", "synth", str(_notes(tmp_path / "notes")), "--out", str(out), "--minutes", "0.02",
                 "--seconds", "0.5"]) == 130
    assert _last_line(capsys) == f"hatbox: interrupted after {out} was written: the new pack stays"
    assert out.is_file()

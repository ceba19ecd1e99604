"""A Ctrl-C that comes after training has ended, while the trainer scores the model and writes the pack, no longer
throws the run away (thirty-third stop's QA: one Ctrl-C a second after the last step of `train effect` left no pack,
"hatbox: interrupted", exit 130, against the README's "Ctrl-C once ... writes the pack").  A second one still
discards the run and leaves the older pack as it was."""
from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import Any, Callable

import pytest

from export.pack import read_pack
from hatbox.cli import main
from tests.effect.synth import drive_folder
from tests.synth.test_musician_data_p20 import _notes
from trainer.early_stop import LATE_WORDS, StopRequest


def _press_in(module: Any, name: str, presses: int, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Wrap ``module.name`` (a step of writing the pack) so that its first call sends this process ``presses``
    SIGINTs before it runs; returns the list its calls are counted in."""
    real, calls = getattr(module, name), []

    def press_then_run(*a: Any, **k: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:
            for _ in range(presses):
                os.kill(os.getpid(), signal.SIGINT)
        return real(*a, **k)
    monkeypatch.setattr(module, name, press_then_run)
    return calls


def _kinds(tmp_path: Path) -> dict[str, tuple[Callable[[], Any], str, list[str]]]:
    """kind -> (the module whose writing step is pressed in, its name, the `hatbox train` arguments)."""
    import export.onnx_effect
    import trainer.synth.pipeline
    import trainer.tagger.pipeline
    from tests.tagger.conftest import hiss, tag_tree, thump
    return {
        "effect": (lambda: export.onnx_effect, "export_effect",
                   ["effect", str(drive_folder(tmp_path / "data", seconds=1.2, settings=(0, 16))), "--max-steps", "3",
                    "--set", "batch=8", "--set", "eval_every_s=0", "--set", "model.hidden=8"]),
        "synth": (lambda: trainer.synth.pipeline, "write_report",
                  ["synth", str(_notes(tmp_path / "notes")), "--minutes", "0.01", "--seconds", "0.5"]),
        "tagger": (lambda: trainer.tagger.pipeline, "_evaluate",
                   ["tagger", str(tag_tree(tmp_path / "tags", {"kick": thump, "hat": hiss}, 6)), "--steps", "3",
                    "--threads", "1"]),
    }


@pytest.mark.parametrize("kind", ["effect", "synth", "tagger"])
def test_one_ctrl_c_while_the_pack_is_written_still_writes_it(tmp_path: Path, capsys, monkeypatch,
                                                               kind: str) -> None:
    module, name, args = _kinds(tmp_path)[kind]
    calls = _press_in(module(), name, 1, monkeypatch)
    out = tmp_path / "p.hatpack"
    assert main(["train", *args, "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert calls and read_pack(out).manifest.kind == kind
    assert "hatbox: interrupted" not in err
    assert not read_pack(out).manifest.metrics.get("stopped_early")       # it had not stopped anything early


@pytest.mark.parametrize("kind", ["effect", "tagger"])
def test_a_second_ctrl_c_while_the_pack_is_written_discards_the_run(tmp_path: Path, capsys, monkeypatch,
                                                                    kind: str) -> None:
    module, name, args = _kinds(tmp_path)[kind]
    _press_in(module(), name, 2, monkeypatch)
    out = tmp_path / "p.hatpack"
    out.write_bytes(b"the pack that was here")
    assert main(["train", *args, "--out", str(out)]) == 130
    assert out.read_bytes() == b"the pack that was here"
    err = capsys.readouterr().err
    assert ("hatbox: interrupted" in err or "nothing written" in err) and "Traceback" not in err


def test_a_ctrl_c_after_training_says_the_pack_is_being_written() -> None:
    said: list[str] = []
    with StopRequest(say=said.append) as stop:
        stop.training_over()
        os.kill(os.getpid(), signal.SIGINT)
        assert said == [LATE_WORDS] and stop.asked and said == [LATE_WORDS]      # said once, by the handler
        with pytest.raises(KeyboardInterrupt):
            os.kill(os.getpid(), signal.SIGINT)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler

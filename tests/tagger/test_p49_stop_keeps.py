"""Forty-ninth stop's regression QA ("month2", M8): a Ctrl-C while a retrain's closing lines were printed (the
summary, its "next:" advice) deleted the pack it replaced and left the new one at version 0.1.0: the older pack was
kept, and the version carried, only after the summary.  Each of the three trainers, stopped from its summary."""
from __future__ import annotations

import dataclasses
import signal
from pathlib import Path
from types import SimpleNamespace

import pytest

from export.pack import MANIFEST, SIGNATURE, read_pack, write_pack
from hatbox.errors import Terminated
from hatbox.replaced import Keeper, kept_if_stopped, kept_path, older_pack


def _pack(src: Path, out: Path, kind: str, version: str, score: float) -> Path:
    """A copy of pack ``src`` at ``out``, of ``kind``, named "mine", at ``version``, scoring ``score``."""
    pack = read_pack(src)
    key = "holdout_macro_f1" if kind == "tagger" else "val_esr"
    manifest = dataclasses.replace(pack.manifest, kind=kind, name="mine", version=version, metrics={key: score})
    return write_pack(out, manifest, {k: v for k, v in pack.members.items() if k not in (MANIFEST, SIGNATURE)})


def _stopped(*_a, **_k):
    raise KeyboardInterrupt


@pytest.mark.parametrize("kind", ["tagger", "effect", "synth"])
def test_a_stop_while_the_summary_is_printed_keeps_the_older_pack_and_carries_the_version(
        kind: str, small_pack: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    from hatbox.cli import main
    out = _pack(small_pack, tmp_path / "mine.hatpack", kind, "0.1.4", 0.5)
    before = out.read_bytes()

    def wrote(*_a, **_k):
        _pack(small_pack, out, kind, "0.1.0", 0.6)
        return "wrote it\nnext: try more" if kind == "tagger" else (
            SimpleNamespace(metrics={"val_esr": 0.6}) if kind == "effect" else {"val_esr": 0.6, "train_steps": 1})
    if kind == "tagger":
        import hatbox.train_output
        import trainer.tagger.pipeline
        monkeypatch.setattr(trainer.tagger.pipeline, "train_and_export", wrote)
        monkeypatch.setattr(hatbox.train_output, "say_summary", _stopped)
    elif kind == "effect":
        import hatbox.cmd_effect
        import trainer.accel
        import trainer.effect.train
        monkeypatch.setattr(trainer.effect.train, "train_effect", wrote)
        monkeypatch.setattr(trainer.accel, "planned_device", lambda *_a, **_k: None)
        monkeypatch.setattr(hatbox.cmd_effect, "print_summary", _stopped)
    else:
        import hatbox.cmd_synth
        import trainer.synth.pipeline
        monkeypatch.setattr(trainer.synth.pipeline, "train_to_pack", wrote)
        monkeypatch.setattr(hatbox.cmd_synth, "summary_lines", _stopped)
    rc = main(["train", kind, str(tmp_path), "--out", str(out)])
    cap = capsys.readouterr()
    assert rc == 130, cap
    assert kept_path(out).read_bytes() == before
    assert read_pack(out).manifest.version == "0.1.5"
    assert f"the older pack is kept as {kept_path(out)}" in cap.out
    assert "mine 0.1.5 (the pack it replaced was 0.1.4)" in cap.out


def test_the_keep_runs_once_and_its_lines_are_said_once_when_stopped_after(small_pack: Path, tmp_path: Path,
                                                                           capsys) -> None:
    """keep() before the summary, a stop after it: the lines are printed by the stop, once; keep() not run again
    (a second run would say the kept pack replaced itself)."""
    out = _pack(small_pack, tmp_path / "mine.hatpack", "tagger", "0.1.4", 0.5)
    older = older_pack(out, "tagger")
    with pytest.raises(Terminated):
        with kept_if_stopped(older, out) as keeper:
            _pack(small_pack, out, "tagger", "0.1.0", 0.6)
            lines = keeper.keep()
            assert keeper.keep() is lines and capsys.readouterr().out == ""
            raise Terminated("SIGTERM")
    said = capsys.readouterr().out.splitlines()
    assert said == lines and sum("the older pack is kept" in line for line in said) == 1
    assert "in place of" not in "\n".join(said)


def test_a_signal_during_the_keep_is_met_after_it(small_pack: Path, tmp_path: Path, monkeypatch) -> None:
    """Ctrl-C while the older pack is being kept waits until it is kept (its lines are there when it is met)."""
    import os

    import hatbox.replaced as replaced
    out = _pack(small_pack, tmp_path / "mine.hatpack", "tagger", "0.1.4", 0.5)
    keeper = Keeper(older_pack(out, "tagger"), out)
    _pack(small_pack, out, "tagger", "0.1.0", 0.6)
    real = replaced.compare_and_keep

    def signalled(*a, **k):
        os.kill(os.getpid(), signal.SIGINT)          # held back: met only once the keep is done
        return real(*a, **k)
    monkeypatch.setattr(replaced, "compare_and_keep", signalled)
    with pytest.raises(KeyboardInterrupt):
        keeper.keep()
    assert keeper.lines and kept_path(out).is_file() and read_pack(out).manifest.version == "0.1.5"

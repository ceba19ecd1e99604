"""p54 final read (MF2): `hatbox train tagger` ends a second Ctrl-C in the words of synth and effect ("the run was
discarded, nothing written; X is as it was", one rule in hatbox.errors.stopped_words), keeping its "held-out report
may be missing" after the pack was written; the tagger's data loader says an unreadable folder as the others do
(hatbox.file_access); the re-tag line names the pack whose tags stay listed; bench/tagger_loop.py passes the front
end's training options on (they were accepted and ignored)."""
from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

pytest.importorskip("torch")

from hatbox.cli import main
from hatbox.errors import DataError, file_state, stopped_words
from trainer.early_stop import discarding
from trainer.tagger.data import load_items

from .conftest import hiss, tag_tree, thump


@pytest.fixture
def tree(tmp_path):
    return tag_tree(tmp_path / "data", {"kick": thump, "hat": hiss}, 6)


def _train(tree: Path, out: Path) -> int:
    return main(["train", "tagger", str(tree), "--out", str(out), "--steps", "2", "--threads", "1"])


def _last_line(capsys) -> str:
    return capsys.readouterr().err.strip().splitlines()[-1]


@pytest.mark.parametrize("older", [True, False], ids=["over-a-pack", "no-pack"])
def test_a_second_ctrl_c_says_the_tagger_run_was_discarded(tree, tmp_path, capsys, monkeypatch, older) -> None:
    import trainer.tagger.pipeline as pipeline

    def second_ctrl_c(*_a, **_k):
        raise discarding(KeyboardInterrupt())
    monkeypatch.setattr(pipeline, "train", second_ctrl_c)
    out = tmp_path / "t.hatpack"
    if older:
        out.write_bytes(b"the last good pack")
    assert _train(tree, out) == 130
    kept = f"; {out} is as it was" if older else ""
    assert _last_line(capsys) == f"hatbox: interrupted (Ctrl-C again): the run was discarded, nothing written{kept}"
    assert out.exists() == older


def test_a_ctrl_c_after_the_tagger_pack_was_written_says_it_stays_and_the_report_may_be_missing(
        tree, tmp_path, capsys, monkeypatch) -> None:
    import trainer.tagger.pipeline as pipeline

    def ctrl_c(*_a, **_k):
        raise KeyboardInterrupt
    monkeypatch.setattr(pipeline, "_write_report", ctrl_c)
    out = tmp_path / "t.hatpack"
    assert _train(tree, out) == 130
    assert _last_line(capsys) == (f"hatbox: interrupted after {out} was written: the new pack stays; its held-out "
                                  "report may be missing")


def test_render_and_training_share_one_rule(tmp_path) -> None:
    out = tmp_path / "x.wav"
    out.write_bytes(b"old")
    before = file_state(out)
    assert stopped_words("render stopped (Ctrl-C)", out, before) == \
        f"render stopped (Ctrl-C): nothing written; {out} is as it was"
    assert stopped_words("interrupted", tmp_path / "none", None) == "interrupted: nothing written"
    os.utime(out, ns=(1, 1))
    assert stopped_words("interrupted", out, before, written=": the new pack stays") == \
        f"interrupted after {out} was written: the new pack stays"


def test_a_training_folder_that_cannot_be_read_is_said_as_the_other_trainers_say_it(tree, monkeypatch) -> None:
    real = Path.iterdir

    def refusing(self):
        if self == tree:
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)
    monkeypatch.setattr(Path, "iterdir", refusing)
    with pytest.raises(DataError) as err:
        load_items(tree)
    assert err.value.message == f"cannot read the training folder {tree}: permission denied"
    assert err.value.hint.startswith(f"let your user read it: chmod -R u+rX {tree}")


def test_the_going_on_line_names_the_pack_whose_tags_stay_listed(tmp_path, monkeypatch) -> None:
    import hatbox.retag_words as words
    from device.library.retag import Retag
    part = Retag(pack="tagger-drums 0.2.0", pack_file="", old="mywords 0.1.0", done=3, total=6, running=False,
                 model="m1")
    monkeypatch.setattr(words, "_retag", lambda _db: part)
    line = words.start_line(tmp_path / "lib.db", "tagging all 6 files again", model="m1")
    assert "the listings keep the tags of mywords 0.1.0 until every file is tagged again" in line
    assert "keep its tags" not in line
    monkeypatch.setattr(words, "_retag", lambda _db: None)
    assert "the listings keep the old tags until" in words.start_line(tmp_path / "lib.db", "again", model="m1")


def test_the_loop_bench_passes_the_training_options_on() -> None:
    bench = Path(__file__).resolve().parents[2] / "bench" / "tagger_loop.py"
    spec = importlib.util.spec_from_file_location("tagger_loop_mf2", bench)
    loop = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(loop)
    args = loop.parser().parse_args(["--from", "run", "--aug-strength", "1.5", "--batch", "64", "--steps", "7"])
    opts = loop.train_options(args)
    assert (opts.aug_strength, opts.batch, opts.steps) == (1.5, 64, 7)

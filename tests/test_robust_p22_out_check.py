"""One check of a pack's ``--out`` (export.atomic.check_out) for `hatbox train tagger`, `hatbox train effect` and
`hatbox pack sign`, with one wording.  Before, the three differed: the tagger and the signer took a pipe (or any
file that is not a regular one) as --out and replaced it once the work was done, and the signer said
"cannot write X" where the trainers said "cannot write --out X"."""
from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

import trainer.effect.train
import trainer.tagger.pipeline
from export.atomic import check_out
from export.signing import generate_key, private_pem
from hatbox.cli import main
from hatbox.errors import HatboxError
from tests.api.packs import gain_pack
from tests.tagger.conftest import hiss, tag_tree, thump


def _key(tmp: Path) -> Path:
    (tmp / "me.pem").write_bytes(private_pem(generate_key()))
    return tmp / "me.pem"


def _fifo(path: Path) -> Path:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes here")
    os.mkfifo(path)
    return path


def test_the_trainers_use_the_one_check() -> None:
    assert trainer.tagger.pipeline.check_out is check_out and trainer.effect.train.check_out is check_out


def test_pack_sign_to_a_pipe_is_refused_and_the_pipe_stays(tmp_path: Path, capsys) -> None:
    pack, out = gain_pack(tmp_path / "fx.hatpack"), _fifo(tmp_path / "pipe.hatpack")
    rc = main(["pack", "sign", str(pack), "--key", str(_key(tmp_path)), "--out", str(out)])
    err = capsys.readouterr().err
    assert rc == 2 and f"--out {out} is not a regular file" in err and "internal error" not in err
    assert stat.S_ISFIFO(out.lstat().st_mode)


def test_train_tagger_to_a_pipe_is_refused_before_decoding(tmp_path: Path, capsys, monkeypatch) -> None:
    tree = tag_tree(tmp_path / "data", {"kick": thump, "hat": hiss}, 2)

    def refuse(*args, **kwargs):
        raise AssertionError("audio was decoded before the check")
    monkeypatch.setattr(trainer.tagger.pipeline, "decode_clips", refuse)
    out = _fifo(tmp_path / "pipe.hatpack")
    rc = main(["train", "tagger", str(tree), "--out", str(out), "--steps", "2", "--threads", "1"])
    err = capsys.readouterr().err
    assert rc == 2 and f"--out {out} is not a regular file" in err and "internal error" not in err
    assert stat.S_ISFIFO(out.lstat().st_mode)


def test_an_out_under_a_file_reads_the_same_for_training_and_signing(tmp_path: Path, capsys) -> None:
    plain = tmp_path / "plain"
    plain.write_text("a file, not a folder")
    out = plain / "x.hatpack"
    said = f"cannot write --out {out}: {plain} is a file, not a folder"
    with pytest.raises(HatboxError) as err:
        trainer.effect.train.check_out(out)
    assert str(err.value).splitlines()[0] == said
    rc = main(["pack", "sign", str(gain_pack(tmp_path / "fx.hatpack")), "--key", str(_key(tmp_path)),
               "--out", str(out)])
    assert rc == 2 and said in capsys.readouterr().err


def test_signing_into_a_missing_folder_says_so_the_trainers_make_it(tmp_path: Path) -> None:
    out = tmp_path / "new" / "x.hatpack"
    assert check_out(out) == out                                 # the trainers make the folder when they write
    with pytest.raises(HatboxError, match=r"^cannot write --out .*x\.hatpack: no folder .*new\n  hint: make the"):
        check_out(out, folder_must_exist=True)
    assert not (tmp_path / "new").exists()


def test_train_synth_to_a_pipe_is_refused_before_training(tmp_path: Path) -> None:
    """The synth trainer had its own check (a folder, a writable parent): a named pipe passed it, and the pack
    writer replaced the pipe after the training minutes."""
    from hatbox.errors import HatboxError
    from trainer.synth.pipeline import check_outputs
    out = _fifo(tmp_path / "pipe.hatpack")
    with pytest.raises(HatboxError, match="is not a regular file"):
        check_outputs(out, "pad", tmp_path / "report")
    assert stat.S_ISFIFO(out.lstat().st_mode)
    check_outputs(tmp_path / "new" / "pad.hatpack", "pad", tmp_path / "report")     # a folder to be made is fine

"""p50 L1: the words a Ctrl-C says once training has ended (trainer.early_stop.LATE_WORDS) said "press Ctrl-C again to
discard the run instead"; a second Ctrl-C discards it only until the pack is written: after that the new pack stays
and the older one is kept as NAME.prev.hatpack (hatbox.replaced.kept_if_stopped).  The words now say both, and this
holds them to what `hatbox train tagger` does at either moment."""
from __future__ import annotations

from pathlib import Path

import pytest

from export.pack import read_pack
from hatbox.cli import main
from hatbox.replaced import kept_path
from tests.api.packs import tagger_pack
from tests.test_p33_late_ctrl_c import _kinds, _press_in
from trainer.early_stop import LATE_WORDS


def test_the_late_words_promise_no_discard_once_the_pack_is_written() -> None:
    assert "discard" not in LATE_WORDS
    assert "before the pack is written, nothing is written" in LATE_WORDS


def test_the_late_words_name_the_kept_pack_as_it_is_named_and_only_if_there_was_one() -> None:
    """p50 M1 (review): they showed the literal "NAME.prev.hatpack", read "before the pack is written nothing is",
    and spoke of the older pack as if there always was one."""
    assert "NAME" not in LATE_WORDS and "nothing is (" not in LATE_WORDS
    assert f"pedal.hatpack's as {kept_path(Path('pedal.hatpack')).name}" in LATE_WORDS       # as kept_path names it
    assert "a pack already at --out stays" in LATE_WORDS and "a pack it replaced is kept" in LATE_WORDS
    assert "the older one" not in LATE_WORDS


@pytest.mark.parametrize("step, written", [("_evaluate", False), ("_remove_old_report", True)])
def test_a_second_ctrl_c_leaves_what_the_words_say(tmp_path: Path, capfd: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch, step: str, written: bool) -> None:
    """Two Ctrl-Cs while scoring (before the pack is written): the older pack as it was, none kept beside it; two
    right after the pack is written: the new pack at --out, the older one kept as kept_path names it."""
    import trainer.tagger.pipeline
    _, _, args = _kinds(tmp_path)["tagger"]
    out = tagger_pack(tmp_path / "p.hatpack", name="older")
    older = out.read_bytes()
    calls = _press_in(trainer.tagger.pipeline, step, 2, monkeypatch)
    assert main(["train", *args, "--out", str(out)]) == 130
    said = capfd.readouterr()                             # (the words go straight to fd 2)
    err = said.err
    assert calls and LATE_WORDS in err and "Traceback" not in err
    if written:
        assert out.read_bytes() != older and read_pack(out).manifest.kind == "tagger"
        assert kept_path(out).read_bytes() == older
        assert kept_path(out).name in said.out + err, said
    else:
        assert out.read_bytes() == older and not kept_path(out).exists()

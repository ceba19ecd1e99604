"""`hatbox train tagger`'s warnings are said once where stdout and stderr lead to one place (QA, p41: "3 tags have
only one example", the space-only folder name and the empty folder were each printed twice), and the line of tags
missing from the held-out report names every tag the table shows with nothing held out (a file's second tag too)."""
from __future__ import annotations

import sys

import pytest

from hatbox.cli import main
from trainer.tagger.data import Item
from trainer.tagger.pipeline import _holdout_note, holdout_split

from tests.tagger.conftest import hiss, tag_tree, thump


def test_each_warning_once_when_both_streams_go_to_one_log(tmp_path, monkeypatch):
    pytest.importorskip("torch")
    tree = tag_tree(tmp_path / "data", {"kick": thump, "hat": hiss}, 4, rate=16000)
    (tree / "empty").mkdir()
    log = open(tmp_path / "log.txt", "w+")
    monkeypatch.setattr(sys, "stdout", log)
    monkeypatch.setattr(sys, "stderr", log)
    code = main(["train", "tagger", str(tree), "--out", str(tmp_path / "t.hatpack"), "--steps", "2",
                 "--threads", "1"])
    log.flush()
    said = (tmp_path / "log.txt").read_text()
    assert code == 0, said
    assert said.count("holds no audio files") == 1, said
    assert "trained on" in said


def test_the_held_out_line_names_a_tag_the_table_shows_with_none_held_out():
    items = [Item(f"/k{i}.wav", ("acoustic",)) for i in range(6)] + \
        [Item(f"/s{i}.wav", ("snare",)) for i in range(6)] + \
        [Item("/a.wav", ("acoustic", "kick")), Item("/b.wav", ("acoustic", "kick"))] + \
        [Item(f"/x{i}.wav", ("808",)) for i in range(2)]
    train, held = holdout_split(items, 0.3, 0)
    note = _holdout_note(items, held)
    held_tags = {t for it in held for t in it.tags}
    for tag in ("acoustic", "snare", "kick", "808"):
        assert (f"{tag} (" in note) == (tag not in held_tags), (tag, note)
    assert "808 (2)" in note and "kick (2)" in note

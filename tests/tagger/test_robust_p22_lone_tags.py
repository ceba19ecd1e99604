"""`hatbox train tagger` warns about tags with one example only (legal, but weak), naming them with their
counts and asking for more; counted on the files training gets (a second file that does not decode leaves one)."""
from __future__ import annotations

from pathlib import Path

import pytest
import soundfile as sf

pytest.importorskip("torch")

from hatbox.cli import main
from trainer.tagger.data import Item, lone_tags_warning

from .conftest import hiss, tag_tree, thump


def test_no_warning_when_every_tag_has_two_examples_or_more() -> None:
    items = [Item(Path(f"{t}{i}.wav"), (t,)) for t in ("kick", "hat") for i in range(2)]
    assert lone_tags_warning(items) == ""
    assert "'snare' (1)" in lone_tags_warning(items + [Item(Path("s.wav"), ("snare", "kick"))])


def test_many_lone_tags_are_counted_and_the_first_ten_named() -> None:
    items = [Item(Path(f"{i}.wav"), (f"t{i:02d}",)) for i in range(13)]
    first, hint = lone_tags_warning(items).split("\n")
    assert first.startswith("warning: 13 tags have only one example: 't00' (1), ")
    assert "'t09' (1) and 3 more;" in first and "'t10'" not in first
    assert hint == "  hint: add a few more examples of each (5 or more per tag recommended)"


def test_train_tagger_warns_of_tags_with_one_usable_example(tmp_path: Path, capsys) -> None:
    tree = tag_tree(tmp_path / "data", {"kick": thump, "hat": hiss}, 3)
    (tree / "clap").mkdir()
    sf.write(tree / "clap" / "only.wav", hiss(16000, seed=9), 16000)
    (tree / "tom").mkdir()
    sf.write(tree / "tom" / "good.wav", thump(16000, seed=8), 16000)
    (tree / "tom" / "broken.wav").write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunk")     # listed, never decoded
    rc = main(["train", "tagger", str(tree), "--out", str(tmp_path / "t.hatpack"), "--steps", "2", "--threads", "1",
               "--holdout", "0"])
    said = capsys.readouterr()
    out = said.out
    assert rc == 0 and (tmp_path / "t.hatpack").is_file()
    # said before training too (stderr), so that the musician need not wait for the summary to add examples
    assert "2 tags have only one example" in said.err and "Ctrl-C stops it" in said.err
    # said once, on stderr, as every warning (p44: before, again on stdout in the summary)
    assert said.err.count("warning: 2 tags have only one example: 'clap' (1), 'tom' (1);") == 1
    assert said.err.count("hint: add a few more examples of each (5 or more per tag recommended)") == 1
    assert "'kick'" not in said.err and "'hat'" not in said.err and "warning:" not in out

"""`hatbox train tagger --shots N` (p34 QA): tags with fewer than N samples to train on are named in one line
(it passed without a word); the one-example warning counts the samples --shots leaves (with --shots 1 it
named only the tags that had one example before)."""
from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("torch")

from hatbox.cli import main
from trainer.tagger.data import Item, lone_tags_warning

from .conftest import hiss, tag_tree, thump


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    other = lambda rate, seed: thump(rate, seed=seed + 50)      # noqa: E731 (tom: sounds of its own, not kick's)
    return tag_tree(tmp_path / "data", {"kick": thump, "hat": hiss, "tom": other}, 6)


def _train(tree: Path, out: Path, *args: str) -> int:
    return main(["train", "tagger", str(tree), "--out", str(out), "--steps", "1", "--threads", "1", *args])


def test_shots_above_what_tags_have_names_those_tags_in_one_line(tree, tmp_path, capsys):
    (tree / "tom" / "5.wav").unlink()
    (tree / "tom" / "4.wav").unlink()                  # tom: 4 files, 1 held out: 3 to train on
    assert _train(tree, tmp_path / "t.hatpack", "--shots", "5") == 0
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if "--shots 5" in line]
    assert lines == ["note: --shots 5: 1 tag has fewer than 5 samples to train on, so each is trained on all it "
                     "has: tom (3)"]


def test_shots_above_every_tag_says_it_changes_nothing(tree, tmp_path, capsys):
    assert _train(tree, tmp_path / "t.hatpack", "--shots", "50") == 0
    out = capsys.readouterr().out
    assert "note: --shots 50: 3 tags have fewer than 50 samples to train on" in out
    assert "--shots changes nothing): hat (5), kick (5), tom (5)" in out


def test_shots_1_warns_of_every_tag_trained_on_one_example(tree, tmp_path, capsys):
    assert _train(tree, tmp_path / "t.hatpack", "--shots", "1") == 0
    out, err = capsys.readouterr()
    # said once, on stderr, as every warning (p44: before, again on stdout in the summary)
    assert err.count("warning: 3 tags have only one example: 'hat' (1), 'kick' (1), 'tom' (1)") == 1
    assert err.count("hint: --shots 1 trains on one example of each tag") == 1
    assert "warning:" not in out and "hint: --shots 1" not in out
    assert "trained on 3 samples" in out


def test_without_shots_no_shots_note_and_the_usual_hint(tree, tmp_path, capsys):
    assert _train(tree, tmp_path / "t.hatpack") == 0
    out = capsys.readouterr().out
    assert "--shots" not in out and "only one example" not in out


def test_short_of_shots_counts_by_first_tag():
    from trainer.tagger.data import short_of_shots
    items = [Item(Path(f"k{i}.wav"), ("kick",)) for i in range(4)] + [Item(Path("s.wav"), ("snare", "kick"))]
    assert short_of_shots(items, 4) == ("note: --shots 4: 1 tag has fewer than 4 samples to train on, so each is "
                                        "trained on all it has: snare (1)")
    assert short_of_shots(items, 1) == ""
    assert "hint: add a few more examples" in lone_tags_warning(items[-1:], shots=3)     # not --shots 1: the usual

"""A sound copied into two tag folders of a training tree is one sample with both tags (QA, p41: bd_02.flac in
thump/ and crack/ was two samples with contradictory single tags, which could be split between training and the
held-out report)."""
from __future__ import annotations

import shutil

import soundfile as sf

from trainer.tagger.data import WILL_BE_MULTI_LABEL, load_items
from trainer.tagger.pipeline import holdout_split

from tests.tagger.conftest import hiss, tag_tree, thump


def _tree(tmp_path):
    return tag_tree(tmp_path / "tags", {"thump": thump, "crack": hiss}, 5, rate=16000)


def test_a_copy_in_two_tag_folders_is_one_sample_with_both_tags(tmp_path):
    root = _tree(tmp_path)
    shutil.copy(root / "thump" / "2.wav", root / "crack" / "kick copy.wav")
    notes: list[str] = []
    items = load_items(root, notes)
    assert len(items) == 10                       # 11 files, 10 sounds
    both = [it for it in items if len(it.tags) > 1]
    assert [it.tags for it in both] == [("crack", "thump")]
    said = "\n".join(notes)
    assert "crack/kick copy.wav and thump/2.wav are the same sound" in said
    assert WILL_BE_MULTI_LABEL in said            # said once: the generic mixed-tags warning is not said too
    for seed in range(20):                        # never on both sides of the split: there is one of it
        train, held = holdout_split(items, 0.3, seed)
        paths = [it.path for it in train + held]
        assert len(paths) == len(set(paths)) == 10


def test_copies_under_one_tag_and_a_tree_without_copies_are_as_they_were(tmp_path):
    root = _tree(tmp_path)
    notes: list[str] = []
    plain = load_items(root, notes)
    assert len(plain) == 10 and not any("same sound" in n for n in notes)
    (root / "thump" / "sub").mkdir()
    shutil.copy(root / "thump" / "1.wav", root / "thump" / "sub" / "again.wav")
    sf.write(root / "thump" / "other.wav", thump(16000, seed=99), 16000)     # same size, other bytes
    notes = []
    items = load_items(root, notes)
    assert len(items) == 12 and all(len(it.tags) == 1 for it in items)
    assert not any("same sound" in n or WILL_BE_MULTI_LABEL in n for n in notes)


def test_a_corrections_csv_given_after_the_tree_wins_over_the_tree_s_copy_of_its_file(tmp_path):
    """QA of the stop's changes: a tree's kick and a corrections CSV's byte-identical copy of it tagged tom trained as
    two samples (kick and tom), one of which could be held out; a later source's tags win, as for the same path."""
    from trainer.tagger.data import load_sources
    root = _tree(tmp_path)
    lib = tmp_path / "lib"
    lib.mkdir()
    shutil.copy(root / "thump" / "2.wav", lib / "Kick-Hard.wav")
    fixes = tmp_path / "fixes.csv"
    fixes.write_text(f"path,tags\n{lib / 'Kick-Hard.wav'},tom\n")
    notes: list[str] = []
    items = load_sources([root, fixes], notes)
    assert len(items) == 10 and {it.path.name: it.tags for it in items}["Kick-Hard.wav"] == ("tom",)
    assert not any(it.path == (root / "thump" / "2.wav").resolve() for it in items)
    assert any("is the same sound as" in n and "a later source's tags win" in n for n in notes), notes
    assert len(load_sources([root], [])) == 10                                   # one source: as before

"""A sound designer's own words at training (fifty-first stop, fixes W3, W5, W7, W8): a typo'd word beside the word it
misspells is flagged as a likely slip; a word on every file is warned of and left out of the macro-F1; a tree's "one tag
a file, but copies made it multi-label" warning is not said beside a CSV of several words a row; the counts of rare
words agree ("1 more word"; --shots' picks said as such)."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import soundfile as sf

from trainer.tagger.data import WILL_BE_MULTI_LABEL, Item, load_sources, lone_tags_warning
from trainer.tagger.pipeline import everywhere_warning, few_examples_line, on_every_file, slips_warning
from trainer.tagger.report import evaluate, format_report


def _items(**counts: int) -> list[Item]:
    """Items with one word each, ``counts[word]`` of each."""
    return [Item(Path(f"/x/{w}{i}.wav"), (w,)) for w, n in counts.items() for i in range(n)]


def test_a_typo_beside_the_word_it_misspells_is_flagged() -> None:
    said = slips_warning(_items(metallic=5, metalic=1, wooden=4, airy=1, brite=1, bright=6))
    assert said.startswith("warning: 1 word looks like a slip of another: 'metalic' (1): did you mean 'metallic' (5)?")
    assert "brite" not in said and "airy" not in said           # two edits from bright; no word near airy
    assert "fix the CSV or rename the folder" in said
    assert slips_warning(_items(kick=5, snare=5, hat=3)) == ""
    tie = slips_warning(_items(lofi=2, **{"lo-fi": 2}))          # one line a pair, on a tie too
    assert tie.count("did you mean") == 1


def _with_mine(n: int = 6) -> list[Item]:
    words = ("bright", "dark", "long")
    return [Item(Path(f"/x/{i}.wav"), ("mine", words[i % 3])) for i in range(n)]


def test_a_word_on_every_file_is_warned_of() -> None:
    items = _with_mine()
    assert on_every_file(items) == ("mine",)
    said = everywhere_warning(items)
    assert said.startswith("warning: 'mine' is on every file (6): it tells the sounds nothing apart; the tagger will "
                           "give it to every file (`hatbox tag --untagged` then lists none), and it is left out of the "
                           "held-out macro-F1"), said
    assert on_every_file(_items(a=2, b=2)) == ()
    assert on_every_file([Item(Path("/x/1.wav"), ("a", "b"))]) == ()       # every word everywhere: nothing to leave


def test_a_word_on_every_file_is_left_out_of_the_macro_f1() -> None:
    tags = ["bright", "dark", "mine"]
    y = np.array([[1, 0, 1], [0, 1, 1], [1, 0, 1], [0, 1, 1]], np.float32)
    probs = np.array([[.9, .1, .9], [.9, .1, .9], [.9, .1, .9], [.1, .9, .9]], np.float32)   # one dark file missed
    with_it, without = evaluate(probs, y, tags, exclusive=False), evaluate(probs, y, tags, exclusive=False,
                                                                           left_out=("mine",))
    assert without["macro_f1"] < with_it["macro_f1"]                  # 'mine' (F1 1.0) lifted it
    assert without["macro_f1_words"] == 2 and without["macro_f1_left_out"] == ["mine"]
    assert without["per_tag"]["mine"]["f1"] == 1.0                     # still in the table
    text = format_report(without)
    assert (f"macro-F1 {without['macro_f1']:.3f} over 2 words; 'mine' is on every file: left out (it tells the sounds "
            "nothing apart)") in text, text


def test_report_json_of_several_words_a_file_carries_what_the_picture_shows() -> None:
    tags = ["bright", "long", "mine"]
    y = np.array([[1, 1, 1], [0, 1, 1], [1, 0, 1]], np.float32)
    rep = evaluate(y * 0.9, y, tags, exclusive=False)
    assert "confusion" not in rep                                       # every row "heard as" its top guess
    assert rep["per_tag_columns"] == ["found", "missed", "given wrongly"]
    assert rep["per_tag_counts"] == [[2, 0, 0], [2, 0, 0], [3, 0, 0]]
    one = np.eye(3, dtype=np.float32)
    single = evaluate(one * 0.9, one, tags)
    assert single["confusion"] == [[1, 0, 0], [0, 1, 0], [0, 0, 1]] and "per_tag_counts" not in single


def _wav(path: Path, seed: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(path, np.random.default_rng(seed).uniform(-0.5, 0.5, 800).astype(np.float32), 16000)


def _tree_with_copies(root: Path) -> Path:
    """A tree of one tag a file but for one sound copied into two tag folders."""
    for i in range(3):
        _wav(root / "long" / f"l{i}.wav", i)
        _wav(root / "short" / f"s{i}.wav", 10 + i)
    _wav(root / "short" / "l0.wav", 0)                                  # the same bytes as long/l0.wav
    return root


def test_the_copies_warning_is_not_said_beside_a_csv_of_several_words_a_row(tmp_path: Path) -> None:
    tree = _tree_with_copies(tmp_path / "words")
    alone: list[str] = []
    load_sources([tree], alone)
    assert any(WILL_BE_MULTI_LABEL in n for n in alone)                # the tree alone: said, as before
    csv = tmp_path / "words.csv"
    csv.write_text("words/long/l1.wav,long,mine\nwords/short/s1.wav,short,mine,dark\n")
    notes: list[str] = []
    items = load_sources([tree, csv], notes)
    assert not any(WILL_BE_MULTI_LABEL in n for n in notes), notes
    assert any(len(it.tags) > 2 for it in items)
    one_each = tmp_path / "one.csv"                                    # a CSV of one word a row: the copies do it
    one_each.write_text("words/long/l1.wav,long\n")
    notes = []
    load_sources([tree, one_each], notes)
    assert any(WILL_BE_MULTI_LABEL in n for n in notes)


def test_the_few_examples_note_counts_beside_the_one_example_warning() -> None:
    items = _items(glassy=2, airy=1, brite=1, metallic=6)
    assert "'airy' (1), 'brite' (1)" in lone_tags_warning(items)
    assert "\nnote: 1 more word has fewer than 5 examples (files listed, held-out ones too): glassy 2" in \
        few_examples_line(items)
    assert "note: 1 word has fewer than 5 examples" in few_examples_line(_items(glassy=2, metallic=6))


def test_shots_say_how_many_of_a_words_files_they_kept() -> None:
    picked = [Item(Path("/x/a.wav"), ("bright", "glassy")), Item(Path("/x/b.wav"), ("bright",))]
    said = lone_tags_warning(picked, shots=3, listed=Counter(bright=5, glassy=2, metalic=1, airy=3))
    assert "'glassy' (1 of its 2 training files: --shots 3 picks a file by its first word)" in said, said
    assert "'airy' (none of its 3 training files: --shots 3 picks a file by its first word)" in said
    assert "one example or none to train on" in said
    assert "'metalic' (none of its 1 training file: --shots 3" in said          # no example at all to train on
    assert lone_tags_warning(picked, listed=Counter(bright=2, glassy=1)) == \
        lone_tags_warning(picked)                                       # without --shots: as before

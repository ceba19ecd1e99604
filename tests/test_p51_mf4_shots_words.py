"""--shots' warning of the words it kept one file of or none (fifty-first stop's final reading, MF4 2): it counts a
word's training files and says so ("none of its 12 training files", not "of its 12 files" beside 15 listed), and its
hint for a word --shots skipped files of is a larger --shots or that word put first, not more examples."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

from trainer.tagger.data import Item, lone_tags_warning


def _picked() -> list[Item]:
    """What --shots 3 kept: three 'dark' files, one of them 'glassy' too; none of 'bright' (its files came second)."""
    return [Item(Path(f"/x/{i}.wav"), ("dark", "glassy") if i == 0 else ("dark",)) for i in range(3)]


def test_a_word_shots_skipped_is_told_a_larger_shots_or_to_put_it_first() -> None:
    said = lone_tags_warning(_picked(), shots=3, listed=Counter(dark=12, bright=12))
    assert "'bright' (none of its 12 training files: --shots 3 picks a file by its first word)" in said, said
    first, hint = said.split("\n")
    assert "a larger --shots, or put that word first" in hint and "add a few more" not in hint, hint


def test_a_rare_word_beside_a_skipped_one_is_told_both() -> None:
    said = lone_tags_warning(_picked(), shots=3, listed=Counter(dark=12, bright=12, glassy=1))
    assert "'glassy' (1)" in said and "'bright' (none of its 12 training files" in said, said
    hint = said.split("\n")[1]
    assert "a larger --shots, or put that word first" in hint and "of the others, add a few more examples" in hint


def test_only_rare_words_are_told_more_examples() -> None:
    said = lone_tags_warning(_picked(), shots=3, listed=Counter(dark=12, glassy=1))
    assert said.split("\n")[1] == "  hint: add a few more examples of each (5 or more per tag recommended)", said

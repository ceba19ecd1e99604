"""p49 final read (FM1): the rule that says whether renaming a word merges it into another, one pure function for the
laptop's tag database and the box's corrections waiting for a first tagging (device.library.words.merge_into), and
foreign_of's answer when the tagger's words are not known."""
from __future__ import annotations

import pytest

from device.library.words import WordInUse, foreign_of, merge_into

USES = {"dusty": 3, "Lofi": 2, "lofi": 1, "gone": 0}        # gone: a word of files that left only


def test_a_new_word_is_no_merge() -> None:
    assert merge_into(USES, "dusty", "punchy", 3, merge=False) is None


def test_a_drop_is_never_a_merge() -> None:
    assert merge_into(USES, "dusty", "", 3, merge=False) is None


def test_the_word_itself_in_another_case_is_no_merge() -> None:
    assert merge_into({"dusty": 3}, "dusty", "Dusty", 3, merge=False) is None


def test_a_word_in_use_in_any_case_is_merged_with_its_files_summed() -> None:
    assert merge_into(USES, "dusty", "LOFI", 3, merge=True) == 3
    assert merge_into(USES, "dusty", "gone", 3, merge=True) == 0            # kept corrections only: still a merge


def test_without_merge_a_word_in_use_is_refused_with_the_counts() -> None:
    with pytest.raises(WordInUse) as got:
        merge_into(USES, "dusty", "lofi", 3, merge=False, both=1)
    said = str(got.value)
    assert "'lofi' is already the word of 3 files" in said and "(3 files; 1 carries both)" in said
    with pytest.raises(WordInUse) as got:
        merge_into(USES, "dusty", "lofi", 3, merge=False)                    # the box's: both not known
    assert "carries both" not in str(got.value) and "carry both" not in str(got.value)


def test_foreign_of_without_the_tagger_s_words_says_none_and_opens_nothing(tmp_path) -> None:
    assert foreign_of(tmp_path / "no.sqlite", []) == ({}, 0)

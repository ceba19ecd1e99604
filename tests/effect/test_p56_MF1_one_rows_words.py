"""p56 final read FR1 finding 1: trainer/effect/replicates.py had its own copy of knob_checks.rows_words (rows named
as "pairs.csv lines 3, 4 and 5"), the same job under the same name with another limit.  Now there is one, with the
number of rows it names as a parameter."""
from __future__ import annotations

from trainer.effect import knob_checks, replicates
from trainer.effect.checks import SHOWN_PROBLEMS


def test_replicates_use_the_one_rows_words() -> None:
    assert replicates.rows_words is knob_checks.rows_words


def test_rows_words_names_as_many_rows_as_asked() -> None:
    rows = [f"pairs.csv line {n}" for n in range(2, 13)]
    assert knob_checks.rows_words(rows) == "pairs.csv lines 2, 3, 4, 5 and 7 more"
    assert knob_checks.rows_words(rows, SHOWN_PROBLEMS) == "pairs.csv lines 2, 3, 4, 5, 6, 7, 8, 9 and 3 more"
    assert knob_checks.rows_words(rows[:3], SHOWN_PROBLEMS) == "pairs.csv lines 2, 3 and 4"


def test_rows_of_no_csv_are_named_whole() -> None:
    rows = ["pair a.wav -> b.wav", "pair c.wav -> d.wav", "pair e.wav -> f.wav"]
    assert knob_checks.rows_words(rows) == "pair a.wav -> b.wav, pair c.wav -> d.wav and pair e.wav -> f.wav"
    assert knob_checks.rows_words(rows, 2) == "pair a.wav -> b.wav, pair c.wav -> d.wav and 1 more"
    assert knob_checks.rows_words(["pairs.csv line 8"]) == "pairs.csv line 8"

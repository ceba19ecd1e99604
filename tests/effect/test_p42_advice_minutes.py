"""Forty-second stop's QA: after `--minutes 0.001` (4 steps, 42x over the mark) the advice was "give it more
--minutes (e.g. --minutes 0.002)"; it now suggests at least the trainer's default budget (or a minute where the
default is not known), and twice the budget as before once that is more."""
from __future__ import annotations

from hatbox.advice import EFFECT_MINUTES, Limit, limit_words, run_limit


def test_a_tiny_effect_budget_is_told_the_default() -> None:
    said = limit_words(run_limit({"steps": 4}, None, 0.001))
    assert "the 0.001-minute budget ran out after 4 steps" in said
    assert f"(e.g. --minutes {EFFECT_MINUTES:g}, the default)" in said and "0.002" not in said


def test_a_tiny_budget_without_a_known_default_is_told_a_minute() -> None:
    said = limit_words(Limit(steps=4, minutes=0.001))
    assert said.endswith("give it more --minutes (e.g. --minutes 1)")


def test_a_budget_near_the_default_is_still_doubled() -> None:
    assert limit_words(run_limit({"steps": 3000}, None, 5.0)).endswith("(e.g. --minutes 10)")
    assert limit_words(run_limit({"steps": 900}, None, 3.0)).endswith("(e.g. --minutes 6)")
    assert limit_words(Limit(steps=281, minutes=1.0)).endswith("(e.g. --minutes 2)")

"""Note names that are no notes get the note's own refusal, not Python's int() message (before: "C--1" and "²"
answered "invalid literal for int() with base 10: '--1'")."""
from __future__ import annotations

import pytest

from device.notes import parse_note


@pytest.mark.parametrize("text", ["C--1", "--1", "²", "C²", "1-", "C#--2"])
def test_malformed_notes_are_refused_in_the_note_s_words(text: str) -> None:
    with pytest.raises(ValueError, match="is not a note"):
        parse_note(text)


def test_notes_still_parse() -> None:
    assert [parse_note(t) for t in ("C2", "c-1", "G9", "36", " F#1 ", "Db3")] == [36, 0, 127, 36, 30, 49]

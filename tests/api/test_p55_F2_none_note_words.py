"""p55 QA_A finding 3: the note of a push to an older box read "1 correction in samples.db say a file carries none of
the words"; one correction says, two say."""
from __future__ import annotations

import pytest

from hatbox.fixes_given import say_nones_not_sent


@pytest.mark.parametrize("count, words", [(1, "1 correction in samples.db says a file carries none of the words"),
                                          (2, "2 corrections in samples.db say a file carries none of the words")])
def test_the_note_agrees_with_its_count(capsys, count: int, words: str) -> None:
    say_nones_not_sent(count, "samples.db", box="this box (an older hatbox)")
    err = capsys.readouterr().err
    assert err.startswith(f"note: {words}: this box (an older hatbox) does not keep such a correction yet"), err


def test_no_correction_no_note(capsys) -> None:
    say_nones_not_sent(0, "samples.db")
    assert capsys.readouterr().err == ""

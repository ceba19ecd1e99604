"""p56 read RD3 finding 5: cut_input_hint built every sox line and threw most away; now it builds only the line it
returns, with the same words."""
from __future__ import annotations

from pathlib import Path

import pytest

from trainer.effect import checks


@pytest.mark.parametrize("start, want", [
    (None, "record the take again for the whole of di.wav, or give this row its own copy of the input: if it "
           "stopped early, cut to the output's length (sox set/di.wav set/di_12.5s.wav trim 0 12.5, list "
           "t/di_12.5s.wav); if it started late, the input's last 12.5 s (sox set/di.wav set/di_last12.5s.wav trim "
           "-12.5, list t/di_last12.5s.wav), as its input (the other rows keep t/di.wav)"),
    (0.0, "record the take again for the whole of di.wav, or give this row its own copy of the input cut to the "
          "output's length (sox set/di.wav set/di_12.5s.wav trim 0 12.5) and list t/di_12.5s.wav as its input "
          "(the other rows keep t/di.wav)"),
    (1.5, "record the take again for the whole of di.wav, or give this row its own copy of the input from where "
          "the output starts (sox set/di.wav set/di_from1.5s.wav trim 1.5 12.5) and list t/di_from1.5s.wav as its "
          "input (the other rows keep t/di.wav)"),
])
def test_cut_input_hint_says_the_same_words(start: float | None, want: str) -> None:
    hint = checks.cut_input_hint(Path("set/di.wav"), 12.5, 0.25, "t/di.wav", start)
    assert hint == "input and output must be the same recording (within 0.25 s); " + want


def test_cut_input_hint_builds_only_the_line_it_returns(monkeypatch: pytest.MonkeyPatch) -> None:
    named: list[str] = []
    real = checks.listed_as
    monkeypatch.setattr(checks, "listed_as", lambda path, cell: named.append(path.name) or real(path, cell))
    checks.cut_input_hint(Path("set/di.wav"), 12.5, 0.25, "t/di.wav", 1.5)
    assert sorted(named) == ["di.wav", "di_from1.5s.wav"], named

"""Thirty-ninth stop's panel QA: the stop screen said "the audio engine process was killed by signal 9; the box has
stopped" and no next step."""
from __future__ import annotations

import pytest

from hatbox.engine_end import engine_end


class Killed:
    """An engine process that ended by a signal without a word of its own."""

    error, error_hint, bug = "", "", None

    def __init__(self, code: int) -> None:
        self.code = code

    def alive(self) -> bool:
        return False

    def wait(self, _timeout: float) -> int:
        return self.code


def test_a_killed_engine_is_said_in_words_with_what_comes_next(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("INVOCATION_ID", raising=False)
    end = engine_end(Killed(-9))
    assert "stopped from outside (signal 9, SIGKILL: the system ran out of memory, or someone killed it)" in end.error
    assert end.hint == "start it again: hatbox device run (or turn the box off and on)"
    monkeypatch.setenv("INVOCATION_ID", "abc")                 # as systemd runs the box's service
    assert engine_end(Killed(-11)).hint == "the box's service starts it again by itself in a few seconds"
    assert "crashed (signal 11, SIGSEGV" in engine_end(Killed(-11)).error

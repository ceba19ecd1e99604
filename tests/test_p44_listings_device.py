"""p44 QA "the terminal, for everyone": `hatbox device run` on a terminal printed its ~97-character status line
every 2 s, and the pairing code scrolled off a 24-row screen in about 16 s; now a terminal gets it every
STATUS_TTY_S (and on a dropout), a log every STATUS_LOG_S."""
from __future__ import annotations

import pytest

from hatbox.headless_status import STATUS_LOG_S, STATUS_TTY_S, status_due


@pytest.mark.parametrize("since", [2.0, 4.0, 16.0, STATUS_TTY_S - 0.1])
def test_a_terminal_does_not_get_the_status_every_read(since: float) -> None:
    assert status_due(True, since, 0, 0) is False


def test_a_terminal_gets_the_status_each_period_and_on_a_dropout() -> None:
    assert status_due(True, STATUS_TTY_S, 0, 0) and status_due(True, 2.0, 1, 0)
    assert status_due(True, float("inf"), 0, 0)                  # the first line, at once
    assert STATUS_TTY_S <= STATUS_LOG_S


def test_an_hour_on_a_terminal_prints_few_lines() -> None:
    """The loop reads the status every 2 s; count the lines an hour without a dropout prints."""
    said_at, lines = float("-inf"), 0
    for t in range(0, 3600, 2):
        if status_due(True, t - said_at, 0, 0):
            said_at, lines = t, lines + 1
    assert lines <= 3600 / STATUS_TTY_S + 1 and lines < 1800 / 10

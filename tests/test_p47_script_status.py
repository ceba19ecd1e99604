"""p47 G4, finding 4: a headless box on a loaded machine wrote its status line into its log on every dropout (49 lines
in 12 minutes), though the docs say "into a log ... once a minute".  Now the run's first dropouts are said at once
and later ones are counted into the minute's line (hatbox.headless_status.status_due)."""
from __future__ import annotations

from typing import Any

import pytest

from hatbox import headless_status
from hatbox.headless_status import STATUS_LOG_S, STATUS_TTY_S, print_until_end

MINUTES = 12
DROPOUT_EVERY_S = 15.0


class _Clock:
    """Time that passes only as the loop waits (2 s a read, as the engine's wait does)."""

    def __init__(self) -> None:
        self.now = 0.0

    def monotonic(self) -> float:
        return self.now


class _Engine:
    def __init__(self, clock: _Clock) -> None:
        self.clock = clock

    def alive(self) -> bool:
        return self.clock.now < MINUTES * 60

    def wait(self, timeout: float) -> None:
        self.clock.now += timeout


class _Control:
    """An engine status whose dropouts grow every :data:`DROPOUT_EVERY_S` (a loaded machine)."""

    def __init__(self, clock: _Clock) -> None:
        self.clock = clock

    def status(self) -> dict[str, Any]:
        return {"xruns": int(self.clock.now // DROPOUT_EVERY_S), "load_mean": 0.5, "peak_db": -12.0, "active": {}}


def _lines(monkeypatch: pytest.MonkeyPatch, capsys: Any, tty: bool) -> list[str]:
    clock = _Clock()
    monkeypatch.setattr(headless_status.time, "monotonic", clock.monotonic)
    monkeypatch.setattr("sys.stdout.isatty", lambda: tty)
    print_until_end(_Control(clock), _Engine(clock), None)
    return capsys.readouterr().out.splitlines()


def test_a_log_gets_the_status_once_a_minute_with_the_dropouts_counted_in_it(monkeypatch, capsys) -> None:
    lines = _lines(monkeypatch, capsys, tty=False)
    assert len(lines) <= MINUTES * 60 / STATUS_LOG_S + 2, lines          # was: 49 (one on each dropout)
    assert "xruns (dropouts) 1" in lines[1]                               # the first dropout, said at once
    counts = [int(line.split("xruns (dropouts) ")[1].split()[0]) for line in lines]
    assert counts == sorted(counts) and counts[-1] >= (MINUTES * 60 - STATUS_LOG_S) // DROPOUT_EVERY_S  # in the line


def test_a_terminal_gets_it_every_30_s_on_a_loaded_machine(monkeypatch, capsys) -> None:
    lines = _lines(monkeypatch, capsys, tty=True)
    assert len(lines) <= MINUTES * 60 / STATUS_TTY_S + 2, lines          # the pairing code stays on screen

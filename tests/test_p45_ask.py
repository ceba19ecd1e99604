"""One rule for "is a person there to answer" (hatbox/ask.py: box-capture and box-pack --prune each had a copy), and
the demo's per-second summary keeps the slowest block (load_max) beside the 99.9th percentile (p45 review)."""
from __future__ import annotations

import io
from typing import Any

import pytest

from hatbox.ask import can_ask, ci_set


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("ci", "tty", "asks"), [("true", True, False), ("", True, True), ("", False, False),
                                                 ("0", True, True), ("YES", True, False)])
def test_a_question_needs_a_terminal_and_no_ci(monkeypatch: Any, ci: str, tty: bool, asks: bool) -> None:
    monkeypatch.setenv("CI", ci)
    monkeypatch.setattr("sys.stdin", _Tty() if tty else io.StringIO())
    assert can_ask() is asks and ci_set() is (ci.lower() in ("true", "yes"))


def test_the_demo_summary_keeps_the_slowest_block(capsys: Any) -> None:
    from hatbox.cmd_demo import _print_status
    st = {"load_mean": 0.2, "load_p999": 0.5, "load_max": 1.3, "xruns": 0, "peak_db": -3.0, "fault_count": 0}
    kept = _print_status(st, 1.0)
    assert kept["load_max"] == 1.3 and "slowest 130.0%" in capsys.readouterr().out

"""p56 QA_A finding 1: dropouts (xruns) were never in the box's log (`hatbox status` said 196 in 31 min, box.log 0
lines) and the count was lost at a restart.  The main process's status watch now hands each engine status to a
hatbox.dropout_log.DropoutLog: one warning line for each minute that had dropouts, and the run's total at its stop.
Fake status sources and a fake clock: no engine, no waiting a minute."""
from __future__ import annotations

import argparse
import logging
import threading
import time
from typing import Any

import pytest

from hatbox.cmd_device import BoxControl, _say_dropouts, _watch_status
from hatbox.dropout_log import DropoutLog


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _status(xruns: int, load_max: float = 0.5, seconds: float = 60.0) -> dict[str, Any]:
    return {"xruns": xruns, "load_max": load_max, "blocks": int(seconds * 375), "block": 128, "rate": 48000}


def test_one_line_for_a_minute_with_dropouts_none_for_a_quiet_one() -> None:
    clock = Clock()
    log = DropoutLog(clock)
    said = []
    for second in range(1, 181):                # three minutes, a status a second
        clock.now += 1.0
        xruns = 0 if second < 20 else 3 if second < 120 else 3      # 3 in the first minute, none after
        said.append(log.seen(_status(xruns, 2.6 if second == 30 else 0.7, second)))
    lines = [s for s in said if s]
    assert lines == ["3 dropouts (xruns) in the last minute, 3 since the box started (the slowest block took 2.6x "
                     "the time it had)"]
    assert said.index(lines[0]) == 59            # said when the minute ended, not before


def test_each_minute_line_differs_so_the_log_never_collapses_it_and_a_long_gap_says_its_length() -> None:
    clock = Clock()
    log = DropoutLog(clock)
    clock.now += 60.0
    first = log.seen(_status(1, 0.8))
    clock.now += 61.0
    second = log.seen(_status(2, 0.8))
    clock.now += 300.0                           # nobody read the status for 5 min
    third = log.seen(_status(9, 1.2))
    assert first == "1 dropout (xrun) in the last minute, 1 since the box started (the slowest block took 80% of " \
                    "the time it had)"
    assert second == "1 dropout (xrun) in the last minute, 2 since the box started (the slowest block took 80% of " \
                     "the time it had)"
    assert third == "7 dropouts (xruns) in the last 5 min, 9 since the box started (the slowest block took 1.2x " \
                    "the time it had)"


def test_the_stop_says_the_cut_minute_and_the_runs_total_as_hatbox_status_counts_it() -> None:
    clock = Clock()
    log = DropoutLog(clock)
    for minute in range(31):
        clock.now += 60.0
        log.seen(_status(6 * minute, 0.9, 60.0 * (minute + 1)))
    clock.now += 25.0
    log.seen(_status(196, 0.9, 31 * 60.0 + 25))
    cut, total = log.final()
    assert cut == "16 dropouts (xruns) in the last 25 s, 196 since the box started (the slowest block took 90% of " \
                  "the time it had)"
    assert total == "this run had 196 dropouts (xruns) in 31 min: box.log says when (hatbox box-logs)"
    quiet = DropoutLog(clock)
    quiet.seen(_status(0))
    assert quiet.final() == (None, None)         # a run without dropouts says nothing of them


def test_statuses_without_a_count_are_ignored() -> None:
    log = DropoutLog(Clock(), every_s=0.0)
    assert log.seen({"faults": []}) is None and log.seen({"xruns": True}) is None and log.seen({"xruns": -1}) is None
    assert log.final() == (None, None)


class _XrunEngine:
    """Stands in for EngineProcess: its xrun count grows by 2 at every status read."""

    def __init__(self) -> None:
        self.xruns = 0
        self.lock = threading.Lock()

    def status(self) -> dict[str, Any]:
        with self.lock:
            self.xruns += 2
            return _status(self.xruns, 1.5, 90.0)


def test_device_runs_status_watch_logs_the_dropouts_in_box_log_and_the_stop_says_the_total(
        caplog: pytest.LogCaptureFixture, capsys: Any) -> None:
    args = argparse.Namespace()
    args._dropouts = DropoutLog(every_s=0.05)
    args._box_log = argparse.Namespace(path="logs/box.log")     # box.log written (device/logs.py BoxLog.path)
    control = BoxControl(_XrunEngine())
    caplog.set_level(logging.INFO, logger="hatbox.device")
    halt = _watch_status(control, every_s=0.01, dropouts=args._dropouts)
    try:
        deadline = time.monotonic() + 5.0
        while not any("dropouts (xruns) in the last" in r.getMessage() for r in caplog.records):
            assert time.monotonic() < deadline, "no dropout line in the log"
            control.status()                     # the panel's reads: the watch sees them
            time.sleep(0.01)
    finally:
        halt()
    line = next(r for r in caplog.records if "dropouts (xruns) in the last" in r.getMessage())
    assert line.levelno == logging.WARNING and line.name == "hatbox.device"
    assert "since the box started (the slowest block took 1.5x the time it had)" in line.getMessage()
    _say_dropouts(args, args._dropouts)
    out = capsys.readouterr().out
    assert f"this run had {args._dropouts.total} dropouts (xruns) in 1 min: box.log says when" in out
    assert any(r.getMessage().startswith("this run had ") for r in caplog.records)     # kept in box.log too

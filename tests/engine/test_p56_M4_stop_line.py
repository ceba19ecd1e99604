"""p56 review R4 finding 4: the stop line ("this run had N dropouts") and the window the stop cut short counted from
the last status the watch read, up to a second before the stop: the dropouts of that last second (and of an engine
that ended by itself, after the watch's last read) were in neither.  The engine's last words now carry its count
(Engine.last_words, handed over as EngineProcess.last_dropouts, as last_faults is) and the stop feeds them to the
run's DropoutLog before its final lines (p56 MR2: through the watch, once: hatbox/cmd_device.py _hear_last_words).
A window under a second read "in the last 0 s": now "in the last second"."""
from __future__ import annotations

import argparse
import logging
from typing import Any

import pytest

from device.audio.engine import Engine, EngineConfig
from hatbox.cmd_device import _hear_last_words, _say_dropouts
from hatbox.dropout_log import DropoutLog, span_words
from tests.engine.test_p56_M4_dropout_count import Clock, _status


def test_a_window_under_a_second_says_the_last_second() -> None:
    assert span_words(0.5) == "in the last second" and span_words(0.0) == "in the last second"
    assert span_words(12.4) == "in the last 12 s"


class _Stopped:
    """Stands in for EngineProcess after its stop: what the engine said as it finished."""

    def __init__(self, last: dict[str, Any]) -> None:
        self.last_dropouts = last


def _watch(dropouts: DropoutLog) -> argparse.Namespace:
    """The status watch's part in the stop (hatbox/status_watch.py ``halt.seen``): it hands each status it sees to the
    run's DropoutLog."""
    return argparse.Namespace(seen=dropouts.seen)


def test_the_stop_counts_the_dropouts_of_the_engines_last_words(caplog: pytest.LogCaptureFixture,
                                                                capsys: Any) -> None:
    clock = Clock()
    dropouts = DropoutLog(clock)
    clock.now += 60.0
    assert dropouts.seen(_status(6, 60.0))               # the watch's last read: a window closed on 6
    clock.now += 0.6
    caplog.set_level(logging.INFO, logger="hatbox.device")
    _hear_last_words(_watch(dropouts), _Stopped(_status(9, 60.6)))      # 3 more in the run's last 0.6 s
    _say_dropouts(argparse.Namespace(), dropouts)
    assert [r.getMessage() for r in caplog.records if "in the last" in r.getMessage()] == \
        ["3 dropouts (xruns) in the last second, 9 since the box started (the slowest block took 50% of the time it "
         "had)"]
    assert "this run had 9 dropouts (xruns) in 1 min" in capsys.readouterr().out


def test_an_engine_with_no_last_words_leaves_the_count_as_the_watch_saw_it(capsys: Any) -> None:
    clock = Clock()
    dropouts = DropoutLog(clock)
    dropouts.seen(_status(2, 30.0))
    _hear_last_words(_watch(dropouts), object())         # an engine that ended before it could say them
    _say_dropouts(argparse.Namespace(), dropouts)
    assert "this run had 2 dropouts (xruns) in 30 s" in capsys.readouterr().out


def test_the_engines_last_words_carry_its_dropout_count_and_what_times_it() -> None:
    engine = Engine(EngineConfig(rate=48000, block=128))
    engine.note_xrun()
    engine.note_xrun()
    engine.blocks = 375
    last = engine.last_words()
    said = last["dropouts"]
    assert last["faults"] == [] and said["xruns"] == 2
    assert (said["blocks"], said["block"], said["rate"]) == (375, 128, 48000) and said["load_max"] == 0.0
    log = DropoutLog()
    assert log.seen(said) is None and log.total == 2     # a status DropoutLog takes

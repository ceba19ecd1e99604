"""p56 MR2 (RD2 finding 3): the engine's last words take one path at the stop.  Engine.last_words says its dropouts
as one part (``dropouts``: what hatbox/dropout_log.py takes), which EngineProcess hands over as is (no key list of its
own); `hatbox device run` gives the watch those words once (its faults and its dropouts: the watch's DropoutLog
counts them and logs the line they close), and the stop line counts the run's DropoutLog, a local of the run."""
from __future__ import annotations

import argparse
import logging
from typing import Any

import pytest

from device.audio.engine import Engine, EngineConfig
from hatbox.cmd_device import BoxControl, _hear_last_words, _say_dropouts, _watch_status
from hatbox.dropout_log import DropoutLog
from tests.engine.test_p56_M4_dropout_count import Clock, _status

FAULT = {"slot": "effect", "name": "drive", "kind": "ran_away", "time": 12.0}


class _Idle:
    """An engine behind the box's control that the watch never needs to read (its reads are 60 s apart)."""

    def send(self, message: dict[str, Any]) -> None:
        pass

    def status(self) -> dict[str, Any]:
        return {}


class _Stopped:
    """EngineProcess after its stop: what the engine said as it finished."""

    def __init__(self, faults: list[dict[str, Any]], dropouts: dict[str, Any]) -> None:
        self.last_faults, self.last_dropouts = faults, dropouts


def test_the_engines_last_words_keep_its_dropouts_apart() -> None:
    engine = Engine(EngineConfig(rate=48000, block=128))
    engine.note_xrun()
    engine.blocks = 375
    last = engine.last_words()
    assert set(last) == {"faults", "dropouts"} and last["faults"] == []
    assert last["dropouts"] == {"xruns": 1, "load_max": 0.0, "blocks": 375, "block": 128, "rate": 48000}


def test_the_stop_hands_the_watch_the_last_words_once(caplog: pytest.LogCaptureFixture, capsys: Any) -> None:
    clock = Clock()
    dropouts = DropoutLog(clock)
    halt = _watch_status(BoxControl(_Idle()), every_s=60.0, dropouts=dropouts)
    clock.now += 60.0
    dropouts.seen(_status(6, 60.0))                       # the watch's last read
    clock.now += 0.6
    caplog.set_level(logging.INFO, logger="hatbox.device")
    halt()
    _hear_last_words(halt, _Stopped([FAULT], _status(9, 60.6)))
    assert dropouts.total == 9
    _say_dropouts(argparse.Namespace(_box_log=None), dropouts)
    assert "this run had 9 dropouts (xruns) in 1 min" in capsys.readouterr().out
    messages = [r.getMessage() for r in caplog.records]
    assert [m for m in messages if "in the last" in m] == \
        ["3 dropouts (xruns) in the last second, 9 since the box started (the slowest block took 50% of the time it "
         "had)"]                                          # the 3 of the last 0.6 s, logged once
    assert sum("effect 'drive' bypassed" in m for m in messages) == 1


def test_an_engine_that_said_nothing_leaves_the_watch_as_it_was(capsys: Any) -> None:
    dropouts = DropoutLog(Clock())
    dropouts.seen(_status(2, 30.0))
    halt = _watch_status(BoxControl(_Idle()), every_s=60.0, dropouts=dropouts)
    halt()
    _hear_last_words(halt, object())                      # an engine that ended before it could say them
    _hear_last_words(None, _Stopped([], _status(5, 31.0)))   # no watch (the box stopped before it started one)
    assert dropouts.total == 2
    _say_dropouts(argparse.Namespace(), dropouts)
    assert "this run had 2 dropouts (xruns) in 30 s" in capsys.readouterr().out

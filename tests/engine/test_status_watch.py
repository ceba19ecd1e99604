"""`hatbox device run`'s status watcher sees the statuses the panel (or the API) reads instead of reading its own
while they come often enough: each engine status read takes the peaks and limiter figures since the last one, so a
second reader would blank the panel's meter now and then."""
from __future__ import annotations

import threading
import time

from hatbox.cmd_device import BoxControl, _watch_status


class _CountingEngine:
    """Stands in for EngineProcess: counts status reads; its sampler reports one warning."""

    def __init__(self) -> None:
        self.reads = 0
        self.lock = threading.Lock()

    def status(self) -> dict:
        with self.lock:
            self.reads += 1
        return {"active": {"sampler": {"name": "sampler", "warnings": ["long.wav is 2:00 long: the sampler "
                                                                         "plays only its first 60 s"]}}}


def test_the_watcher_reads_nothing_while_the_panel_reads_and_says_each_warning_once(capsys):
    engine = _CountingEngine()
    control = BoxControl(engine)
    halt = _watch_status(control, every_s=0.3)
    try:
        for _ in range(40):                        # the panel's poller, every 20 ms: the watcher (every 300 ms)
            control.status()                       # never finds a quiet spell to read in
            time.sleep(0.02)
    finally:
        halt()
    assert engine.reads == 40                      # only the panel's reads reached the engine
    err = capsys.readouterr().err
    assert err.count("warning: long.wav is 2:00 long") == 1
    assert control.watchers == []                  # stopped: no longer called


def test_the_watcher_reads_by_itself_when_nobody_else_does(capsys):
    engine = _CountingEngine()
    control = BoxControl(engine)
    halt = _watch_status(control, every_s=0.02)
    try:
        deadline = time.monotonic() + 2.0
        while engine.reads < 3 and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        halt()
    assert engine.reads >= 3
    assert capsys.readouterr().err.count("warning: long.wav") == 1

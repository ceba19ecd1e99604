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


class _FaultingEngine:
    """Stands in for EngineProcess: its effect ran away at block 2408 and stays bypassed."""

    def status(self) -> dict:
        return {"active": {"effect": {"name": "hatbox-drive"}, "sampler": {"name": "sampler"}},
                "faults": [{"slot": "effect", "reason": "runaway", "time": 12.5, "block": 2408, "name": "hatbox-drive"}],
                "fault_count": 1, "bypassed": {"effect": True, "sampler": False}, "load_mean": 0.07,
                "load_p999": 0.2, "xruns": 0, "peak_db": -6.0}


def test_a_fault_is_said_once_on_the_terminal_and_in_the_log_and_the_status_line_names_it(capsys, caplog):
    """Before (twenty-seventh stop's QA): the factory drive was cut out as a runaway and neither the terminal, the box's
    log nor the status line said so ("faults 1 | effect hatbox-drive", as while it played)."""
    import logging

    from hatbox.status_line import status_words
    control = BoxControl(_FaultingEngine())
    with caplog.at_level(logging.WARNING, logger="hatbox.device"):
        halt = _watch_status(control, every_s=0.02)
        try:
            time.sleep(0.3)
        finally:
            halt()
    said = "effect 'hatbox-drive' bypassed: the model's output ran away (far too loud)"
    assert capsys.readouterr().err.count(said) == 1
    assert any(said in r.getMessage() for r in caplog.records)
    line = status_words(_FaultingEngine().status())
    assert "effect hatbox-drive BYPASSED (runaway level), sampler" in line


def test_hatbox_status_says_the_active_effect_is_bypassed_by_its_fault(capsys):
    from hatbox.status_report import print_status
    print_status({"name": "box", "version": "x", "active": {"effect": "effect-hatbox-drive-0.1.0-ab", "synth": None},
                  "engine": _FaultingEngine().status(), "packs": [], "libraries": 0, "disk": {}})
    out = capsys.readouterr().out
    assert "effect  effect-hatbox-drive-0.1.0-ab  BYPASSED (runaway level)" in out

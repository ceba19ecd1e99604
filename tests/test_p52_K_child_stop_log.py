"""p52 QA1 finding 6 (K's 9): at the box's stop, a stuck unpacking child was killed 10 s later, after "the box
stopped", when only stderr took the line: box.log never showed it.  A child told to stop that is still running
SLOW_STOP_S later is now said at once (the box's log is still written then), with when it will be killed."""
from __future__ import annotations

import logging
import subprocess
import sys
import threading
import time

import pytest

from device.library import child_process


def test_p52_K_a_stuck_child_is_said_before_its_kill(monkeypatch: pytest.MonkeyPatch,
                                                    caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(child_process, "CANCEL_WAIT_S", 1.2)
    monkeypatch.setattr(child_process, "SLOW_STOP_S", 0.2, raising=False)
    caplog.set_level(logging.INFO, logger="hatbox.api")
    proc = subprocess.Popen([sys.executable, "-c", "import time\ntime.sleep(30)"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, start_new_session=True)       # deaf to its cancel: stuck
    cancel, said_at = threading.Event(), {}
    cancel.set()

    def note_times() -> None:
        for record in caplog.records:
            said_at.setdefault(record.getMessage(), time.monotonic())
    try:
        start = time.monotonic()
        child_process.follow(proc, cancel, lambda _said: None, "unpacking", tick=note_times)
        ended = time.monotonic()
    finally:
        proc.kill()
        proc.wait(5)
    lines = [r.getMessage() for r in caplog.records]
    slow = [m for m in lines if "still running" in m]
    assert slow == ["unpacking: the process is still running 0.2 s after being told to stop: it is killed if it has "
                    "not ended 1.2 s after"], lines
    assert said_at[slow[0]] - start < 0.7 < ended - start          # said well before the kill, not with it
    assert lines[-1] == "unpacking: the process did not stop within 1 s of being told to; killed"

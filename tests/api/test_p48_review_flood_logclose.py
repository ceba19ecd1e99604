"""Forty-eighth stop's review of box.log's collapsed repeats (device/logs.py): at interpreter exit a count whose
timer outlived close's 1 s wait was written after box.log was closed, and the file handler opened box.log again
(a file left open by a closed handler).  A closed handler now drops such a late line."""
from __future__ import annotations

import logging
from pathlib import Path

from device.logs import _BoxFile, repeated


def record(msg: str) -> logging.LogRecord:
    return logging.makeLogRecord({"name": "asyncio", "levelno": logging.ERROR, "levelname": "ERROR", "msg": msg})


def test_a_count_handed_on_after_close_does_not_reopen_box_log(tmp_path: Path) -> None:
    path = tmp_path / "box.log"
    handler = _BoxFile(path, lambda *args: None)
    for _ in range(3):
        handler.handle(record("socket.accept() out of system resource"))
    handler.close()                                      # the waiting count is written first
    written = path.read_text()
    assert "(and 2 more like it in the last" in written
    late = repeated(record("socket.accept() out of system resource"), 5, 1.0)
    handler.repeats.emit(late)                           # what a timer still running at exit does
    handler.handle(record("a line after close"))
    assert handler.stream is None                        # box.log was not opened again
    assert path.read_text() == written

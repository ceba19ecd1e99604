"""p57 M3 (review R3, 6): `hatbox box-logs --json` reads each line by the format the box writes (device/logs.py
FILE_FORMAT, its stamp device/log_stamps.STAMP), not by a second spelling of it: a real record, formatted as box.log
formats it, parses back, and a changed format is followed (once the pattern, built once per run, is built again)."""
from __future__ import annotations

import logging

import pytest

from device import logs
from hatbox.cmd_logs import line_fields, line_pattern


def _formatted(fmt: str) -> tuple[str, logging.LogRecord]:
    record = logging.LogRecord("device.api.kit_keeper", logging.WARNING, __file__, 1, "note %d: gone: %s", (48, "x"),
                               None)
    record.processName, record.threadName = "hatbox-engine", "AnyIO worker thread"
    return logging.Formatter(fmt).format(record), record


@pytest.mark.parametrize("fmt", [logs.FILE_FORMAT,
                                 "%(asctime)s [%(levelname)s] %(name)s %(processName)s/%(threadName)s: %(message)s"])
def test_a_real_record_as_the_box_formats_it_parses_back(monkeypatch, request, fmt: str) -> None:
    monkeypatch.setattr(logs, "FILE_FORMAT", fmt)
    line_pattern.cache_clear()                          # built once per run: the format never changes while it runs
    request.addfinalizer(line_pattern.cache_clear)      # the next test's pattern of the box's own format
    line, record = _formatted(fmt)
    got = line_fields(line)
    assert got == {"time": line[:23], "process": "hatbox-engine", "thread": "AnyIO worker thread", "level": "WARNING",
                   "logger": "device.api.kit_keeper", "message": "note 48: gone: x", "line": line}
    assert got["time"] == logging.Formatter().formatTime(record)

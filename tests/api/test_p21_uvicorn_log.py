"""uvicorn's own messages in the box's log (p21): logger ``uvicorn.error``, warnings and above (a port already in
use, a malformed request), reach STORE/logs/box.log in the box's line format (device/logs.py FILE_FORMAT) and the
terminal once, in the box's terminal format.  Before, uvicorn's default logging config gave them its own stderr
handler and stopped them there: box.log (and ``GET /logs``) never had them."""
from __future__ import annotations

import re
import socket
import time
from pathlib import Path
from typing import Any

import pytest

from device.api.app import ApiConfig, create_app
from device.api.server import serve, start_in_thread
from device.api.sim import RecordingControl
from device.logs import box_logging, log_path
from tests.api.conftest import FAST_ENGINE



def _box_line(level: str, text: str) -> str:
    """A regex for the box's own line (device/logs.py FILE_FORMAT: time, process, thread, level, logger) from
    uvicorn.error at ``level`` saying ``text`` (a regex)."""
    return r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} \S+ \S+ " + level + r" uvicorn\.error: " + text


def _lines(store: Path, pattern: str) -> list[str]:
    return [ln for ln in log_path(store).read_text().splitlines() if re.search(pattern, ln)]


def test_a_port_in_use_reaches_box_log_once_and_the_terminal_once(tmp_path: Path, capsys: Any) -> None:
    store = tmp_path / "box"
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        config = ApiConfig(engine=FAST_ENGINE, on_code=lambda code: None)
        with box_logging(store, terminal=True):
            with pytest.raises(SystemExit):         # uvicorn says why, then exits
                serve(store, RecordingControl(), host="127.0.0.1", port=port, config=config, advertise=False)
    lines = _lines(store, "uvicorn")
    assert len(lines) == 1, lines
    assert re.match(_box_line("ERROR", r".*address already in use"), lines[0]), lines
    err = [ln for ln in capsys.readouterr().err.splitlines() if "already in use" in ln]
    assert len(err) == 1 and err[0].startswith("uvicorn.error: ERROR: "), err


def test_a_served_box_logs_uvicorns_warnings_in_box_log(tmp_path: Path, capsys: Any) -> None:
    """The box as ``hatbox device run`` serves it (start_in_thread): a malformed request is uvicorn's warning
    "Invalid HTTP request received.", kept in box.log and shown once on the terminal."""
    store = tmp_path / "box"
    app = create_app(store, RecordingControl(), ApiConfig(engine=FAST_ENGINE, on_code=lambda code: None))
    with box_logging(store, terminal=True):
        running = start_in_thread(app)
        try:
            host, port = running.url.rsplit("/", 1)[1].rsplit(":", 1)
            with socket.create_connection((host, int(port)), timeout=5) as s:
                s.sendall(b"NOT HTTP \x00\x01\r\n\r\n")
                s.recv(1024)
            deadline = time.monotonic() + 5
            while not _lines(store, "Invalid HTTP request") and time.monotonic() < deadline:
                time.sleep(0.02)
        finally:
            running.stop()
    lines = _lines(store, "Invalid HTTP request")
    assert len(lines) == 1 and re.match(_box_line("WARNING", "Invalid HTTP request"), lines[0])
    err = [ln for ln in capsys.readouterr().err.splitlines() if "Invalid HTTP request" in ln]
    assert err == ["uvicorn.error: WARNING: Invalid HTTP request received."], err


def test_a_request_cut_off_by_a_stop_is_one_warning_line_not_a_traceback() -> None:
    """Before (twenty-seventh stop's QA): stopping the box during an upload put uvicorn's ERROR and a 60-line
    CancelledError traceback into box.log."""
    import asyncio
    import logging
    import sys

    from device.api.server import CutOffByStop, uvicorn_config
    uvicorn_config(None, "127.0.0.1", 0)                             # installs the filter on uvicorn.error
    assert any(isinstance(f, CutOffByStop) for f in logging.getLogger("uvicorn.error").filters)
    try:
        raise asyncio.CancelledError()
    except asyncio.CancelledError:
        record = logging.LogRecord("uvicorn.error", logging.ERROR, __file__, 1, "Exception in ASGI application", None,
                                   sys.exc_info())
    assert CutOffByStop().filter(record)
    assert record.levelname == "WARNING" and record.exc_info is None
    assert record.getMessage().startswith("a request still running when the box stopped was cut off")
    shut = logging.LogRecord("uvicorn.error", logging.ERROR, __file__, 1,
                             "Cancel %s running task(s), timeout graceful shutdown exceeded", (1,), None)
    CutOffByStop().filter(shut)
    assert shut.levelname == "WARNING" and "cut off" in shut.getMessage()
    other = logging.LogRecord("uvicorn.error", logging.ERROR, __file__, 1, "[Errno 98] address in use", None, None)
    CutOffByStop().filter(other)
    assert other.levelname == "ERROR" and other.getMessage() == "[Errno 98] address in use"

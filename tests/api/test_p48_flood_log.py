"""p48 H1: a burst of one line (9,800 accept-error tracebacks in 90 s) filled box.log and its four older files and
rotated away every "installed by / uploaded by" line.  Now a line said again within a minute is written once and
counted (device/logs.py Repeats), and who changed what also goes to changes.log, which box.log's rotation never
touches."""
from __future__ import annotations

import errno
import logging
import threading
import time
from pathlib import Path

import pytest

from device import logs
from device.logs import Repeats, box_logging, changes_path, log_files, log_path

ACCEPT = "socket.accept() out of system resource\nsocket: <asyncio.TransportSocket fd=6, family=2, type=1, proto=6>"


def emfile() -> OSError:
    try:
        raise OSError(errno.EMFILE, "Too many open files")
    except OSError as exc:
        return exc


def burst(n: int) -> None:
    """``n`` times asyncio's accept error with its traceback, as a flood at the open-file limit logs it."""
    exc, log = emfile(), logging.getLogger("asyncio")
    for _ in range(n):
        log.error(ACCEPT, exc_info=(type(exc), exc, exc.__traceback__))


def changes(n: int, who: str = "studio") -> None:
    api = logging.getLogger("hatbox.api")
    for i in range(n):          # a push with --activate: its install, then its activation (device/api/app.py)
        api.info("pack %s %s by %r", f"effect-fuzz-1.0.{i}-ab12", "installed", who)
        api.info("pack %s made the active %s pack%s by %r (its push)", f"effect-fuzz-1.0.{i}-ab12", "effect", "", who)


def test_a_burst_of_10000_identical_lines_is_one_line_and_a_count(tmp_path: Path) -> None:
    with box_logging(tmp_path, terminal=False):
        changes(3)
        logging.getLogger("hatbox.api").info("library drums uploaded by 'studio': 12 accepted, 0 rejected")
        burst(10_000)
        logging.getLogger("hatbox.engine").warning("a distinct line after the burst")
    assert [p.name for p in log_files(tmp_path)] == ["box.log"]          # nothing rotated
    text = log_path(tmp_path).read_text()
    assert text.count("socket.accept() out of system resource") == 2      # the first, with its traceback; the count
    assert text.count("OSError: [Errno 24] Too many open files") == 1
    assert "socket.accept() out of system resource (and 9,999 more like it in the last " in text
    for i in range(3):
        assert f"pack effect-fuzz-1.0.{i}-ab12 installed by 'studio'\n" in text
        assert f"pack effect-fuzz-1.0.{i}-ab12 made the active effect pack by 'studio' (its push)" in text
    assert "library drums uploaded by 'studio'" in text and "a distinct line after the burst" in text
    assert len(text) < 10_000


def test_distinct_lines_are_written_untouched_and_change_lines_never_collapse(tmp_path: Path) -> None:
    with box_logging(tmp_path, terminal=False):
        for i in range(200):
            logging.getLogger("hatbox.api").warning("line %d", i)
        for _ in range(3):
            logging.getLogger("hatbox.api").info("DELETE /packs/x by 'studio' (204)")
    lines = log_path(tmp_path).read_text().splitlines()
    assert [ln.rsplit(": ", 1)[1] for ln in lines if " WARNING hatbox.api: " in ln] == [f"line {i}" for i in range(200)]
    assert sum(ln.endswith("DELETE /packs/x by 'studio' (204)") for ln in lines) == 3
    assert not any("more like it" in ln for ln in lines)


def test_changes_log_keeps_who_changed_what_when_box_log_rotates_away(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(logs, "MAX_BYTES", 2_000)         # box.log and its four older files: 10 kB in all
    with box_logging(tmp_path, terminal=False):
        changes(2, who="studio-mac")
        logging.getLogger("hatbox.api").info("paired 'laptop-b' (token ab12)")
        logging.getLogger("hatbox.api").warning("pairing refused from 10.0.0.9 ('x'): wrong code")
        for i in range(400):
            logging.getLogger("uvicorn.error").warning("Invalid HTTP request received. %d", i)
    kept = "".join(p.read_text() for p in log_files(tmp_path))
    assert "installed by 'studio-mac'" not in kept                     # rotated out of box.log*
    record = changes_path(tmp_path).read_text().splitlines()
    assert [ln.split(": ", 1)[1] for ln in record] == [
        "pack effect-fuzz-1.0.0-ab12 installed by 'studio-mac'",
        "pack effect-fuzz-1.0.0-ab12 made the active effect pack by 'studio-mac' (its push)",
        "pack effect-fuzz-1.0.1-ab12 installed by 'studio-mac'",
        "pack effect-fuzz-1.0.1-ab12 made the active effect pack by 'studio-mac' (its push)",
        "paired 'laptop-b' (token ab12)"]


def test_the_count_is_said_once_the_window_ends_and_the_line_again_after(tmp_path: Path) -> None:
    now = [0.0]
    said: list[logging.LogRecord] = []
    repeats = Repeats(said.append, window=60.0, clock=lambda: now[0])
    record = logging.makeLogRecord({"name": "asyncio", "levelno": logging.ERROR, "levelname": "ERROR",
                                    "msg": "accept failed", "args": None})
    admitted = [repeats.admit(record) for _ in range(1000)]
    assert admitted[0] and not any(admitted[1:]) and said == []
    now[0] = 61.0
    assert repeats.admit(record)                        # a new window: written again, the old count said
    assert [r.getMessage() for r in said] == ["accept failed (and 999 more like it in the last 60 s)"]
    assert said[0].levelno == logging.ERROR and said[0].name == "asyncio"
    repeats.close()


def test_a_count_is_written_by_itself_when_nothing_else_is_logged_and_no_thread_is_left(tmp_path: Path) -> None:
    said: list[str] = []
    repeats = Repeats(lambda r: said.append(r.getMessage()), window=0.2)
    record = logging.makeLogRecord({"name": "x", "levelno": logging.WARNING, "msg": "again", "args": None})
    for _ in range(50):
        repeats.admit(record)
    end = time.monotonic() + 5
    while not said and time.monotonic() < end:
        time.sleep(0.02)
    assert len(said) == 1 and said[0].startswith("again (and 49 more like it in the last ")
    repeats.admit(record)
    repeats.admit(record)
    repeats.close()                                     # the count still waiting is written at close
    assert said[-1].startswith("again (and 1 more like it")
    assert not [t for t in threading.enumerate() if t.name == "hatbox-log-repeats" and t.is_alive()]

"""The box's log (p20): `hatbox device run` configured no logging, so everything the box said through ``logging``
(the API's ``hatbox.api``, the engine's ``hatbox.engine``) went to a stderr nobody reads on a standalone box.  Now
it keeps STORE/logs/box.log (rotating; time, process, thread, logger on every line; the engine process's records
reach it through a queue to the main process), warnings also on a terminal's stderr, info only in the file; a log
folder that cannot be written (read-only, a full disk) leaves the box running, logging to stderr with one warning.
And the status watcher of `device run` no longer dies (with a traceback) on an error it did not expect."""
from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from device.audio.alsa_io import AudioConfig
from device.audio.server import EngineProcess, ServerConfig
from device.logs import PRINTED, box_logging, log_path
from hatbox.cli import main
from hatbox.cmd_device import BoxControl, _watch_status

log = logging.getLogger("hatbox.test")


def _handlers() -> list[logging.Handler]:
    return list(logging.getLogger().handlers)


def test_device_run_keeps_the_box_and_engine_records_in_the_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                   capsys: Any) -> None:
    (tmp_path / "empty.conf").write_text("")
    monkeypatch.setenv("ALSA_CONFIG_PATH", str(tmp_path / "empty.conf"))      # no ALSA: the file backend
    store = tmp_path / "store"
    before = _handlers()
    assert main(["device", "run", "--sim", "--no-api", "--no-panel", "--no-midi", "--osc-port", "0",
                 "--store", str(store), "--seconds", "0.3"]) == 0
    assert _handlers() == before                                # everything set up for the run is taken back
    lines = log_path(store).read_text().splitlines()
    main_start = [ln for ln in lines if " MainProcess MainThread INFO hatbox.device: " in ln and "starting" in ln]
    engine = [ln for ln in lines if " hatbox-engine " in ln and " hatbox.engine: engine process " in ln]
    assert len(main_start) == 1 and main_start[0][:4].isdigit(), lines           # a timestamp first
    assert len(engine) == 2 and "started: file backend" in engine[0] and "exit code 0" in engine[1], lines
    assert any("INFO hatbox.device: hatbox engine: file backend" in ln for ln in lines)   # printed, and kept
    assert lines[-1].endswith("INFO hatbox.device: the box stopped")
    got = capsys.readouterr()
    assert got.out.splitlines()[-1] == "the box stopped"                       # the terminal's last word too
    err = got.err
    assert "engine process" not in err and "hatbox.device" not in err          # info: only in the file


def test_a_box_refused_before_it_started_is_logged_as_not_started(tmp_path: Path, capsys: Any) -> None:
    """Before: box.log said "the box stopped: ..." for a box that never started (a refused --effect pack)."""
    (tmp_path / "bad.hatpack").write_bytes(b"not a zip")
    store = tmp_path / "store"
    assert main(["device", "run", "--sim", "--no-api", "--no-panel", "--no-midi", "--osc-port", "0",
                 "--store", str(store), "--seconds", "0.3", "--effect", str(tmp_path / "bad.hatpack")]) != 0
    records = [ln for ln in log_path(store).read_text().splitlines() if ln[:4].isdigit()]   # a hint goes on a line
    last = records[-1]                                                              # of its own, under its record
    assert " ERROR hatbox.device: the box did not start: " in last and "bad.hatpack" in last, last
    assert "the box stopped" not in capsys.readouterr().out


def test_warnings_reach_a_terminal_info_does_not_and_tracebacks_stay_in_the_file(tmp_path: Path,
                                                                                  capsys: Any) -> None:
    with box_logging(tmp_path / "store", terminal=True) as box_log:
        log.info("an info line")
        log.warning("a warning line")
        log.warning("warning: printed already", extra={PRINTED: True})
        try:
            raise RuntimeError("boom")
        except RuntimeError:
            log.exception("a bug")
    assert box_log.path == tmp_path / "store" / "logs" / "box.log" and box_log.problem is None
    err = capsys.readouterr().err
    assert "an info line" not in err and "printed already" not in err and "Traceback" not in err
    assert err.count("hatbox.test: WARNING: a warning line") == 1
    assert "hatbox.test: ERROR: a bug (its traceback is in box.log)" in err
    text = box_log.path.read_text()
    assert "MainProcess MainThread INFO hatbox.test: an info line" in text and "printed already" in text
    assert "Traceback (most recent call last)" in text and "RuntimeError: boom" in text


def test_a_log_folder_that_cannot_be_made_leaves_stderr_with_one_warning(tmp_path: Path, capsys: Any) -> None:
    store = tmp_path / "store"
    store.mkdir()
    (store / "logs").write_text("a file where the log folder goes")        # mkdir fails, even for root
    with box_logging(store, terminal=False) as box_log:
        log.info("info goes to stderr now")
        log.warning("so does a warning")
    assert box_log.path is None and box_log.problem
    err = capsys.readouterr().err
    assert err.count("warning: the box's log") == 1 and "logs to stderr only" in err
    assert "info goes to stderr now" in err and "so does a warning" in err


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_a_full_disk_turns_the_file_off_with_one_warning_and_the_box_goes_on(tmp_path: Path, capsys: Any) -> None:
    path = log_path(tmp_path / "store")
    path.parent.mkdir(parents=True)
    path.symlink_to("/dev/full")                               # every write: ENOSPC
    with box_logging(tmp_path / "store", terminal=False) as box_log:
        log.info("the first line")
        log.info("the second line")
        log.warning("a third")
    assert box_log.path is None and "No space left on device" in (box_log.problem or "")
    err = capsys.readouterr().err
    assert err.count("warning: the box's log") == 1 and "Logging error" not in err and "Traceback" not in err
    assert all(f in err for f in ("the first line", "the second line", "a third"))


def test_the_engine_process_sends_its_records_to_the_main_process() -> None:
    seen: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = seen.append                                 # type: ignore[method-assign]
    logger = logging.getLogger("hatbox.engine")
    logger.addHandler(handler)
    try:
        engine = EngineProcess(ServerConfig(audio=AudioConfig(rate=48000, period=128), backend="file",
                                            realtime=False, seconds=0.1)).start()
        assert engine.wait(60) == 0
        engine.stop()
    finally:
        logger.removeHandler(handler)
    said = [(r.processName, r.process, r.getMessage()) for r in seen]
    assert [name for name, _, _ in said] == ["hatbox-engine", "hatbox-engine"], said
    assert all(pid == engine.process.pid for _, pid, _ in said)
    assert "started: file backend" in said[0][2] and said[1][2].endswith("exit code 0")
    assert not engine.logs.thread.is_alive()                   # handed on, then ended with the engine


class _FlakyEngine:
    """Stands in for EngineProcess: its first status read fails on a bug, then its statuses name a warning."""

    def __init__(self) -> None:
        self.reads = 0
        self.lock = threading.Lock()

    def status(self) -> dict[str, Any]:
        with self.lock:
            self.reads += 1
            first = self.reads == 1
        if first:
            raise RuntimeError("an unexpected reply")
        return {"active": {"sampler": {"name": "sampler", "warnings": ["long.wav is cut"]}}}


def test_the_status_watch_logs_an_error_it_did_not_expect_and_goes_on(capsys: Any,
                                                                       caplog: pytest.LogCaptureFixture) -> None:
    engine = _FlakyEngine()
    control = BoxControl(engine)
    with caplog.at_level(logging.ERROR, logger="hatbox.device"):
        halt = _watch_status(control, every_s=0.02)
        try:
            deadline = time.monotonic() + 3.0
            while engine.reads < 4 and time.monotonic() < deadline:
                time.sleep(0.01)
        finally:
            halt()
    assert engine.reads >= 4                                    # it went on after the error
    err = capsys.readouterr().err
    assert err.count("warning: long.wav is cut") == 1 and "Traceback" not in err
    failed = [r for r in caplog.records if "status watch failed" in r.getMessage()]
    assert len(failed) == 1 and "RuntimeError: an unexpected reply" in failed[0].getMessage()


def test_a_status_the_watcher_cannot_read_does_not_break_the_panels_read(caplog: pytest.LogCaptureFixture) -> None:
    class Odd:
        def status(self) -> dict[str, Any]:
            return {"recording": "not a dict"}
    control = BoxControl(Odd())
    with caplog.at_level(logging.ERROR, logger="hatbox.device"):
        halt = _watch_status(control, every_s=60.0)
        try:
            assert control.status() == {"recording": "not a dict"}     # the panel's read gets its status
            assert control.status() == {"recording": "not a dict"}
        finally:
            halt()
    assert len([r for r in caplog.records if "status watch failed" in r.getMessage()]) == 1

"""The pipes between :class:`device.audio.server.EngineProcess` (the parent) and the engine process: the reader
threads that answer each channel's requests there (:func:`serve`), the ``ready`` pipe's sending end (:class:`Said`,
:func:`say`, :func:`report_bug`: a bug's one line and the file with its traceback), and the parent's wait for the
reply to its own request (:func:`reply_to`).  Split out of device/audio/server.py; the protocol is its docstring's.
"""
from __future__ import annotations

import logging
import os
import threading
import time
from multiprocessing.reduction import recv_handle
from typing import Any

from device.audio.crash_report import bug_message, save_traceback
from device.audio.realtime import helper_priority
from device.audio.engine_child import EngineChild
from device.audio.sampler import NotDecoded
from device.audio.server_config import ServerConfig
from device.control import EngineStoppedError, refusal
from device.logs import PRINTED

log = logging.getLogger("hatbox.engine")


class Said:
    """The sending end of the ``ready`` pipe, shared by the audio thread and the reader threads (a bug in
    one of those says so on it too): one message at a time."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.lock = threading.Lock()

    def send(self, message: dict[str, Any]) -> None:
        with self.lock:
            self.conn.send(message)


def serve(conn: Any, child: EngineChild, kind: str, ready: Any = None) -> None:
    """Reader thread: answer requests on ``conn`` until the parent hangs up (then the engine stops).
    An exception it did not expect is a bug: reported as the engine's own (:func:`report_bug`: its
    traceback in a file, the one-line message on ``ready``) and the engine stops, exit
    :data:`device.audio.crash_report.BUG_EXIT`."""
    try:
        _answer(conn, child, kind)
    except BaseException as exc:  # noqa: BLE001 - a dead reader would leave its channel unanswered
        child.extra["error"] = report_bug(exc, child.cfg, ready)
        child.extra["bug"] = True
        child.stop.set()


def _answer(conn: Any, child: EngineChild, kind: str) -> None:
    """The loop of :func:`serve`: one reply for each request on ``conn``."""
    if child.cfg.realtime:
        helper_priority()
    while True:
        try:
            req = conn.recv()
        except (EOFError, OSError):
            child.stop.set()
            return
        reply: dict[str, Any] = {"id": req.get("id"), "ok": True, "error": None}
        try:
            handoff = (req["handoff"], recv_handle(conn) if req.get("fd") else None) if "handoff" in req else None
            if time.monotonic() > float(req.get("expires", "inf")):     # its sender gave up waiting (the engine
                if handoff is not None and handoff[1] is not None:      # was stuck): not carried out now (QA: an
                    os.close(handoff[1])                                # activate told "no answer" switched later)
                reply.update(ok=False, error="it came after its sender had given up waiting for it: not carried out")
            elif kind == "status":
                reply["status"] = child.status()
            elif "msgs" in req:
                reply["errors"] = child.request_many(req["msgs"])
            else:
                child.request(req["msg"], handoff)
        except NotDecoded as exc:               # the sender decodes it and hands it over (EngineProcess.send)
            reply.update(ok=False, error=str(exc), needs=exc.needs)
        except Exception as exc:  # noqa: BLE001 - the engine keeps running whatever a message does
            reply.update(ok=False, error=refusal(exc))
        try:
            conn.send(reply)
        except (EOFError, OSError):             # the parent hung up meanwhile (BrokenPipeError)
            child.stop.set()
            return


def say(ready: Any, message: dict[str, Any]) -> None:
    """Send ``message`` on ``ready``; nothing when the parent is gone."""
    try:
        ready.send(message)
    except (OSError, ValueError):                # the parent is gone: nobody to tell
        pass


def report_bug(exc: BaseException, cfg: ServerConfig, ready: Any) -> str:
    """Save the traceback of ``exc`` (being handled) and send its one-line message as the process's last
    word on ``ready`` (``bug``: the file); returns the message."""
    where = save_traceback(cfg.crash_dir)
    message = bug_message(exc, where)
    log.error("the engine %s", message, exc_info=exc, extra={PRINTED: True})    # the parent says it too
    if ready is not None:
        say(ready, {"error": message, "message": message, "hint": None, "bug": where or True})
    return message


def reply_to(conn: Any, ident: int, deadline: float, waited: float) -> dict[str, Any]:
    """The reply to request ``ident`` on ``conn`` by ``deadline`` (time.monotonic); a reply to an earlier request,
    one that came after its sender had given up ("did not answer"), is passed over: taken as this one's, every later
    request on the channel read the reply of the one before (a stale "not decoded" made the next map decode the
    wrong file).  Raises EngineStoppedError (``may_apply``: the engine may act on it later) when none comes in time."""
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or not conn.poll(left):
            raise EngineStoppedError(f"the audio engine did not answer in {waited:g} s", may_apply=True)
        reply = conn.recv()
        if reply.get("id") == ident:
            return reply
        log.warning("the audio engine answered request %s after its sender gave up: passed over", reply.get("id"))

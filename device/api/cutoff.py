"""Requests cut off by the box stopping (p42 QA): what the box keeps of them, and what the laptop is told.

uvicorn gives a stopping box's running requests ``timeout_graceful_shutdown`` seconds (device/api/server.py), then
cancels them.  Cancelling the request does not stop the work it handed to the box's worker thread (a pack's checks
and install, a library's unpacking): before, that work went on and installed, even activated, the pack the laptop
had been told was lost.  A :class:`StopGate` sits between the two: the worker enters :meth:`StopGate.committing`
just before its first commit (the rename into packs/ or libraries/), the request :meth:`StopGate.cut`\\ s it when
cancelled.  Whichever comes first wins: cut first, the worker keeps nothing (:class:`StoppedBeforeCommit`) and the
laptop gets a JSON 503 "box stopped" saying so; committing first, the request waits for the (short) commit to end
and answers what was done.  :class:`CutOffAnswer` answers any other request cut off before its answer began in the
same JSON form, never uvicorn's plain-text "Internal Server Error".
"""
from __future__ import annotations

import asyncio
import json
import logging
import threading
from contextlib import contextmanager
from typing import Any, Callable, ContextManager, Iterator

from device.api.errors import ApiError

log = logging.getLogger("hatbox.api")
STOPPED = "box stopped"         # the error word of a request cut off by the box stopping


class StoppedBeforeCommit(Exception):
    """The box stopped (the request was cut off) before this work committed anything: nothing was kept."""


class StopGate:
    """One request's say over its worker's commit: ``open`` (not committing yet), ``cut`` (the request was cut off:
    commit nothing) or ``committing`` (too late to cut: the request waits for the commit)."""

    def __init__(self) -> None:
        self._lock, self._state = threading.Lock(), "open"

    def check(self) -> None:
        """StoppedBeforeCommit when the request was cut off (the worker need not start)."""
        with self._lock:
            if self._state == "cut":
                raise StoppedBeforeCommit("the request was cut off by the box stopping")

    @contextmanager
    def committing(self) -> Iterator[None]:
        """Entered by the worker just before its first commit: StoppedBeforeCommit (nothing to commit) when the
        request was cut off; else from now on the request waits for the commit."""
        with self._lock:
            if self._state == "cut":
                raise StoppedBeforeCommit("the request was cut off by the box stopping")
            self._state = "committing"
        yield

    def cut(self) -> bool:
        """The request was cut off: True when its worker will commit nothing, False when its commit has begun."""
        with self._lock:
            if self._state == "open":
                self._state = "cut"
            return self._state == "cut"

    def guard(self, hold: Callable[[], ContextManager[Any]]) -> Callable[[], ContextManager[Any]]:
        """``hold`` (a context manager factory: the token's check) that first :meth:`check`\\ s this gate."""
        @contextmanager
        def guarded() -> Iterator[Any]:
            self.check()
            with hold() as held:
                yield held
        return guarded


def _uncancel() -> None:
    """Take back the cancellation of the current task (Python 3.11+): it now answers instead of ending."""
    task = asyncio.current_task()
    if task is not None and hasattr(task, "uncancel"):
        task.uncancel()


async def until_cut(gate: StopGate, work: Callable[..., Any], *args: Any, executor: Any,
                    stopped: Callable[[], ApiError]) -> Any:
    """``work(*args)`` on ``executor``, awaited.  Cut off by the box stopping: ``stopped()`` (the 503 to answer)
    when ``gate`` says the work will commit nothing, else the work's own result once its commit has ended."""
    fut = asyncio.get_running_loop().run_in_executor(executor, work, *args)
    fut.add_done_callback(lambda f: f.cancelled() or f.exception())     # retrieved: no "never retrieved" warning
    try:
        return await asyncio.shield(fut)
    except asyncio.CancelledError:
        _uncancel()
        if gate.cut():
            raise stopped() from None
    log.warning("the box is stopping: a request's work was committing, so the box finishes it and answers")
    while True:
        try:
            return await asyncio.shield(fut)
        except asyncio.CancelledError:      # asyncio.run cancels what is left once the server has stopped
            _uncancel()


def stopped_error(doing: str, what: str, again: str) -> ApiError:
    """The JSON 503 for an upload of ``what`` cut off by the box stopping while it was ``doing`` (e.g. "checked
    the pack"); ``again``: the command that sends it again."""
    log.warning("the box stopped while it %s: nothing of the %s was kept", doing, what)
    return ApiError(503, STOPPED, f"the box was stopped while it {doing}; it kept nothing",
                    hint=f"{again} once it is back (hatbox status says when it answers)")


class CutOffAnswer:
    """ASGI middleware, outermost: a request cut off by the box stopping before its answer began is answered with the
    box's JSON error (503 "box stopped"), not uvicorn's plain-text 500; one whose answer had begun is cut as before."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope.get("type") != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def sending(message: dict[str, Any]) -> None:
            nonlocal started
            started = started or message.get("type") == "http.response.start"
            await send(message)
        try:
            await self.app(scope, receive, sending)
        except asyncio.CancelledError:
            if started:
                raise
            _uncancel()
            log.warning("%s %s was cut off by the box stopping before it answered", scope.get("method"),
                        scope.get("path"))
            await _send_stopped(send, f"the box was stopped before it answered {scope.get('method')} "
                                      f"{scope.get('path')}; what it was doing may not have been done")


async def _send_stopped(send: Any, message: str) -> None:
    body = json.dumps({"error": STOPPED, "message": message, "check": None,
                       "hint": "try again once the box is back (hatbox status says when it answers)"}).encode()
    await send({"type": "http.response.start", "status": 503,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


async def receiving(upload: Any, stopped: Callable[[], ApiError]) -> Any:
    """Await ``upload`` (the receiving of an upload's body); cut off by the box stopping: ``stopped()`` (the 503 to
    answer: what was received is dropped by the route's clean-up)."""
    try:
        return await upload
    except asyncio.CancelledError:
        _uncancel()
        raise stopped() from None

"""Where the Library page's database work runs, so that a frame never waits on SQLite.

A page hands a :class:`Reader` a *job* (a function that reads or writes the library) and a
*done* callback.  ``done(value, error)`` always runs on the panel's own thread: inside ``submit``
(:class:`InlineReader`) or when the panel calls :meth:`Reader.deliver` at the start of a frame
(:class:`ThreadReader`), so a page's state only ever changes on the panel's thread and between
two frames nothing a page lists changes under the user's finger.

- :class:`InlineReader` runs the job at once, inside ``submit``: the default of
  :class:`~device.ui.panel.Panel` (tests, screenshots, benches), pure and deterministic.
- :class:`ThreadReader` runs the jobs one at a time on a worker thread.  The latest read wins: a
  read still waiting to start is dropped when another is submitted (its ``done`` never runs).
  Writes are never dropped and run in the order given, before the reads submitted after them.
  :class:`~device.ui.app.PanelApp` uses it: a library database that a tagging run holds locked
  (sqlite waits up to its 30 s busy timeout) holds the worker, never the frame loop.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, Callable, Protocol

Job = Callable[[], Any]
Done = Callable[[Any, "BaseException | None"], None]


class Reader(Protocol):
    def submit(self, job: Job, done: Done, *, write: bool = False) -> None: ...

    def deliver(self) -> int: ...

    def close(self) -> None: ...


def run_job(job: Job) -> tuple[Any, BaseException | None]:
    """``(job(), None)``, or ``(None, the exception)`` when it raised."""
    try:
        return job(), None
    except Exception as exc:  # noqa: BLE001 - handed to the page's done(), which shows it
        return None, exc


class InlineReader:
    """Runs each job inside :meth:`submit` and calls its ``done`` right after."""

    def submit(self, job: Job, done: Done, *, write: bool = False) -> None:
        """Run ``job`` now; ``done(value, error)`` before returning."""
        done(*run_job(job))

    def deliver(self) -> int:
        """Nothing is ever left to deliver."""
        return 0

    def close(self) -> None:
        """Nothing to stop."""


@dataclass(frozen=True)
class _Task:
    job: Job
    done: Done
    write: bool


class ThreadReader:
    """One worker thread (started by the first :meth:`submit`), the latest read winning."""

    def __init__(self, name: str = "panel-library") -> None:
        self.name = name
        self.dropped = 0                    # reads dropped for a newer one before they started
        self._cond = threading.Condition()
        self._queue: list[_Task] = []
        self._finished: list[tuple[_Task, Any, BaseException | None]] = []
        self._running = False
        self._closed = False
        self._thread: threading.Thread | None = None

    def submit(self, job: Job, done: Done, *, write: bool = False) -> None:
        """Queue ``job``; reads still waiting are dropped (writes stay).  Never blocks on a job."""
        with self._cond:
            if self._closed:
                return
            kept = [t for t in self._queue if t.write]
            self.dropped += len(self._queue) - len(kept)
            self._queue = [*kept, _Task(job, done, write)]
            self._cond.notify_all()
            if self._thread is None:
                self._thread = threading.Thread(target=self._work, name=self.name, daemon=True)
                self._thread.start()

    def _next(self) -> _Task | None:
        """The next task to run (None: closed and nothing left to write)."""
        with self._cond:
            while not self._queue and not self._closed:
                self._cond.wait()
            if not self._queue:
                return None
            self._running = True
            return self._queue.pop(0)

    def _work(self) -> None:
        while (task := self._next()) is not None:
            value, error = run_job(task.job)
            with self._cond:
                self._finished.append((task, value, error))
                self._running = False
                self._cond.notify_all()

    def deliver(self) -> int:
        """Call ``done`` for every job finished so far, on the caller's thread, in the order they
        finished; how many.  One that raises leaves the rest for the next call."""
        n = 0
        while True:
            with self._cond:
                if not self._finished:
                    return n
                task, value, error = self._finished.pop(0)
            n += 1
            task.done(value, error)

    def busy(self) -> bool:
        """A job is waiting or running."""
        with self._cond:
            return bool(self._queue) or self._running

    def wait(self, timeout: float = 5.0) -> bool:
        """Block until no job waits or runs (tests, then :meth:`deliver`); False after ``timeout`` s."""
        with self._cond:
            return self._cond.wait_for(lambda: not self._queue and not self._running, timeout)

    def close(self, timeout: float = 0.5) -> None:
        """Drop the reads still waiting and stop once the writes are done (waits ``timeout`` s at
        most: the thread is a daemon and a locked database does not hold the panel's exit)."""
        with self._cond:
            self._closed = True
            self._queue = [t for t in self._queue if t.write]
            self._cond.notify_all()
            thread = self._thread
        if thread is not None:
            thread.join(timeout)

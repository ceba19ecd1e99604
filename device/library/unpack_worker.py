"""Unpacking an uploaded library archive in a process of its own, so that the box's main process keeps its GIL.

The box unpacks an upload (device/api/libraries.py ``ingest``, on the API's validator thread) with
:func:`device.library.archive.unpack_archive`: reading, writing and decoding every member to check its audio.  In the
box's own process that held the GIL the OSC and MIDI threads need to hand each note to the engine: notes were 10-47 ms
late at p95 while a 2000-file library was unpacked (p50, bench/box_note_latency.py's ``upload`` phase;
docs/box-tagging.md).  :func:`unpack_archive` here is called as that one is, and runs it in a child (``python -m
device.library.unpack_worker``, niced, in its own session: device/library/child_process.py, the tagging child's
pieces); the calling thread only waits for it.  What its callers see stays as it was:

- the :class:`~device.library.archive.ArchiveReport` comes back whole (every file's report, ``skipped``, ``notes``);
- an :class:`~device.library.archive.ArchiveError` comes back as its own class (NoSpace, StorageFailed, ...) with its
  words and hint; the child's warnings (a member left out as unreadable) reach the box's log;
- on any error nothing is left: the child removes what it made, and this process removes it again when the child
  could not (killed): ``dest``, ``dest.partial`` and any folder above ``dest`` this call made;
- ``hold`` (the upload's token check and the box stopping: device/api/cutoff.py) is entered every
  :data:`~device.library.child_process.POLL_S` while the child works: whatever it raises stops the child (nothing
  kept) and is raised here, at once rather than at the commit after a whole unpacking as before;
- a child that ends without a word is an ArchiveError in words (:data:`KILLED`; "out of memory?" for a SIGKILL, the
  OOM killer's, alone), never a traceback or an upload that waits for ever; a child stopped by a signal of its own (a
  service manager's SIGTERM to every process of the unit) keeps nothing and says so (:data:`STOPPED`); a child told
  to stop that has not ended :data:`~device.library.child_process.CANCEL_WAIT_S` later (stuck, or SIGSTOPped) is
  killed, and the upload answered, its folders removed;
- a child that could not be started (the fork's ENOMEM or EAGAIN on a loaded box) is an ArchiveError saying so, with
  a try-again hint (never the storage failure an OSError is taken for).

With :data:`~device.library.child_process.IN_THREAD_ENV` set to "1" (the test suite's setting) it unpacks on the
calling thread, as before this module.
"""
from __future__ import annotations

import _thread
import dataclasses
import json
import logging
import shutil
import signal
import subprocess
import sys
import threading
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any, Callable

from device.library import archive as archive_mod
from device.library.archive import ArchiveError, ArchiveReport, FileReport, Limits, error_of, first_missing
from device.library.child_process import (START_AGAIN, LogLines, Lines, close, died_how, ended_how, error_words,
                                          follow, in_thread, log_trace, not_started, protocol_out, rebuilt_error,
                                          relog, set_nice, start)

KILLED = "the box's unpacking of the library stopped unexpectedly ({how}); nothing of the library was kept"
STOPPED = "the box's unpacking of the library was stopped ({how}: the box stopping?); nothing of the library was kept"
AGAIN = "send it again; if this keeps happening, the box's log has the details"
log = logging.getLogger("hatbox.api")
Hold = Callable[[], AbstractContextManager[Any]]


def unpack_archive(archive: str | Path, dest: str | Path, limits: Limits = Limits(), room: int | None = None,
                   hold: Hold = nullcontext) -> ArchiveReport:
    """:func:`device.library.archive.unpack_archive` in a child process (on the calling thread when
    :data:`~device.library.child_process.IN_THREAD_ENV` is "1"; ``hold`` is not entered there)."""
    if in_thread():
        return archive_mod.unpack_archive(archive, dest, limits, room)
    return unpack_in_process(Path(archive), Path(dest), limits, room, hold)


# ---- the parent's side ----

def unpack_in_process(archive: Path, dest: Path, limits: Limits, room: int | None, hold: Hold) -> ArchiveReport:
    """Unpack ``archive`` into ``dest`` (which must not exist) in a child; blocks the calling thread (not the GIL).
    On any error (``hold``'s too) nothing is left of ``dest`` nor of the folders above it this call made."""
    if dest.exists():
        raise ArchiveError(f"{dest.name} already exists")
    made = first_missing(dest.parent)
    try:
        return _unpacked(archive, dest, limits, room, hold)
    except BaseException:
        for folder in (dest.with_name(dest.name + ".partial"), dest, made):
            if folder is not None:
                shutil.rmtree(folder, ignore_errors=True)
        raise


def _unpacked(archive: Path, dest: Path, limits: Limits, room: int | None, hold: Hold) -> ArchiveReport:
    """The child's report, or what it (or ``hold``) raised, or its end in words."""
    cancel, held = threading.Event(), _Held(hold)
    proc = _started([str(archive), str(dest), json.dumps(dataclasses.asdict(limits)),
                     "" if room is None else str(room)])
    try:
        said = follow(proc, cancel, _logged, "unpacking", held.tick(cancel))
    finally:
        close(proc)
    if held.raised is not None:         # a cut or a revoke wins over a report that came as it was raised
        raise held.raised
    if "report" in said:
        return report_of(said["report"])
    if "error" in said:
        log_trace(said["error"], "the unpacking process")
        raise archive_error(said["error"])
    if "cancelled" in said:
        raise ArchiveError(STOPPED.format(how="told to stop"), hint=AGAIN)
    raise ended_error(proc.returncode)


def _started(args: list[str]) -> subprocess.Popen:
    """The unpacking child, started; an ArchiveError in words when it cannot be (:func:`not_started`)."""
    try:
        return start("device.library.unpack_worker", args)
    except OSError as exc:
        raise ArchiveError(not_started("unpacking", exc), hint=START_AGAIN) from None


def ended_error(code: int | None) -> ArchiveError:
    """The error of a child that ended with status ``code`` and no last word: killed by a signal it did not handle
    (:data:`STOPPED`; a SIGKILL, the OOM killer's, :data:`KILLED` with "out of memory?": child_process.died_how) or
    exited (an import error, a crash: :data:`KILLED`)."""
    log.error("the unpacking process ended without a report (%s)", ended_how(code))
    if code is not None and code < 0 and code != -signal.SIGKILL:
        return ArchiveError(STOPPED.format(how=ended_how(code)), hint=AGAIN)
    return ArchiveError(KILLED.format(how=died_how(code)), hint=AGAIN)


class _Held:
    """``hold`` entered now and then; what it raised first (``raised``) sets the cancel."""

    def __init__(self, hold: Hold) -> None:
        self.hold, self.raised = hold, None

    def tick(self, cancel: threading.Event) -> Callable[[], None]:
        def check() -> None:
            if self.raised is not None:
                return
            try:
                with self.hold():
                    pass
            except BaseException as exc:  # noqa: BLE001 - raised again by the caller, once the child has ended
                self.raised = exc
                cancel.set()
        return check


def _logged(said: dict[str, Any]) -> bytes | None:
    """A child's line that is not its last word: its log records go to the box's log; nothing is answered."""
    if "log" in said:
        relog(said)
    return None


def report_of(said: dict[str, Any]) -> ArchiveReport:
    """The child's report (:func:`report_json`) as the ArchiveReport unpack_archive returned."""
    return ArchiveReport([FileReport(**f) for f in said.get("files") or []], int(said.get("skipped") or 0),
                         [str(n) for n in said.get("notes") or []])


def archive_classes() -> dict[str, type[ArchiveError]]:
    """ArchiveError and each of its subclasses (NoSpace, StorageFailed...), by name."""
    found: dict[str, type[ArchiveError]] = {}
    todo: list[type[ArchiveError]] = [ArchiveError]
    while todo:
        kind = todo.pop()
        found.setdefault(kind.__name__, kind)
        todo.extend(kind.__subclasses__())
    return found


def archive_error(said: dict[str, Any]) -> ArchiveError:
    """The child's error as unpack_archive raised it: an ArchiveError of its class (by name) with its words and hint;
    anything else (the child's own failing) as unpack_archive says an unforeseen error."""
    exc = rebuilt_error(said, archive_classes())
    if isinstance(exc, ArchiveError):
        return exc
    if said.get("hatbox"):                      # a HatboxError of a class this process does not know
        return type(str(said.get("type") or "ArchiveError"), (ArchiveError,), {})(str(exc.args[0]),
                                                                                 hint=said.get("hint"))
    failure = error_of(exc)
    return failure if isinstance(failure, ArchiveError) else ArchiveError(str(failure))


# ---- the child's side ----

class Cancelled(BaseException):
    """The box asked the child to stop (its ``cancel``, its stdin's end, a SIGTERM): unpack_archive removes what it
    made and raises this again (not an Exception: it is not turned into an ArchiveError)."""


def report_json(report: ArchiveReport) -> dict[str, Any]:
    """An ArchiveReport as plain JSON (:func:`report_of` makes it again)."""
    return {"files": [dataclasses.asdict(f) for f in report.files], "skipped": report.skipped,
            "notes": list(report.notes)}


class _Stop:
    """The child's stop: a signal (SIGINT, which :func:`_listen` sends, or SIGTERM) raises :class:`Cancelled` in the
    main thread only while it unpacks (``working``: unpack_archive's clean-up then runs), and once; one that came
    before stops the unpacking as it starts (``asked``); one after changes nothing: the end is being said (p51
    review: a cancel that landed in the error's handling raised out of child_main, a traceback in the journal and the
    real error lost)."""

    def __init__(self) -> None:
        self.working, self.asked = False, False

    def handler(self, signum: int, frame: Any) -> None:
        self.asked = True
        if self.working:
            self.working = False            # once: the clean-up that follows must not be cut short by a second
            raise Cancelled()

    def unpack(self, unpack: Callable[[], ArchiveReport]) -> ArchiveReport:
        """``unpack()``, stopped by a signal (:class:`Cancelled`) while it runs, or before it starts if one came."""
        self.working = True
        try:
            if self.asked:
                raise Cancelled()
            return unpack()
        finally:
            self.working = False


def _listen() -> None:
    """The parent's stdin: ``cancel``, or its end (the box gone), stops the unpacking (:class:`Cancelled`)."""
    for line in sys.stdin:
        if line.strip() == "cancel":
            break
    _thread.interrupt_main()            # SIGINT's handler, in the main thread: :meth:`_Stop.handler`


def _limits(text: str) -> Limits:
    given = json.loads(text)
    return Limits(**{**given, "extensions": tuple(given.get("extensions") or Limits().extensions)})


def child_main(archive: str, dest: str, limits: str, room: str) -> int:
    """``python -m device.library.unpack_worker ARCHIVE DEST LIMITS_JSON ROOM``: unpack, say the report (or the
    error, or that it was cancelled) on stdout."""
    set_nice()
    lines = Lines(protocol_out())
    logging.getLogger().addHandler(LogLines(lines))
    stop = _Stop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, stop.handler)
    threading.Thread(target=_listen, daemon=True).start()
    try:
        said = {"report": report_json(stop.unpack(lambda: archive_mod.unpack_archive(
            archive, dest, _limits(limits), int(room) if room else None)))}
    except (Cancelled, KeyboardInterrupt):
        said = {"cancelled": True}
    except BaseException as exc:  # noqa: BLE001 - every end is said to the box, which answers the upload with it
        said = {"error": error_words(exc)}
    lines.line(said)
    return 0


if __name__ == "__main__":
    sys.exit(child_main(*sys.argv[1:5]))

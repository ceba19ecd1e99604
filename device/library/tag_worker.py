"""Tagging a library in a process of its own, so that the box's main process (OSC, MIDI, the API) keeps its GIL.

The box's API tags an uploaded library on a background thread (device/api/library_tagging.py).  Renicing that thread
did not keep it from holding the box process's GIL (decoding, resampling, onnxruntime's calls), which the OSC and
MIDI threads need to hand each note to the engine: notes came out up to 73 ms late while a library was tagged (p50,
bench/box_note_latency.py; docs/box-tagging.md).  :func:`tag_in_process` runs the same
:func:`device.library.tag_library` in a child (``python -m device.library.tag_worker``, niced, in its own session so
a terminal's Ctrl-C is the box's to handle), and is called like it from that thread:

- progress comes back as it goes (``progress(done, total)`` after each file), and the child waits for the parent's
  answer before its next file: a ``cancel`` (a threading.Event) set by then, even by ``progress`` itself, stops it
  there, as tag_library stops in the box's thread; one set at any other moment is passed on at once;
- the report comes back as JSON (device.library.report_json.jsonable's shape), an error as an exception of the same
  class name and words (a HatboxError keeps its hint, an OSError its errno), so the box's record says what it did;
  any other error's traceback is written to the box's log;
- a child that ended without a word (killed) is :class:`WorkerDied`, unless the box is stopping: a service manager's
  SIGTERM that reached the child a moment before the box set ``cancel`` (the unit says ``KillMode=mixed`` so that it
  does not) is waited for up to :data:`STOPPING_WAIT_S` and taken as the cancel it was; a child told to stop that has
  not ended :data:`~device.library.child_process.CANCEL_WAIT_S` later (stuck, SIGSTOPped) is killed and taken so too;
- a child that could not be started (the fork's ENOMEM or EAGAIN on a loaded box) is :class:`NotStarted`, in words
  with a try-again hint.

The protocol, one line each: the child writes ``{"progress": [done, total]}`` (JSON) and waits for ``go`` or
``cancel`` on its stdin, then ``{"report": {...}}`` or ``{"error": {...}}``, on a copy of its stdout; its own
descriptor 1 is pointed at its stderr, which is the box's (the journal), so a native library's print never mixes into
the protocol (text found before a line's JSON anyway is logged and the JSON still read).  The parent may write
``cancel`` at any time, and the child takes the end of its stdin (the box gone) as a cancel too.
"""
from __future__ import annotations

import logging
import queue
import sys
import threading
from pathlib import Path
from typing import Any, Callable

# the pieces both work children share (device/library/child_process.py); these names stay readable here too
from device.library.child_process import (NICE, POLL_S, START_AGAIN, Lines, close, ended_how,  # noqa: F401
                                          error_words, follow, log_trace, not_started, protocol_out, rebuilt_error,
                                          set_nice, start)
from hatbox.errors import HatboxError

STOPPING_WAIT_S = 2.0           # how long a child killed by a signal waits for the box's cancel (the box stopping)
log = logging.getLogger("hatbox.api")


class WorkerDied(RuntimeError):
    """The tagging process ended without a report (killed, or out of memory); ``code`` is its exit status (-N: by
    signal N)."""

    def __init__(self, code: int | None) -> None:
        super().__init__(f"the tagging process ended without a report ({ended_how(code)})")
        self.code = code


class NotStarted(HatboxError):
    """The tagging process could not be started (the box short of memory or processes): the record says so."""


# ---- the parent's side ----

def tag_in_process(root: Path, pack: Path, db_path: Path, progress: Callable[[int, int], None],
                   cancel: threading.Event) -> dict[str, Any]:
    """Tag ``root`` with ``pack`` into ``db_path`` in a child process; returns its report as JSON, or raises what it
    raised (rebuilt: :func:`rebuilt_error`).  Blocks the calling thread (not the GIL) until the child ends."""
    try:
        proc = start("device.library.tag_worker", [str(root), str(pack), str(db_path)])
    except OSError as exc:
        raise NotStarted(not_started("tagging", exc), hint=START_AGAIN) from None
    try:
        said = follow(proc, cancel, _answer(progress, cancel), "tagging")
    finally:
        close(proc)
    if "report" in said:
        return dict(said["report"])
    if "error" in said:
        log_trace(said["error"], "the tagging process")
        raise rebuilt_error(said["error"])
    if proc.returncode is not None and proc.returncode < 0 and not cancel.is_set():
        cancel.wait(STOPPING_WAIT_S)    # a stop's SIGTERM may reach the child a moment before the box sets cancel
    if cancel.is_set():                 # stopped before it could say (the box stopping): how far is not known here
        return {"cancelled": True}
    raise WorkerDied(proc.returncode)


def _answer(progress: Callable[[int, int], None], cancel: threading.Event) -> Callable[[dict[str, Any]], bytes | None]:
    """The answer to a child's progress line, which it waits for before its next file: progress passed on first (it
    may set ``cancel`` itself), then ``cancel`` or ``go``."""
    def answer(said: dict[str, Any]) -> bytes | None:
        if "progress" not in said:
            return None
        progress(int(said["progress"][0]), int(said["progress"][1]))
        return b"cancel\n" if cancel.is_set() else b"go\n"
    return answer


# ---- the child's side ----

class _Say(Lines):
    """The child's stdout, one JSON object a line; after each progress line, the parent's answer is waited for (until
    ``cancel`` is set: then at once)."""

    def __init__(self, cancel: threading.Event, out: Any) -> None:
        super().__init__(out)
        self.cancel, self.answers = cancel, queue.SimpleQueue()

    def progress(self, done: int, total: int) -> None:
        self.line({"progress": [int(done), int(total)]})
        if self.gone:                   # no box reads it (killed): no answer comes, it stops as at a cancel
            self.cancel.set()
        while not self.cancel.is_set():
            try:
                self.answers.get(timeout=POLL_S)
                return
            except queue.Empty:
                continue


def _listen(cancel: threading.Event, answers: queue.SimpleQueue) -> None:
    """The parent's stdin: ``go`` answers a progress line; ``cancel``, or its end (the box gone), sets ``cancel``."""
    for line in sys.stdin:
        if line.strip() == "cancel":
            break
        answers.put(True)
    cancel.set()


def child_main(root: str, pack: str, db_path: str) -> int:
    """``python -m device.library.tag_worker ROOT PACK DB``: tag, say the report (or the error) on stdout."""
    set_nice()
    cancel = threading.Event()
    say = _Say(cancel, protocol_out())
    threading.Thread(target=_listen, args=(cancel, say.answers), daemon=True).start()
    try:
        from device.library import tag_library  # type: ignore[attr-defined]
        from device.library.report_json import jsonable
    except ImportError as exc:
        say.line({"error": {"type": "TaggerMissing", "hatbox": True, "message": f"library tagging is not "
                            f"installed on this box ({exc})"}})
        return 0
    try:
        report = tag_library(Path(root), Path(pack), Path(db_path), progress=say.progress, cancel=cancel)
    except BaseException as exc:  # noqa: BLE001 - every end is said to the box, which records it
        say.line({"error": error_words(exc)})
        return 0
    say.line({"report": jsonable(report)})
    return 0


if __name__ == "__main__":
    sys.exit(child_main(*sys.argv[1:4]))

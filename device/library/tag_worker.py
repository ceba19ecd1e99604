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
  does not) is waited for up to :data:`STOPPING_WAIT_S` and taken as the cancel it was.

The protocol, one line each: the child writes ``{"progress": [done, total]}`` (JSON) and waits for ``go`` or
``cancel`` on its stdin, then ``{"report": {...}}`` or ``{"error": {...}}``, on a copy of its stdout; its own
descriptor 1 is pointed at its stderr, which is the box's (the journal), so a native library's print never mixes into
the protocol (text found before a line's JSON anyway is logged and the JSON still read).  The parent may write
``cancel`` at any time, and the child takes the end of its stdin (the box gone) as a cancel too.
"""
from __future__ import annotations

import json
import logging
import os
import queue
import selectors
import signal
import subprocess
import sys
import threading
import traceback
from pathlib import Path
from typing import Any, Callable

from hatbox.errors import HatboxError

POLL_S = 0.1                    # how often the parent looks at ``cancel`` while it waits for the child's lines
NICE = 10                       # the child's niceness (absolute): tagging never competes with the audio engine
STOPPING_WAIT_S = 2.0           # how long a child killed by a signal waits for the box's cancel (the box stopping)
log = logging.getLogger("hatbox.api")


class WorkerDied(RuntimeError):
    """The tagging process ended without a report (killed, or out of memory); ``code`` is its exit status (-N: by
    signal N)."""

    def __init__(self, code: int | None) -> None:
        super().__init__(f"the tagging process ended without a report ({ended_how(code)})")
        self.code = code


def ended_how(code: int | None) -> str:
    """A child's exit status in words: ``killed by SIGKILL`` for -9, ``exit code 3`` for 3."""
    if code is not None and code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


# ---- the parent's side ----

def tag_in_process(root: Path, pack: Path, db_path: Path, progress: Callable[[int, int], None],
                   cancel: threading.Event) -> dict[str, Any]:
    """Tag ``root`` with ``pack`` into ``db_path`` in a child process; returns its report as JSON, or raises what it
    raised (rebuilt: :func:`rebuilt_error`).  Blocks the calling thread (not the GIL) until the child ends."""
    proc = subprocess.Popen([sys.executable, "-m", "device.library.tag_worker", str(root), str(pack), str(db_path)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=None,
                            env=_child_env(), start_new_session=True)
    try:
        said = _follow(proc, progress, cancel)
    finally:
        _close(proc)
    if "report" in said:
        return dict(said["report"])
    if "error" in said:
        _log_trace(said["error"])
        raise rebuilt_error(said["error"])
    if proc.returncode is not None and proc.returncode < 0 and not cancel.is_set():
        cancel.wait(STOPPING_WAIT_S)    # a stop's SIGTERM may reach the child a moment before the box sets cancel
    if cancel.is_set():                 # stopped before it could say (the box stopping): how far is not known here
        return {"cancelled": True}
    raise WorkerDied(proc.returncode)


def _log_trace(error: dict[str, Any]) -> None:
    """The child's traceback of an error that is not a HatboxError, into the box's log (the record keeps one line)."""
    trace = error.get("trace")
    if trace:
        log.error("the tagging process stopped on %s:\n%s", error.get("type"), str(trace).rstrip())


def _child_env() -> dict[str, str]:
    """The box's environment, with the folder this ``device`` package is in first on PYTHONPATH."""
    top = str(Path(__file__).resolve().parents[2])
    path = os.environ.get("PYTHONPATH", "")
    return {**os.environ, "PYTHONPATH": f"{top}{os.pathsep}{path}" if path else top}


def _follow(proc: subprocess.Popen, progress: Callable[[int, int], None],
            cancel: threading.Event) -> dict[str, Any]:
    """Read the child's lines until it closes its stdout; pass ``cancel`` on once.  Returns its last word."""
    assert proc.stdout is not None
    fd = proc.stdout.fileno()
    with selectors.DefaultSelector() as sel:    # not select.select: the box may hold 1024 descriptors and more
        sel.register(fd, selectors.EVENT_READ)
        return _read_lines(proc, sel, progress, cancel)


def _read_lines(proc: subprocess.Popen, sel: selectors.BaseSelector, progress: Callable[[int, int], None],
                cancel: threading.Event) -> dict[str, Any]:
    """:func:`_follow`'s loop, on the child's stdout registered in ``sel``."""
    assert proc.stdout is not None
    fd, rest, last, told = proc.stdout.fileno(), b"", {}, False
    while True:
        if cancel.is_set() and not told:
            told = _tell(proc, b"cancel\n")
        if not sel.select(POLL_S):
            continue
        chunk = os.read(fd, 65536)
        if not chunk:
            return last
        *lines, rest = (rest + chunk).split(b"\n")
        for line in lines:
            said = _heard(line, progress)
            if said is None:
                continue
            if "progress" in said:              # the child waits for this answer before its next file
                told = _tell(proc, b"cancel\n" if cancel.is_set() else b"go\n") and cancel.is_set()
            else:
                last = said


def _heard(line: bytes, progress: Callable[[int, int], None]) -> dict[str, Any] | None:
    """One line of the child's, returned: progress passed on first; anything not JSON logged (None), as is text
    before a line's JSON (a native library's print without its newline) that is then read."""
    junk, said = _json_tail(line)
    if junk.strip():
        log.warning("tagging: %s", junk.decode(errors="replace").rstrip())
    if said is None:
        return None
    if "progress" in said:
        progress(int(said["progress"][0]), int(said["progress"][1]))
    return said


def _json_tail(line: bytes) -> tuple[bytes, dict[str, Any] | None]:
    """(the text before ``line``'s JSON object, that object); (``line``, None) when no ``{"`` of it starts one."""
    at = line.find(b'{"')
    while at >= 0:
        try:
            said = json.loads(line[at:])
        except ValueError:
            said = None
        if isinstance(said, dict):
            return line[:at], said
        at = line.find(b'{"', at + 1)
    return line, None


def _tell(proc: subprocess.Popen, what: bytes) -> bool:
    try:
        assert proc.stdin is not None
        proc.stdin.write(what)
        proc.stdin.flush()
    except (OSError, ValueError):
        pass                            # it has ended already
    return True


def _close(proc: subprocess.Popen, wait_s: float = 10.0) -> None:
    """Close the child's stdin (its cue to stop, if it still runs) and wait for it; killed past ``wait_s``."""
    for stream in (proc.stdin, proc.stdout):
        try:
            if stream is not None:
                stream.close()
        except OSError:
            pass
    try:
        proc.wait(wait_s)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def rebuilt_error(said: dict[str, Any]) -> BaseException:
    """The child's error as an exception of its class name: a HatboxError (with its hint), an OSError (with its errno,
    for a full disk) or an Exception; each with the child's words."""
    name, message = str(said.get("type") or "Exception"), str(said.get("message") or "")
    if said.get("hatbox"):
        return type(name, (HatboxError,), {})(message, hint=said.get("hint"))
    if said.get("errno") is not None:
        return type(name, (OSError,), {})(int(said["errno"]), str(said.get("strerror") or message),
                                           *([said["filename"]] if said.get("filename") else []))
    return type(name, (Exception,), {})(message)


# ---- the child's side ----

def error_words(exc: BaseException) -> dict[str, Any]:
    """What :func:`rebuilt_error` needs of ``exc``; for an error that is not a HatboxError (a bug, a disk), its
    ``trace`` too, for the box's log."""
    hatbox = isinstance(exc, HatboxError)
    words = {"type": type(exc).__name__, "hatbox": hatbox,
             "message": str(exc.args[0]) if hatbox and exc.args else str(exc),
             "hint": getattr(exc, "hint", None), "errno": getattr(exc, "errno", None),
             "strerror": getattr(exc, "strerror", None), "filename": getattr(exc, "filename", None)}
    if not hatbox:
        words["trace"] = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return words


class _Say:
    """The child's stdout, one JSON object a line; after each progress line, the parent's answer is waited for (until
    ``cancel`` is set: then at once)."""

    def __init__(self, cancel: threading.Event, out: Any) -> None:
        self.out, self.cancel, self.answers = out, cancel, queue.SimpleQueue()

    def line(self, what: dict[str, Any]) -> None:
        self.out.write(json.dumps(what, default=str) + "\n")
        self.out.flush()

    def progress(self, done: int, total: int) -> None:
        self.line({"progress": [int(done), int(total)]})
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


def _protocol_out() -> Any:
    """A copy of descriptor 1 for the protocol's lines; descriptor 1 itself (and ``sys.stdout``) then points at the
    stderr, so what a library prints cannot land inside a protocol line."""
    out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    sys.stdout.flush()
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return out


def child_main(root: str, pack: str, db_path: str) -> int:
    """``python -m device.library.tag_worker ROOT PACK DB``: tag, say the report (or the error) on stdout."""
    try:
        os.setpriority(os.PRIO_PROCESS, 0, NICE)   # absolute: not added to the box thread's own nice 10 (-> 19)
    except OSError:
        pass
    cancel = threading.Event()
    say = _Say(cancel, _protocol_out())
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

"""What the box's work children share (device/library/tag_worker.py: tagging a library; device/library/unpack_worker.py:
unpacking an uploaded archive): both run in a process of their own so that the box's main process, where OSC, MIDI and
the API hand each note to the engine, keeps its GIL (p50, p51: docs/box-tagging.md).

The protocol, one JSON object a line: the child writes its lines (``{"progress": ...}``, ``{"log": ...}``, and last
``{"report": ...}``, ``{"error": ...}`` or ``{"cancelled": true}``) on a copy of its stdout (:func:`protocol_out`: its
own descriptor 1 points at its stderr, the box's journal, so a native library's print never lands inside a line); the
parent writes ``cancel`` (or an answer the child waits for: ``go``) on the child's stdin, and the end of that stdin
(the box gone) is a cancel too.  :func:`start` starts a child (``python -m MODULE ARGS``, in its own session so that a
terminal's Ctrl-C is the box's to handle; the child sets its own niceness: :func:`set_nice`), :func:`follow` reads its
lines until it ends, :func:`close` waits for it.  An error crosses as :func:`error_words` and comes back as
:func:`rebuilt_error` (its class name, words and hint; an OSError's errno; the classes given by name as themselves).

:data:`IN_THREAD_ENV` set to "1" (the test suite's setting, tests/conftest.py) runs that work on the calling thread,
in the box's process, as before each child was made: a Python start per tagging and per upload made the suite slower.
"""
from __future__ import annotations

import json
import logging
import os
import selectors
import signal
import subprocess
import sys
import threading
import time
import traceback
from pathlib import Path
from typing import Any, Callable, Collection, Mapping

from hatbox.errors import HatboxError

POLL_S = 0.1                    # how often the parent looks at its cancel while it waits for the child's lines
REAP_POLL_S = 0.01              # how often :func:`close` looks whether its child has ended
CANCEL_WAIT_S = 10.0            # how long a child told to stop may take to end before it is killed (SIGKILL)
# s: a child told to stop still running this long after is said in the box's log (INFO: a tagging child stops after
# the file it is on, so an ordinary cancel may take longer).  Below device.api.box.VALIDATE_STOP_S, the box stop's
# wait for an unpacking, so that the line reaches box.log before it closes (tests/test_p52_M3_child_slow_stop.py)
SLOW_STOP_S = 1.0
READ_BYTES = 1 << 20            # the most read from a child's output at a time (a pipe gives 64 KiB at most)
NICE = 10                       # a child's niceness (absolute): its work never competes with the audio engine
IN_THREAD_ENV = "HATBOX_TAG_IN_THREAD"  # "1": tag and unpack on the calling thread, in the box's process (the suite's)
FINAL = ("report", "error", "cancelled")    # the keys of a child's last word
log = logging.getLogger("hatbox.api")


def in_thread() -> bool:
    """Whether work runs on the calling thread (:data:`IN_THREAD_ENV` is "1"), not in a child."""
    return os.environ.get(IN_THREAD_ENV) == "1"


def ended_how(code: int | None) -> str:
    """A child's exit status in words: ``killed by SIGKILL`` for -9, ``exit code 3`` for 3."""
    if code is not None and code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


OOM_GUESS = "out of memory?"    # said after a SIGKILL's words (the OOM killer's signal) alone


def died_how(code: int | None) -> str:
    """How a child that ended with status ``code`` and no last word died, in words: ``killed by SIGKILL: out of
    memory?`` for a SIGKILL (the OOM killer's signal) alone; any other status as :func:`ended_how` says it (``killed
    by SIGSEGV``, ``exit code 1``: a crash is no memory shortage; p51 review: the tagging said "out of memory?" for
    every end).  The unpacking's and the tagging's words both."""
    how = ended_how(code)
    return f"{how}: {OOM_GUESS}" if code == -signal.SIGKILL else how


# ---- the parent's side ----

def child_env() -> dict[str, str]:
    """The box's environment, with the folder this ``device`` package is in first on PYTHONPATH."""
    top = str(Path(__file__).resolve().parents[2])
    path = os.environ.get("PYTHONPATH", "")
    return {**os.environ, "PYTHONPATH": f"{top}{os.pathsep}{path}" if path else top}


# the children started and not closed yet -> (their module, the thread that started each: its library's tagging)
_live: dict[subprocess.Popen, tuple[str, threading.Thread]] = {}
_live_lock = threading.Lock()   # held while a child is signalled or reaped (:func:`close`): no signal to a reused pid


def start(module: str, args: list[str]) -> subprocess.Popen:
    """``python -m module *args``: its stdin and stdout are pipes to this process, its stderr is the box's own.  It is
    one of the children :func:`kill_children` can end until :func:`close` has waited for it."""
    proc = subprocess.Popen([sys.executable, "-m", module, *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=None, env=child_env(), start_new_session=True)
    with _live_lock:
        _live[proc] = (module, threading.current_thread())
    return proc


# what to do when a child could not be started (:func:`not_started`)
START_AGAIN = ("try again in a moment; if it keeps happening, the box is short of memory or processes (its log has "
               "the details)")


def not_started(what: str, exc: OSError) -> str:
    """Words for a child that could not be started (the fork's ENOMEM or EAGAIN on a loaded box; ``what``:
    "unpacking", "tagging"), said in the box's log too: never the storage error an OSError was taken for (p51
    review)."""
    log.error("the %s process could not be started: %s", what, exc)
    return f"the box could not start its {what} process ({exc.strerror or type(exc).__name__})"


def kill_children(module: str, started_by: Collection[threading.Thread]) -> list[int]:
    """End now (SIGKILL to its session's process group: it reads no cancel while stuck in native code or stopped by
    SIGSTOP) every child of ``module`` that one of the threads ``started_by`` started and :func:`close` has not waited
    for yet; the pids of those still running.  For the box's stop once its wait for them is over: in its own session,
    a child left behind outlived the box, its parent then init (p51 QA, outside systemd).  Another box's children in
    this process (the test suite's, a crash host's) are not touched (p51 review: every tagging child was killed)."""
    with _live_lock:
        procs = [proc for proc, (of, by) in _live.items() if of == module and by in started_by]
        return [proc.pid for proc in procs if _signal(proc)]


def kill_group(proc: subprocess.Popen) -> None:
    """SIGKILL to ``proc``'s process group (its own session, :func:`start`: the group is its pid), else to it alone;
    nothing when it has ended already."""
    with _live_lock:
        _signal(proc)


def _signal(proc: subprocess.Popen) -> bool:
    """:func:`kill_group`'s signal, :data:`_live_lock` held: ``proc`` is polled right before it, and no other thread
    reaps it meanwhile (:func:`close` reaps under that lock), so its pid is never one the system gave another process
    since (p51 review: the signal was sent after the lock was let go, while the tagging thread could reap it).
    Whether it was signalled (False: it has ended)."""
    if proc.poll() is not None:
        return False
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except OSError:
        try:
            proc.kill()
        except OSError:
            pass
    return True


def follow(proc: subprocess.Popen, cancel: threading.Event, answer: Callable[[dict[str, Any]], bytes | None],
           label: str, tick: Callable[[], None] = lambda: None) -> dict[str, Any]:
    """Read the child's lines until it closes its stdout; pass ``cancel`` on once (``cancel\\n``).  Each line that
    is not a last word (:data:`FINAL`) goes to ``answer``, whose bytes (if any) are written back to the child at
    once; ``tick()`` is called before each wait (every :data:`POLL_S` at most: it may set ``cancel``).  Returns the
    child's last word ({} when it ended without one); ``label`` names it in the box's log.  A child told to stop
    (``cancel``, or an answer of ``cancel``) that has not ended :data:`CANCEL_WAIT_S` later (stuck in native code,
    stopped by SIGSTOP) is killed with its process group (:func:`kill_group`) and its last word so far returned: the
    caller's clean-up then runs (p51 review: a stopped unpacking child held the upload, and the box's exit, for
    ever)."""
    assert proc.stdout is not None
    with selectors.DefaultSelector() as sel:    # not select.select: the box may hold 1024 descriptors and more
        sel.register(proc.stdout.fileno(), selectors.EVENT_READ)
        return _Reader(proc, answer, label).run(sel, cancel, tick)


class LineParts:
    """A child's output as it comes, in reads of any size, cut into its lines: the line not finished yet is kept as
    its parts and joined once, when its newline comes (p51 review: ``(rest + chunk).split`` copied a 5.1 MB report
    line once a read, 78 reads)."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def feed(self, chunk: bytes) -> list[bytes]:
        """The lines ``chunk`` finishes (without their newlines); the rest kept."""
        if b"\n" not in chunk:
            if chunk:
                self.parts.append(chunk)
            return []
        first, *lines = chunk.split(b"\n")
        whole, rest = b"".join([*self.parts, first]), lines.pop()
        self.parts = [rest] if rest else []
        return [whole, *lines]

    def left(self) -> bytes:
        """What came after the last newline (a line cut off by the child's end)."""
        return b"".join(self.parts)


class _Reader:
    """:func:`follow`'s state: the child's lines so far, its last word, when it was told to stop."""

    def __init__(self, proc: subprocess.Popen, answer: Callable[[dict[str, Any]], bytes | None], label: str) -> None:
        self.proc, self.answer, self.label = proc, answer, label
        self.parts = LineParts()
        self.last: dict[str, Any] = {}
        self.told_at: float | None = None
        self.said_slow = False

    def run(self, sel: selectors.BaseSelector, cancel: threading.Event, tick: Callable[[], None]) -> dict[str, Any]:
        """Read until the child's output ends (or it is killed, late to stop); its last word."""
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        while True:
            tick()
            if cancel.is_set() and self.told_at is None:
                tell(self.proc, b"cancel\n")
                self._told()
            if self._late():
                return self.last
            if not sel.select(POLL_S):
                continue
            chunk = os.read(fd, READ_BYTES)
            if not chunk:
                self._at_end(self.parts.left())
                return self.last
            for line in self.parts.feed(chunk):
                self._take(heard(line, self.label))

    def _told(self) -> None:
        """The child was told to stop now (its deadline: :data:`CANCEL_WAIT_S` from now)."""
        if self.told_at is None:
            self.told_at = time.monotonic()

    def _late(self) -> bool:
        """Whether the child, told to stop, is past its deadline: then killed (said in the box's log).  One still
        running :data:`SLOW_STOP_S` after being told is said at once (INFO), while the box's log is still written: at
        the box's stop the kill comes after the box stopped, when only stderr takes its line (p52 QA1).  INFO, not a
        warning: a cancel (box-library --cancel, --delete, --replace) of a tagging child that finishes its file first
        is no fault (p52 review R3)."""
        if self.told_at is None:
            return False
        waited = time.monotonic() - self.told_at
        if waited > SLOW_STOP_S and not self.said_slow:
            self.said_slow = True
            log.info("%s: the process is still running %g s after being told to stop: it is killed if it has "
                     "not ended %g s after", self.label, SLOW_STOP_S, CANCEL_WAIT_S)
        if waited <= CANCEL_WAIT_S:
            return False
        log.error("%s: the process did not stop within %.0f s of being told to; killed", self.label, CANCEL_WAIT_S)
        kill_group(self.proc)
        return True

    def _take(self, said: dict[str, Any] | None) -> None:
        """One line of the child's: a last word kept, any other answered."""
        if said is None:
            return
        if any(key in said for key in FINAL):
            self.last = said
            return
        reply = self.answer(said)
        if reply:
            tell(self.proc, reply)
            if reply == b"cancel\n":
                self._told()

    def _at_end(self, rest: bytes) -> None:
        """The child's output ended after ``rest`` (no newline): a whole JSON object is a line like any other; else
        a line cut off mid-way (the child killed while it wrote), said in the box's log by its size."""
        if not rest.strip():
            return
        try:
            said = json.loads(rest)
        except ValueError:
            said = None
        if isinstance(said, dict):
            self._take(said)
        else:
            log.warning("%s: its output ended in a cut line of %d bytes (%r...)", self.label, len(rest), rest[:60])


def heard(line: bytes, label: str) -> dict[str, Any] | None:
    """One line of the child's as an object; anything not JSON logged (None), as is text before a line's JSON (a
    native library's print without its newline) that is then read."""
    junk, said = json_tail(line)
    if junk.strip():
        log.warning("%s: %s", label, junk.decode(errors="replace").rstrip())
    return said


def json_tail(line: bytes) -> tuple[bytes, dict[str, Any] | None]:
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


def tell(proc: subprocess.Popen, what: bytes) -> bool:
    """Write ``what`` to the child's stdin (nothing when it has ended already); True."""
    try:
        assert proc.stdin is not None
        proc.stdin.write(what)
        proc.stdin.flush()
    except (OSError, ValueError):
        pass                            # it has ended already
    return True


def close(proc: subprocess.Popen, wait_s: float = 10.0) -> None:
    """Close the child's stdin (its cue to stop, if it still runs) and wait for it; killed past ``wait_s``."""
    for stream in (proc.stdin, proc.stdout):
        try:
            if stream is not None:
                stream.close()
        except OSError:
            pass
    if not _reaped(proc, wait_s):
        with _live_lock:
            if proc.poll() is None:
                proc.kill()
        _reaped(proc, None)


def _reaped(proc: subprocess.Popen, wait_s: float | None) -> bool:
    """Wait up to ``wait_s`` s (None: until it ends) for the child to end, polled every :data:`REAP_POLL_S` s; it is
    reaped (and no longer one of :data:`_live`) under :data:`_live_lock`, never while :func:`_signal` signals it.
    Whether it ended."""
    end = None if wait_s is None else time.monotonic() + wait_s
    while True:
        with _live_lock:
            if proc.poll() is not None:
                _live.pop(proc, None)
                return True
        if end is not None and time.monotonic() >= end:
            return False
        time.sleep(REAP_POLL_S)


def log_trace(error: dict[str, Any], doing: str) -> None:
    """The child's traceback of an error that is not a HatboxError (a bug), into the box's log (``doing``: "the
    tagging process"); the caller's record keeps one line."""
    trace = error.get("trace")
    if trace:
        log.error("%s stopped on %s:\n%s", doing, error.get("type"), str(trace).rstrip())


def relog(said: dict[str, Any]) -> None:
    """A child's ``{"log": {"name", "level", "message"}}`` line, into the box's own log under the same logger."""
    what = said.get("log") or {}
    logging.getLogger(str(what.get("name") or "hatbox")).log(int(what.get("level") or logging.WARNING), "%s",
                                                             str(what.get("message") or ""))


def rebuilt_error(said: dict[str, Any], known: Mapping[str, type[HatboxError]] | None = None) -> BaseException:
    """The child's error as an exception of its class name: one of ``known`` (by name) as itself; else a HatboxError
    (with its hint), an OSError (with its errno, for a full disk) or an Exception; each with the child's words."""
    name, message = str(said.get("type") or "Exception"), str(said.get("message") or "")
    if said.get("hatbox"):
        kind = (known or {}).get(name) or type(name, (HatboxError,), {})
        return kind(message, hint=said.get("hint"))
    if said.get("errno") is not None:
        return type(name, (OSError,), {})(int(said["errno"]), str(said.get("strerror") or message),
                                           *([said["filename"]] if said.get("filename") else []))
    return type(name, (Exception,), {})(message)


# ---- the child's side ----

def set_nice() -> None:
    """This process's niceness to :data:`NICE` (absolute: not added to the box thread's own nice 10 -> 19)."""
    try:
        os.setpriority(os.PRIO_PROCESS, 0, NICE)
    except OSError:
        pass


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


def protocol_out() -> Any:
    """A copy of descriptor 1 for the protocol's lines; descriptor 1 itself (and ``sys.stdout``) then points at the
    stderr, so what a library prints cannot land inside a protocol line."""
    out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    sys.stdout.flush()
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return out


class Lines:
    """The child's side of the protocol: one JSON object a line on ``out`` (any thread).  A line the box can no longer
    read (its pipe closed: the box killed) is dropped quietly, and so is every line after it (``gone``): the work
    stops at the end of its stdin, and its last word had nowhere to go (p51 QA: a BrokenPipeError traceback in the
    journal from each child whose box died while it tagged)."""

    def __init__(self, out: Any) -> None:
        self.out, self._lock, self.gone = out, threading.Lock(), False

    def line(self, what: dict[str, Any]) -> None:
        text = json.dumps(what, default=str) + "\n"
        with self._lock:
            if self.gone:
                return
            try:
                self.out.write(text)
                self.out.flush()
            except (OSError, ValueError):       # EPIPE (the box gone); ValueError: closed already
                self.gone = True
                self._drop()

    def _drop(self) -> None:
        """Close ``out`` once the box is gone, its unwritten bytes with it (else its flush at exit says the
        BrokenPipeError again, as "Exception ignored")."""
        try:
            null = os.open(os.devnull, os.O_WRONLY)
            try:
                os.dup2(null, self.out.fileno())    # what is left goes nowhere
            finally:
                os.close(null)
            self.out.close()
        except (OSError, ValueError):
            pass


class LogLines(logging.Handler):
    """The child's log records (warnings and worse) as ``{"log": ...}`` lines, for the box's log (:func:`relog`)."""

    def __init__(self, lines: Lines) -> None:
        super().__init__(logging.WARNING)
        self.lines = lines

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.lines.line({"log": {"name": record.name, "level": record.levelno, "message": self.format(record)}})
        except Exception:  # noqa: BLE001 - a log line that cannot be sent is never the work's failure
            self.handleError(record)

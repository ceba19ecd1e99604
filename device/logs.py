"""The box's log: what ``hatbox device run`` (hatbox/cmd_device.py) and its engine process (device/audio/server.py)
say, kept in the store for a maintainer (``STORE/logs/box.log``; ``GET /logs`` and ``hatbox box-logs`` read its
tail from a laptop; ``GET /logs?file=changes`` and ``hatbox box-logs --changes`` read changes.log's).

- The main process (:func:`box_logging`): a rotating file, :data:`MAX_BYTES` per file, :data:`BACKUPS` older
  files beside it (``box.log.1`` ...), every line with its time, process, thread, level and logger; warnings and
  errors also go to stderr when it is a terminal (a developer sees them), info only to the file.  A log folder
  that cannot be written (a read-only store, a full disk; at start or later) never stops the box: one warning on
  stderr, and from then on the log goes to stderr only (info too).
- The engine process (:func:`engine_logging`): its records travel to the main process on a queue
  (:class:`EngineLogs` hands them to the main process's loggers), so one process alone writes and rotates
  box.log, and no thread of the engine (the real-time helpers, the audio thread) ever waits on the disk.  The
  audio thread's block loop logs nothing.

A line already printed on the terminal is logged with ``extra={PRINTED: True}``: the file keeps it, the
terminal does not get it twice.

No flood rotates away the record of who changed what (forty-eighth stop's QA: 9,800 identical accept-error
tracebacks in 90 s filled box.log and its four older files):

- Repeats (:class:`Repeats`, on each handler, every logger): a line said again (same logger, level, text and
  exception) within :data:`REPEAT_WINDOW_S` of its first is counted, not written; when that window ends one line
  says how many: "... (and 9,812 more like it in the last 60 s)".  Distinct lines, and the first of each, are
  written as ever.
- Who changed what (:func:`is_change`: the API's "pack ... installed by 'studio'", "library ... uploaded by ...",
  "DELETE ... by ...", "paired ..." lines, and any record logged with ``extra=AS_CHANGE``: a pack made active on the
  box's panel, a kit note set there) is never collapsed, and also goes to ``STORE/logs/changes.log``
  (:data:`CHANGES_MAX_BYTES`, one older file), which box.log's rotation does not touch.  A change is written when it
  happens, every time: two packs toggled from a foot controller say the same words every other switch, and a count
  held back for a timer is lost to a power cut (p55 stage QA).
- A front end's change lines have a budget (:class:`LineBudget`: :data:`CHANGE_LINES` a minute; OSC's volume and
  bypass lines, device/osc_changes.py; program switches from each source, device/switch_lines.py): past it they are
  counted and the count said with the next line allowed (p55 review: 20 switches a second rolled changes.log's
  pairings and installs away in under three minutes).
- Program switches (logged with ``extra=AS_SWITCH``) are changes with a share of their own: box.log and
  ``STORE/logs/switches.log`` (:data:`SWITCHES_MAX_BYTES`, one older file), never changes.log, so no number of
  switches rolls a pairing or an install away (p56: a flood that never stopped still wrote 6 lines a minute, and
  changes.log lost its pairing line after some 4 hours).  Read back, changes.log's tail has the switches' lines in
  it, in time order (:func:`tail`), as ``hatbox box-logs --changes`` showed them before.  The two files' stamps
  (device/log_stamps.py) are the local wall clock's and never go back (:class:`AheadStamps`: a clock set back, by
  the end of summer time or fake-hwclock's saved time after a power cut, stamps a line a millisecond after the last
  either file wrote until it catches up), so the merge by time is their order of writing: a pairing said after the
  clock went back is never put before older switches and hidden (p56 review R2, final read FR2 1).  A clock set
  back by more than :data:`STAMP_HOLD_MS` (a wrong time put right) is followed, by the stamps and by the merge.
"""
from __future__ import annotations

import contextlib
import logging
import logging.handlers
import re
import sys
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

# STAMP_HOLD_MS: the stamps' rule (device/log_stamps.py), kept importable from here (the tests read it)
from device.log_stamps import STAMP_HOLD_MS, AheadFormatter, AheadStamps, merged  # noqa: F401

LOG_DIR = "logs"                  # under the store; an engine bug's traceback file goes there too
LOG_FILE = "box.log"
MAX_BYTES = 1_000_000             # per file (bytes)
BACKUPS = 4                       # box.log.1 .. box.log.4: five files of at most MAX_BYTES in all
FILE_FORMAT = "%(asctime)s %(processName)s %(threadName)s %(levelname)s %(name)s: %(message)s"
TERMINAL_FORMAT = "%(name)s: %(levelname)s: %(message)s"
TRACEBACK = "\nTraceback (most recent call last):"
PRINTED = "hatbox_printed"        # a record's extra flag: its text was printed on the terminal already
FORWARD_JOIN_S = 2.0              # how long the engine's records may take to reach the log once it has ended
REPEAT_WINDOW_S = 60.0            # a line said again within this long of its first is counted, not written
REPEAT_KEYS = 512                 # distinct lines remembered at once (the oldest is forgotten first)
CHANGES_FILE = "changes.log"      # who changed what, beside box.log and apart from its rotation
CHANGES_MAX_BYTES = 256_000       # per file (bytes); one older file, changes.log.1
CHANGES_BACKUPS = 1               # changes.log keeps this many older files (changes.log.1)
CHANGE = "hatbox_change"          # a record's extra flag: it says a change of the box (:func:`is_change`)
AS_CHANGE = {CHANGE: True}        # ``log.info(..., extra=AS_CHANGE)``: written every time, and in changes.log
SWITCHES_FILE = "switches.log"    # program switches: changes with a share of their own, apart from changes.log
SWITCHES_MAX_BYTES = 256_000      # per file (bytes); one older file, switches.log.1
SWITCHES_BACKUPS = 1
SWITCH = "hatbox_switch"          # a record's extra flag: a change in switches.log's share (:func:`is_switch`)
AS_SWITCH = {CHANGE: True, SWITCH: True}    # ``log.info(..., extra=AS_SWITCH)``: a change, in switches.log
CHANGE_LINES = 6                  # a front end's change lines per CHANGE_WINDOW_S at most (LineBudget)
CHANGE_WINDOW_S = 60.0
_CHANGE = re.compile(r"\bby (?:'|\")|^paired ")     # "... by 'studio-mac'", "paired 'studio-mac' (token ...)"


def log_path(store: str | Path) -> Path:
    """Where the box's log of ``store`` is: ``STORE/logs/box.log`` (the older files: ``box.log.1`` ...)."""
    return Path(store) / LOG_DIR / LOG_FILE


def changes_path(store: str | Path) -> Path:
    """Where the box keeps who changed what (``STORE/logs/changes.log``; the older file: ``changes.log.1``)."""
    return Path(store) / LOG_DIR / CHANGES_FILE


# each log file of the store: how many older files it keeps
KEPT_OLDER = {LOG_FILE: BACKUPS, CHANGES_FILE: CHANGES_BACKUPS, SWITCHES_FILE: SWITCHES_BACKUPS}
# a log read back with the lines of another file that takes a share of it (in time order): changes.log, switches.log
READ_WITH = {CHANGES_FILE: (SWITCHES_FILE,)}


def log_files(store: str | Path, name: str = LOG_FILE) -> list[Path]:
    """The files of the box's log ``name`` (:data:`LOG_FILE`, :data:`CHANGES_FILE` or :data:`SWITCHES_FILE`: a key
    of :data:`KEPT_OLDER`) in ``store`` that exist, newest first (box.log, box.log.1, ...)."""
    path = Path(store) / LOG_DIR / name
    names = [path] + [path.with_name(f"{name}.{n}") for n in range(1, KEPT_OLDER[name] + 1)]
    return [p for p in names if p.is_file()]


_ZEROS = re.compile("\x00+")


def _zeros_line(run: re.Match[str]) -> str:
    """A line in place of a run of zero bytes: what a file system leaves where a write was cut by a power loss."""
    text, start, end = run.string, run.start(), run.end()
    before = "" if start == 0 or text[start - 1] == "\n" else "\n"
    after = "" if text[end:end + 1] == "\n" else "\n"
    said = f"[{end - start} zero bytes: the log was cut off here, as when the box loses power while writing]"
    return before + said + after


def tail(store: str | Path, lines: int, name: str = LOG_FILE) -> list[str]:
    """The last ``lines`` lines of the box's log ``name`` (box.log, or changes.log; continued from the older file
    when it has fewer: it was just rotated), oldest first; [] when there is none.  Bytes that are not UTF-8 are
    replaced; a run of zero bytes (a write cut by a power loss) is one line saying so.  changes.log's come with
    switches.log's (:data:`READ_WITH`), in the order they were written as their stamps tell it
    (device.log_stamps.merged), each file's lines in its own order."""
    tails = [file_tail(store, lines, name)] + [file_tail(store, lines, other) for other in READ_WITH.get(name, ())]
    return tails[0] if len(tails) == 1 else merged(tails, lines)


def file_tail(store: str | Path, lines: int, name: str = LOG_FILE) -> list[str]:
    """The last ``lines`` lines of the log file ``name`` alone (:func:`tail`: with the files read with it)."""
    kept: list[str] = []
    for path in log_files(store, name):
        try:
            text = path.read_bytes().decode("utf-8", errors="replace")
        except OSError:
            continue
        text = _ZEROS.sub(_zeros_line, text)
        kept = text.splitlines()[-(lines - len(kept)):] + kept
        if len(kept) >= lines:
            break
    return kept


# ------------------------------------------------------------------------------------- repeats, who changed what
@dataclass
class LineBudget:
    """At most ``lines`` lines in a window of ``window_s`` seconds, the window beginning with the first line asked
    for once the one before has ended (monotonic seconds): :meth:`room` says whether a line may be written now."""

    lines: int = CHANGE_LINES
    window_s: float = CHANGE_WINDOW_S
    start: float = -float("inf")            # when the window began (monotonic s)
    said: int = 0                           # lines written in it

    def room(self, now: float) -> bool:
        """Whether a line may be written at ``now``; counts it when so."""
        if now - self.start >= self.window_s:
            self.start, self.said = now, 0
        if self.said >= self.lines:
            return False
        self.said += 1
        return True


def is_change(record: logging.LogRecord) -> bool:
    """Whether ``record`` says who changed what on the box: logged with ``extra=AS_SWITCH`` (a program switch, from
    MIDI, OSC or the laptop: switches.log) or ``extra=AS_CHANGE`` (the box's own front ends' other changes: the
    panel's activation, a kit note set there: changes.log), or the API's info lines naming a paired device."""
    if getattr(record, CHANGE, False):
        return True
    return record.name == "hatbox.api" and record.levelno == logging.INFO and bool(_CHANGE.search(_text(record)))


def is_switch(record: logging.LogRecord) -> bool:
    """Whether ``record`` is a change in switches.log's share (logged with ``extra=AS_SWITCH``: a program switch)."""
    return bool(getattr(record, SWITCH, False))


def in_changes_log(record: logging.LogRecord) -> bool:
    """Whether ``record`` goes to changes.log: a change (:func:`is_change`) not in switches.log's share."""
    return is_change(record) and not is_switch(record)


def _text(record: logging.LogRecord) -> str:
    """``record``'s message (its raw text when its arguments do not fit it)."""
    try:
        return record.getMessage()
    except Exception:  # noqa: BLE001 - a bad format is logging's to report, not ours
        return str(record.msg)


def _key(record: logging.LogRecord) -> tuple[str, int, str, str]:
    """What makes two records "the same line": logger, level, text and exception (type and words)."""
    exc = record.exc_info[1] if record.exc_info else None
    return record.name, record.levelno, _text(record), f"{type(exc).__name__}: {exc}" if exc else ""


@dataclass
class _Seen:
    start: float                  # monotonic seconds: when the line was first written in this window
    first: logging.LogRecord
    count: int = 0                # the same line since, not written


class Repeats:
    """A handler's memory of the lines it wrote in the last :data:`REPEAT_WINDOW_S` (module docstring):
    :meth:`admit` says whether a record is written; a line held back is counted, and its count is handed to
    ``emit`` as one record once its window ends (a timer thread lives while a count waits; :meth:`close` hands on
    what waits and stops it)."""

    def __init__(self, emit: Callable[[logging.LogRecord], Any], window: float = REPEAT_WINDOW_S,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.emit, self.window, self.clock = emit, window, clock
        self.seen: OrderedDict[tuple[str, int, str, str], _Seen] = OrderedDict()   # oldest window first
        self.lock = threading.Lock()
        self.timer: threading.Timer | None = None

    def admit(self, record: logging.LogRecord) -> bool:
        """Whether ``record`` is written (True: a line not said in the window, or a change); else counted."""
        if is_change(record):
            return True
        now, key = self.clock(), _key(record)
        with self.lock:
            done = self._ended(now)
            seen = self.seen.get(key)
            if seen is None:
                self.seen[key] = _Seen(now, record)
                done += self._forget_oldest()
            else:
                seen.count += 1
                self._arm(seen.start + self.window - now)
        self._say(done, now)
        return seen is None

    def flush(self) -> None:
        """Hand on the counts of the windows that have ended (the timer's work)."""
        now = self.clock()
        with self.lock:
            self.timer = None
            done = self._ended(now)
            waiting = next((s for s in self.seen.values() if s.count), None)
            if waiting is not None:
                self._arm(waiting.start + self.window - now)
        self._say(done, now)

    def close(self) -> None:
        """Hand on every count, ended or not, and stop the timer."""
        with self.lock:
            timer, self.timer = self.timer, None
            done, self.seen = [s for s in self.seen.values() if s.count], OrderedDict()
        if timer is not None:
            timer.cancel()
            if timer is not threading.current_thread():
                timer.join(1.0)
        self._say(done, self.clock())

    def _ended(self, now: float) -> list[_Seen]:
        """Forget the windows that ended by ``now`` (the oldest are first); those with a count."""
        done = []
        while self.seen:
            key, seen = next(iter(self.seen.items()))
            if seen.start + self.window > now:
                break
            del self.seen[key]
            if seen.count:
                done.append(seen)
        return done

    def _forget_oldest(self) -> list[_Seen]:
        """Past :data:`REPEAT_KEYS` lines, forget the oldest; those with a count."""
        done = []
        while len(self.seen) > REPEAT_KEYS:
            _key_, seen = self.seen.popitem(last=False)
            if seen.count:
                done.append(seen)
        return done

    def _arm(self, delay: float) -> None:
        """A timer that hands on the counts ``delay`` s from now, unless one runs already (lock held)."""
        if self.timer is None:
            self.timer = threading.Timer(max(0.0, delay), self.flush)
            self.timer.name, self.timer.daemon = "hatbox-log-repeats", True
            self.timer.start()

    def _say(self, done: list[_Seen], now: float) -> None:
        for seen in done:
            self.emit(repeated(seen.first, seen.count, min(self.window, now - seen.start)))


def repeated(first: logging.LogRecord, count: int, seconds: float) -> logging.LogRecord:
    """The record saying ``first`` was said ``count`` more times in ``seconds``: its first line, "(and 9,812 more
    like it in the last 60 s)", its logger and level, no traceback, the time now."""
    line = _text(first).split("\n", 1)[0]
    said = f"{line} (and {count:,} more like it in the last {max(1, round(seconds))} s)"
    record = logging.makeLogRecord({**first.__dict__, "msg": said, "args": None, "exc_info": None,
                                    "exc_text": None, "stack_info": None})
    record.created = time.time()
    record.msecs = (record.created % 1) * 1000
    return record


class _Collapsing(logging.Handler):
    """A handler that writes a line said again within :data:`REPEAT_WINDOW_S` once, then its count
    (:class:`Repeats`); :meth:`collapse` in the subclass's ``__init__`` sets it up."""

    repeats: Repeats
    shut = False                            # closed: a late record (a count's timer at exit) is dropped

    def collapse(self) -> None:
        self.repeats = Repeats(self._handle_now)

    def _handle_now(self, record: logging.LogRecord) -> Any:
        return super().handle(record)

    def handle(self, record: logging.LogRecord) -> Any:
        return self.repeats.admit(record) and super().handle(record)

    def emit(self, record: logging.LogRecord) -> None:
        if not self.shut:                   # under the handler's lock (handle takes it), as close sets it
            super().emit(record)            # type: ignore[misc]

    def close(self) -> None:
        """Write the counts that wait, then close for good: a count whose timer outlived close's 1 s wait (at
        interpreter exit) would have reopened box.log after it was closed."""
        self.repeats.close()
        with self.lock:                     # type: ignore[union-attr]
            self.shut = True
        super().close()


class _Brief(logging.Formatter):
    """A record for the terminal: no traceback (the file keeps it) while ``brief``; the line says where it is."""

    def __init__(self) -> None:
        super().__init__(TERMINAL_FORMAT)
        self.brief = True

    def format(self, record: logging.LogRecord) -> str:
        if not self.brief:
            return super().format(record)
        plain = logging.makeLogRecord({**record.__dict__, "exc_info": None, "exc_text": None, "stack_info": None})
        text = super().format(plain)
        cut = text.split(TRACEBACK, 1)[0]                   # the engine's records come with it in their text
        if record.exc_info or record.exc_text or cut != text:
            cut += f" (its traceback is in {LOG_FILE})"
        return cut


class _Terminal(_Collapsing, logging.StreamHandler):  # type: ignore[type-arg]
    """stderr as it is when a record comes (a test's capture too), leaving out records printed already;
    tracebacks only once the file is off (:class:`_Brief`); repeats collapsed."""

    def __init__(self, level: int) -> None:
        logging.Handler.__init__(self, level)
        self.collapse()
        self.brief = _Brief()
        self.setFormatter(self.brief)
        self.addFilter(lambda record: not getattr(record, PRINTED, False))

    @property
    def stream(self) -> Any:  # type: ignore[override]
        return sys.stderr


class _TurnsOff(logging.handlers.RotatingFileHandler):
    """A rotating log file that a write (or a rotation) failing with an OSError (a full disk, a read-only store) turns
    off for good: the file is closed, :attr:`on_failure` (None: nobody) is told once, with the error and the record
    that could not be written, and the box goes on.  Any other error is logging's to report, as ever."""

    off = False
    on_failure: Callable[[OSError, logging.LogRecord], Any] | None = None

    def emit(self, record: logging.LogRecord) -> None:
        if not self.off:
            super().emit(record)

    def handleError(self, record: logging.LogRecord) -> None:
        exc = sys.exc_info()[1]
        if not isinstance(exc, OSError):
            super().handleError(record)
            return
        self.off = True
        with contextlib.suppress(OSError):
            logging.handlers.RotatingFileHandler.close(self)        # the file only: the counts go nowhere now
        if self.on_failure is not None:
            self.on_failure(exc, record)


class _BoxFile(_Collapsing, _TurnsOff):
    """box.log, repeats collapsed; a write (or a rotation) that fails turns it off for good (:class:`_TurnsOff`):
    ``failed`` is told once (with the record that could not be written) and the box goes on."""

    def __init__(self, path: Path, failed: Callable[[OSError, logging.LogRecord], Any]) -> None:
        logging.handlers.RotatingFileHandler.__init__(self, path, maxBytes=MAX_BYTES, backupCount=BACKUPS,
                                                      encoding="utf-8")
        self.setFormatter(logging.Formatter(FILE_FORMAT))
        self.collapse()
        self.on_failure = failed


# each file of the changes: its bytes per file at most, and the records it takes (its older files: KEPT_OLDER)
_CHANGES_FILES: dict[str, tuple[int, Callable[[logging.LogRecord], bool]]] = {
    CHANGES_FILE: (CHANGES_MAX_BYTES, in_changes_log), SWITCHES_FILE: (SWITCHES_MAX_BYTES, is_switch)}


class _ChangesFile(_TurnsOff):
    """changes.log (``name`` :data:`CHANGES_FILE`): who changed what (:func:`in_changes_log`), every line, apart from
    box.log's rotation; a write that fails turns it off quietly (:class:`_TurnsOff`; box.log, said otherwise, still
    has the lines).  switches.log (:data:`SWITCHES_FILE`): the program switches' own share (:func:`is_switch`),
    rotated on its own.  Both, in ``store``'s log folder, stamp their lines from ``stamps`` (:class:`AheadStamps`),
    one they share."""

    def __init__(self, store: str | Path, name: str, stamps: AheadStamps) -> None:
        most, takes = _CHANGES_FILES[name]
        super().__init__(Path(store) / LOG_DIR / name, maxBytes=most, backupCount=KEPT_OLDER[name], encoding="utf-8")
        self.setFormatter(AheadFormatter(FILE_FORMAT, stamps))
        self.setLevel(logging.INFO)
        self.addFilter(takes)


class BoxLog:
    """The main process's logging as :func:`box_logging` set it up: ``path`` (None: stderr only) and
    ``problem`` (why the file is not written, else None); :meth:`close` takes it all back."""

    def __init__(self, store: Path, terminal: bool) -> None:
        self.path: Path | None = log_path(store)
        self.problem: str | None = None
        self.root = logging.getLogger()
        self.level = self.root.level
        self.stderr = _Terminal(logging.WARNING if terminal else logging.CRITICAL + 1)
        self.handlers: list[logging.Handler] = [self.stderr]
        self.lock = threading.Lock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.handlers.append(_BoxFile(self.path, self._failed))
        except OSError as exc:
            self._failed(exc, None)
        stamps = AheadStamps.after([file_tail(store, 20, name) for name in (CHANGES_FILE, SWITCHES_FILE)])
        for name in (CHANGES_FILE, SWITCHES_FILE):
            with contextlib.suppress(OSError):      # box.log keeps the lines too; its own trouble is said
                self.handlers.append(_ChangesFile(store, name, stamps))
        self.root.setLevel(logging.INFO)
        for handler in self.handlers:
            self.root.addHandler(handler)

    def _failed(self, exc: OSError, record: logging.LogRecord | None) -> None:
        """The log folder cannot be written: one warning on stderr, then stderr takes every record (info
        too); ``record``: the one the file could not take, which stderr shows now."""
        with self.lock:
            if self.problem is not None:
                return
            reason = exc.strerror or type(exc).__name__
            self.problem = f"{reason} ({exc.filename})" if exc.filename else reason
            where, self.path = self.path, None
        print(f"warning: the box's log {where} cannot be written: {self.problem}; the box logs to stderr only "
              "(free some space, or make the store's logs/ folder writable, then start the box again)",
              file=sys.stderr, flush=True)
        self.stderr.setLevel(logging.INFO)
        self.stderr.brief.brief = False
        if record is not None and self.stderr.filter(record):
            self.stderr.handle(record)

    def close(self) -> None:
        """Remove the handlers added here (closing the file) and put the root logger's level back."""
        for handler in self.handlers:
            self.root.removeHandler(handler)
            handler.close()
        self.root.setLevel(self.level)


@contextlib.contextmanager
def box_logging(store: str | Path, terminal: bool | None = None) -> Iterator[BoxLog]:
    """The main process's logging while the box runs (see the module docstring); ``terminal``: whether
    warnings go to stderr too (default: when stderr is a terminal).  Handlers others added (a test's
    capture) are left alone; everything set here is taken back at the end."""
    if terminal is None:
        isatty = getattr(sys.stderr, "isatty", None)
        terminal = bool(callable(isatty) and isatty())
    box_log = BoxLog(Path(store), terminal)
    try:
        yield box_log
    finally:
        box_log.close()


# ----------------------------------------------------------------------------------------------- the engine
def engine_logging(queue: Any) -> None:
    """In the engine process: every record goes on ``queue`` (a multiprocessing queue that :class:`EngineLogs`
    empties in the main process) and nowhere else.  A put formats the record and hands it to the queue's
    feeder thread: no disk, no terminal.  Call it before any real-time thread starts (the first put starts
    the feeder thread, which inherits the scheduling of the thread that starts it)."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    root.addHandler(logging.handlers.QueueHandler(queue))
    root.setLevel(logging.INFO)


class EngineLogs:
    """The main process's end of the engine's log queue: a thread hands each record to the main process's
    logger of the same name (its handlers: box.log, the terminal; none set up: Python's last resort, warnings
    on stderr).  :meth:`stop` once the engine process has ended: its last records are in the queue by then."""

    def __init__(self, ctx: Any) -> None:
        self.queue = ctx.Queue()
        self.thread = threading.Thread(target=self._forward, name="hatbox-engine-logs", daemon=True)

    def start(self) -> "EngineLogs":
        self.thread.start()
        return self

    def _forward(self) -> None:
        while True:
            try:
                record = self.queue.get()
            except Exception:  # noqa: BLE001 - a queue the engine left broken (killed mid-record): nothing more
                return
            if not isinstance(record, logging.LogRecord):
                return                          # the end (stop)
            logging.getLogger(record.name).handle(record)

    def stop(self, timeout: float = FORWARD_JOIN_S) -> None:
        """Hand on what the engine sent, then end the thread (waiting up to ``timeout`` s); idempotent."""
        if self.thread.is_alive():
            with contextlib.suppress(OSError, ValueError):
                self.queue.put(None)
            self.thread.join(timeout)
        if not self.thread.is_alive() and self.thread.ident is not None:
            with contextlib.suppress(OSError, ValueError):
                self.queue.close()

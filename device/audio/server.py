"""The engine in its own process, at the highest priority the OS grants.

:class:`EngineProcess` (the parent's handle; a :class:`device.control.Control`) spawns :func:`engine_main` in a fresh
process.  There:

- three reader threads serve the control channel (a ``multiprocessing`` Pipe of requests ``{"id", "msg"}``
  answered with ``{"id", "ok", "error"}``, plus ``needs`` for a ``sample`` whose file the sampler
  does not hold: :meth:`EngineProcess.send`; or ``{"id", "msgs"}``, several in one round trip, answered with each
  one's error in ``errors``: :meth:`EngineProcess.send_many`), the pack channel (the same, for the ops in
  :data:`PACK_OPS`) and the status channel; ``load`` is answered once the pack is prepared and crossfading in (or
  refused), ``sample`` once its file's audio is held (or refused), and meanwhile notes, knobs and every other
  message go through the control channel without waiting;
- the swapper thread (device/audio/swap.py) prepares packs; the knob keeper's (device/knob_store.py) keeps the
  knobs the player set in the store, put back before the start-up packs load;
- the main thread is the audio thread: it asks for SCHED_FIFO and ``mlockall`` (a plain warning when the OS
  refuses), opens the audio device (device/audio/alsa_io.py) and runs the block loop until ``shutdown``,
  ``seconds`` or the parent's exit.

The process exits 0 when the loop ends that way (a clean stop) and :data:`ERROR_EXIT` when it stopped on a
HatboxError (the audio device gone mid-run, or one that never opened); that error's message is its last word on the
``ready`` pipe (:attr:`EngineProcess.error`), as is what its recording kept.  Any other exception is a bug: its
traceback goes to a file (:func:`save_traceback`: ``crash_dir``, else the temp folder), never to the terminal, the
one-line message naming that file is the last word (:attr:`EngineProcess.bug` holds the file) and the process exits
:data:`BUG_EXIT`; so does an exception a reader thread did not expect (it stops the engine: a channel nobody answers
would hang its sender).

Ctrl-C (SIGINT, which a terminal sends the engine process too) never prints a traceback: the process starts with it
ignored (it is inherited from :meth:`EngineProcess.start`) until :func:`engine_main` runs; from there it stops the
engine (during start-up: at once, saying so on ``ready``; in the block loop: as ``shutdown`` does), exit code 0; the
clean-up at the end (the output file finished) ignores it.

Threads started before the switch to SCHED_FIFO keep the normal policy, so only the audio thread runs real-time.

Where the parts live: the engine process's state and how it acts on a request, device/audio/engine_child.py
(:class:`~device.audio.engine_child.EngineChild`, also ``server._Child``); the reader threads, the ``ready`` pipe's
sender and the parent's wait for its reply, device/audio/engine_pipes.py; here, the process's start, run and end
(:func:`engine_main`) and the parent's handle (:class:`EngineProcess`).

Logging: the engine process's records (``hatbox.engine``: start, end, errors, bugs, the swapper's) go on a queue to
the parent (device/logs.py :func:`~device.logs.engine_logging`; :class:`EngineProcess` hands them to its own
loggers: ``hatbox device run`` keeps them in STORE/logs/box.log), so no engine thread writes to a disk (but the knob
keeper, STORE/knobs.json) or a terminal.  The block loop on the audio thread logs nothing.
"""
from __future__ import annotations

import itertools
import json
import logging
import multiprocessing as mp
import os
import signal
import sys
import threading
import time
from multiprocessing.reduction import send_handle
from pathlib import Path
from typing import Any

from device.audio.block_loop import run_loop
from device.audio.crash_report import (BUG_EXIT, CRASH_PREFIX, EngineBugError, bug_message,  # noqa: F401 - re-exported
                                       save_traceback)
from device.audio.engine import Engine
from device.audio.engine_child import PACK_OPS, EngineChild, batch_error
from device.audio.engine_pipes import Said, reply_to, report_bug, say, serve
from device.audio.file_io import FileIO
from device.audio.io_open import open_engine_io as _open
from device.audio.realtime import helper_priority, quiet_gc, scheduler_name, set_realtime  # noqa: F401 - re-exported
from device.audio.sample_decode import decode_file
from device.audio.sample_handoff import share
from device.audio.server_config import ServerConfig  # noqa: F401 - re-exported (device.audio.server.ServerConfig)
from device.control import EngineStoppedError, validate
from device.logs import PRINTED, EngineLogs, engine_logging
from hatbox.errors import AudioFileError, HatboxError

REPLY_TIMEOUT_S = 90.0
STATUS_TIMEOUT_S = 10.0        # a status answers in milliseconds: the API's /status and the panel wait no longer
HUNG_S = 60.0                  # no answer to anything for this long: the engine is stuck (EngineProcess.hung)
SWITCH_INTERVAL_S = 0.0002     # GIL hand-over: well under one 2.7 ms block
ERROR_EXIT = HatboxError.exit_code   # the engine process's exit code when it stopped on a HatboxError
INTERRUPTED = "was interrupted (Ctrl-C) while it started"   # the engine's last word then

log = logging.getLogger("hatbox.engine")
_Child = EngineChild     # its old name (tests and benches reach the child through device.audio.server)


def engine_main(ctrl: Any, stat: Any, cfg: ServerConfig, ready: Any, packs: Any = None, logs: Any = None,
                cue: Any = None) -> None:
    """Entry point of the engine process (see module docstring); ends with SystemExit(:data:`ERROR_EXIT`) when the
    engine stopped on a HatboxError and SystemExit(:data:`BUG_EXIT`) when it stopped on any other exception (its
    traceback in a file, :func:`save_traceback`, not on the terminal), so the parent can tell both from a clean stop.

    ``ctrl``, ``packs`` and ``stat`` are the child's ends of the control, pack (:data:`PACK_OPS`) and status pipes
    (no ``packs``: the control pipe carries every op).  Ctrl-C ends it quietly, exit 0 (see the module docstring).
    ``logs``: the queue that takes this process's log records to the parent (:class:`device.logs.EngineLogs`; None:
    logging is left as it is).  ``cue``: the shared flag the file backend's input waits for (``cfg.input_cued``:
    :meth:`EngineProcess.start_input`; None: the input plays from the first block)."""
    ready = Said(ready)
    if logs is not None:                # first, at normal priority: the queue's feeder thread starts here
        engine_logging(logs)
    log.info("engine process %d started: %s backend, %d Hz, block %d%s", os.getpid(), cfg.backend, cfg.audio.rate,
             cfg.audio.period, f", packs {cfg.packs}" if cfg.packs else "")
    try:
        if cfg.sigint:                  # ignored until here (EngineProcess.start): from now Ctrl-C stops it
            _interrupt_with(signal.default_int_handler)
        code = _engine_run(ctrl, stat, cfg, ready, packs, cue)
    except KeyboardInterrupt:           # Ctrl-C while it started (loading its packs): nothing to finish yet
        _interrupt_with(signal.SIG_IGN)
        say(ready, {"error": INTERRUPTED, "message": INTERRUPTED, "hint": None})
        code = 0
    except Exception as exc:  # noqa: BLE001 - a bug outside the block loop (start-up, the end): same report
        report_bug(exc, cfg, ready)
        code = BUG_EXIT
    _interrupt_with(signal.SIG_IGN)     # the process is ending: a Ctrl-C now must not print a traceback
    log.info("engine process %d ends, exit code %d", os.getpid(), code)
    if code:
        raise SystemExit(code)


def _interrupt_with(handler: Any) -> None:
    """Set what SIGINT does in this process (its main thread only; elsewhere nothing)."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, handler)



def _engine_run(ctrl: Any, stat: Any, cfg: ServerConfig, ready: Any, packs: Any, cue: Any = None) -> int:
    """The engine process's work (:func:`engine_main`); returns its exit code."""
    child = _start_child(cfg)
    extra = [(packs, "packs")] if packs is not None else []
    _serve_channels(child, ready, [(ctrl, "control"), (stat, "status"), *extra])
    io, started = None, False
    try:
        io = child.io = _open(cfg)
        if cue is not None and isinstance(io, FileIO):
            io.wait_for_cue(cue)
        _prepare(child, io, cfg)
        _say_ready(child, ready)
        started = True
        child.extra["run"] = run_loop(child.engine, io, seconds=cfg.seconds, pace=cfg.pace, stop=child.stop)
    except KeyboardInterrupt:                # Ctrl-C outside the block loop (which stops on it by itself)
        if not started:
            say(ready, {"error": INTERRUPTED, "message": INTERRUPTED, "hint": None})
    except HatboxError as exc:
        child.extra["error"] = str(exc)
        log.error("the engine stopped: %s", exc, extra={PRINTED: True})          # the parent says it too
        ready.send({"error": str(exc), "message": str(exc.args[0]), "hint": exc.hint})
    except Exception as exc:  # noqa: BLE001 - a bug: said in one line, its traceback kept in a file
        child.extra["error"] = report_bug(exc, cfg, ready)
        child.extra["bug"] = True
    finally:
        _interrupt_with(signal.SIG_IGN)      # the output file is finished whatever Ctrl-C comes now
        _finish(child, io, cfg, ready)
    return _exit_code(child)


def _start_child(cfg: ServerConfig) -> EngineChild:
    """The engine child with the knobs left at the last stop and the start-up packs loaded (a pack refused is a
    warning, said by the parent)."""
    child = EngineChild(cfg)
    child.extra["warnings"] += child.knobs.restore(cfg.packs, cfg.store)     # the knobs and volume left at the stop
    for slot, path in cfg.packs.items():
        try:
            child.request({"op": "load", "slot": slot, "path": path})
        except HatboxError as exc:
            child.extra["warnings"].append(f"start-up pack for {slot} refused: {exc}")
            log.warning("start-up pack for %s refused: %s", slot, exc, extra={PRINTED: True})   # the parent says it
    child.extra.update(child.knobs.start())                       # "knobs_restored": what they took
    return child


def _serve_channels(child: EngineChild, ready: Any, channels: list[tuple[Any, str]]) -> None:
    """One daemon thread serving each (connection, kind) of ``channels`` (control, status, packs)."""
    for conn, kind in channels:
        threading.Thread(target=serve, args=(conn, child, kind, ready), daemon=True, name=f"hatbox-{kind}").start()


def _prepare(child: EngineChild, io: Any, cfg: ServerConfig) -> None:
    """Everything between opening ``io`` and the first block: what the status says of the backend, timed notes,
    real-time priority, the switch interval, and a preroll of silence."""
    child.extra["backend"] = type(io).__name__
    child.extra["device"] = getattr(io, "info", {})
    child.engine.set_timed_notes(cfg.timed_notes and (cfg.pace or not isinstance(io, FileIO)))   # sampler, synth
    if cfg.realtime:
        child.extra["warnings"] += set_realtime(cfg.priority)
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    child.extra["scheduler"] = scheduler_name()
    preroll(child.engine, cfg.engine.block)


def _say_ready(child: EngineChild, ready: Any) -> None:
    """The first status (its first-call costs paid now), a quiet garbage collector, and the ready word with the
    start's warnings (a start-up pack refused, no real-time priority): a run shorter than the parent's start
    (--seconds 0.001) still has them said, its status cannot be asked once it ended."""
    first = child.status()
    quiet_gc()
    ready.send({"error": None, "warnings": [str(w) for w in first.get("warnings", [])]})


def _exit_code(child: EngineChild) -> int:
    """0, or the exit code of the error (or bug) the run ended on."""
    if "error" not in child.extra:
        return 0
    return BUG_EXIT if child.extra.get("bug") else ERROR_EXIT


def preroll(engine: Engine, block: int, blocks: int = 8) -> None:
    """A few blocks of silence before the clock starts: pending installs happen and the first call of every code
    path is paid here, not in the first real block."""
    import numpy as np
    silence, out = np.zeros(block, np.float32), np.zeros(block, np.float32)
    for _ in range(blocks):
        engine.process(silence, out)


def _finish(child: EngineChild, io: Any, cfg: ServerConfig, ready: Any = None) -> None:
    """Close the I/O and tell the parent on ``ready`` (the status channel ends with this process) the engine's faults
    (``faults``: one in a run's last second was never said), its dropout count (Engine.last_words: the stop line's,
    p56 review R4) and what a recording kept (FileIO.recording())."""
    last: dict[str, Any] = child.engine.last_words()          # the faults and dropouts the watch missed
    if io is not None:
        io.close()
        recording = io.recording() if isinstance(io, FileIO) else None
        if recording is not None:
            last["recording"] = recording
    if ready is not None:
        say(ready, last)                 # (nothing when the parent is gone)
    child.swapper.stop()
    child.capture.close()                 # a capture cut off by the stop is not written
    child.knobs.stop()                    # a last save: what turned since the keeper's last write
    child.extra["finished"] = True
    if cfg.status_json:
        Path(cfg.status_json).write_text(json.dumps(child.status(), indent=2, default=str))


class EngineProcess:
    """The parent's handle on the engine process; implements device.control.Control.

    Three channels, each one request at a time under its own lock: "packs" (:data:`PACK_OPS`),
    "control" (every other op) and "status".  A sender waits for its own reply, so one thread's
    messages arrive in the order it sent them; a load in flight on "packs" holds up nothing else."""

    def __init__(self, cfg: ServerConfig) -> None:
        self.cfg = cfg
        ctx = mp.get_context("spawn")
        self._conns: dict[str, Any] = {}
        ends: dict[str, Any] = {}
        for kind in ("control", "packs", "status"):
            self._conns[kind], ends[kind] = ctx.Pipe()
        self._ready, ready_child = ctx.Pipe(duplex=False)
        self.logs = EngineLogs(ctx)                    # the engine's log records, handed to this process's loggers
        self._cue = ctx.RawValue("b", 0) if cfg.input_cued else None    # start_input sets it
        self.process = ctx.Process(target=engine_main,
                                   args=(ends["control"], ends["status"], cfg, ready_child, ends["packs"],
                                         self.logs.queue, self._cue),
                                   name="hatbox-engine", daemon=True)
        self._locks = {kind: threading.Lock() for kind in self._conns}
        self._ids = itertools.count(1)
        self.recording: dict[str, Any] | None = None   # file backend: what the output kept (after stop)
        self.last_faults: list[dict[str, Any]] = []    # the engine's faults as it finished (after stop)
        self.last_dropouts: dict[str, Any] = {}        # its xruns, load_max, blocks, block, rate then (after stop)
        self.error: str | None = None                  # why the engine stopped on its own (after wait/stop)
        self.error_hint: str | None = None             # that error's own hint, if it had one
        self.bug: str | None = None                    # that error was a bug: the file with its traceback
        self.start_warnings: list[str] = []            # the engine's status warnings as it started (after start)
        self._unanswered_since: float | None = None    # when a request that got no answer in time was sent
                                                       # ("" when none could be written)

    def start(self, timeout: float = 60.0) -> "EngineProcess":
        """Start the process; returns once the audio device is open (HatboxError if it is not).  The process
        starts with SIGINT ignored (it inherits that), so a Ctrl-C before :func:`engine_main` runs prints no
        traceback of its start-up; KeyboardInterrupt while waiting stops the engine (:meth:`_interrupt`), then
        goes on."""
        previous = signal.getsignal(signal.SIGINT)
        self.cfg.sigint = previous is not signal.SIG_IGN     # the engine ignores it too, as it used to
        shield = threading.current_thread() is threading.main_thread() and previous is not None
        if shield:
            signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            self.logs.start()
            self.process.start()
        finally:
            if shield:
                signal.signal(signal.SIGINT, previous)
        try:
            said = self._started(timeout)
        except KeyboardInterrupt:           # Ctrl-C: the engine does not outlive it, nor go on starting
            self._interrupt()
            raise
        except BaseException:
            self.stop()
            raise
        error = said.get("error")
        self.start_warnings = [str(w) for w in said.get("warnings") or []]
        if error:
            self.stop()
            if said.get("bug"):
                self.error, self.bug = error, said["bug"] if isinstance(said["bug"], str) else ""
                raise EngineBugError(f"the audio engine {error}")
            raise HatboxError(f"the audio engine {error}" if error == INTERRUPTED else error)
        return self

    def _interrupt(self, grace_s: float = 10.0, every_s: float = 0.2) -> None:
        """Stop a starting engine at once: SIGINT every ``every_s`` s (it ignores them until
        :func:`engine_main` runs, then stops on the first, its output file finished) for up to ``grace_s``
        s, then SIGTERM.  Its last words are taken (:meth:`_collect_last_words`)."""
        end = time.monotonic() + grace_s
        while self.process.is_alive() and time.monotonic() < end:
            try:
                os.kill(self.process.pid, signal.SIGINT)
            except (OSError, TypeError):    # ended meanwhile (or never got a pid)
                break
            self.process.join(every_s)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(5)
        self._collect_last_words()

    def _started(self, timeout: float) -> dict[str, Any]:
        """The engine's first word on ``ready`` (``{"error": None}`` once its audio device is open)."""
        if not self._ready.poll(timeout):
            raise HatboxError(f"the engine did not start within {timeout:.0f} s")    # start() stops it
        try:
            said = self._ready.recv()
        except EOFError:
            said = {"error": "the engine process ended during start-up"}
        return said if isinstance(said, dict) else {"error": f"the engine said {said!r} during start-up"}

    def _call(self, kind: str, payload: dict[str, Any], *, fd: int | None = None,
              needs_ok: bool = False, timeout: float | None = None) -> dict[str, Any]:
        """One request on channel ``kind`` ("control", "packs" or "status") and its reply; holds only
        that channel's lock.  ``fd``: a descriptor sent right after the request (the engine's reader takes it:
        ``payload["fd"]``); ``needs_ok``: a reply that says what the engine needs decoded is returned, not raised;
        ``timeout`` (s): :data:`REPLY_TIMEOUT_S` as it is at the call when None."""
        timeout = REPLY_TIMEOUT_S if timeout is None else timeout
        conn = self._conns[kind]
        with self._locks[kind]:
            if not self.process.is_alive():
                raise EngineStoppedError("the audio engine is not running")
            try:
                ident, deadline = next(self._ids), time.monotonic() + timeout
                conn.send({"id": ident, "expires": deadline, **payload})   # given up by then: not carried out
                if fd is not None:
                    send_handle(conn, fd, self.process.pid)
                reply = reply_to(conn, ident, deadline, timeout)
            except (OSError, EOFError):
                raise EngineStoppedError("the audio engine is not running") from None
            except EngineStoppedError:
                if self._unanswered_since is None:
                    self._unanswered_since = deadline - timeout          # when it was sent
                raise
        self._unanswered_since = None
        if not reply["ok"] and not (needs_ok and reply.get("needs")):
            raise HatboxError(f"engine: {reply['error']}")
        return reply

    def send(self, message: dict[str, Any]) -> None:
        """Validate and deliver a control message; ``load`` returns once the pack is playing, ``sample`` once
        its file is decoded (both on the pack channel: notes and knobs sent meanwhile from other threads do not
        wait for them).  A ``sample`` whose file the engine's sampler does not hold yet is decoded here, in the
        calling thread, and handed over in shared memory (:func:`_hand_over`): the engine process never decodes."""
        validate(message)
        kind = "packs" if message["op"] in PACK_OPS else "control"
        reply = self._call(kind, {"msg": message}, needs_ok=message["op"] == "sample")
        if reply.get("needs"):
            self._hand_over(kind, message, reply["needs"])

    def send_many(self, messages: list[dict[str, Any]]) -> list[str | None]:
        """Deliver control messages (no pack op) in order in one round trip, as a MIDI chord comes: the engine
        process has them all at once, where one :meth:`send` each had them one round trip apart.  A message that is
        not valid, or that the engine refuses, does not stop the rest: returns each one's error in words, or None."""
        errors = [batch_error(m) for m in messages]
        batch = [m for m, e in zip(messages, errors) if e is None]
        said = iter(self._call("control", {"msgs": batch})["errors"] if batch else [])
        return [e if e is not None else next(said) for e in errors]

    def _hand_over(self, kind: str, message: dict[str, Any], needs: dict[str, Any]) -> None:
        """Decode what ``needs`` says (the engine's :class:`~device.audio.sampler.NotDecoded`: file, loop, rate,
        ``max_seconds``) and send ``message`` again with the audio (device/audio/sample_handoff.py).  Raises
        AudioFileError for a bad file (nothing reaches the engine then)."""
        got, warnings = decode_file(str(needs["key"]), int(needs["rate"]), float(needs["max_seconds"]),
                                    bool(needs["loop"]))
        fd, meta = share(got)
        try:
            self._call(kind, {"msg": message, "handoff": {**meta, "key": needs["key"], "warnings": warnings},
                              "fd": fd is not None}, fd=fd)
        finally:
            if fd is not None:
                os.close(fd)

    def status(self) -> dict[str, Any]:
        return dict(self._call("status", {}, timeout=STATUS_TIMEOUT_S)["status"])

    def start_input(self) -> None:
        """Cue the file backend's input (``cfg.input_cued``: silence in until now): from the engine's next block it
        plays from its start (the status's ``device.input.started_s`` says where in the take).  HatboxError when this
        engine was not started with ``input_cued``, or has ended."""
        if self._cue is None:
            raise HatboxError("this engine's input was not started cued (ServerConfig.input_cued): nothing to start")
        if not self.process.is_alive():
            raise EngineStoppedError("the audio engine is not running")
        self._cue.value = 1

    def hung(self) -> str | None:
        """Why the engine process, alive, counts as stuck: nothing it was asked got an answer for :data:`HUNG_S` s
        (QA: a box whose engine stopped answering exited 0 without a word, so a service that restarts it on a
        failure left it off); None while it answers, or has ended (:attr:`error` says how)."""
        since, now = self._unanswered_since, time.monotonic()
        if since is None or not self.alive() or now - since < HUNG_S:
            return None
        return f"the audio engine stopped answering (nothing for {now - since:.0f} s)"

    def alive(self) -> bool:
        return self.process.is_alive()

    def wait(self, timeout: float | None = None) -> int | None:
        """Wait up to ``timeout`` s for the process to end; its exit code (None while it runs).  Once it
        has ended, its last words are taken: :attr:`error` (and :attr:`error_hint`), :attr:`recording`."""
        self.process.join(timeout)
        if self.process.exitcode is not None:
            self._collect_last_words()
        return self.process.exitcode

    def stop(self, timeout: float = 10.0) -> int | None:
        """Ask the engine to shut down, then wait (terminating it if it does not stop, killing it if that does not;
        a stuck one, :meth:`hung`, is not asked: the asking would wait for its answer)."""
        if self.process.is_alive() and self.hung() is None:
            try:
                self.send({"op": "shutdown"})
            except HatboxError:
                pass
            self.process.join(timeout)
        for end in (self.process.terminate, self.process.kill):
            if self.process.is_alive():
                end()
                self.process.join(5)
        self._collect_last_words()
        return self.process.exitcode

    def _collect_last_words(self) -> None:
        """Take what the engine sent as it finished: the error it stopped on (:attr:`error`, one line, and
        :attr:`error_hint`) and what its recording kept (:attr:`recording`); once the process has ended, its
        last log records are handed on (:meth:`device.logs.EngineLogs.stop`)."""
        if self.process.exitcode is not None:
            self.logs.stop()
        try:
            while self._ready.poll(0):
                msg = self._ready.recv()
                if not isinstance(msg, dict):
                    continue
                if "recording" in msg:
                    self.recording = msg["recording"]
                if isinstance(msg.get("faults"), list):
                    self.last_faults = [f for f in msg["faults"] if isinstance(f, dict)]
                if isinstance(msg.get("dropouts"), dict):    # hatbox/dropout_log.py counts the last second from it
                    self.last_dropouts = msg["dropouts"]
                if msg.get("error") and self.error is None:
                    lines = (msg.get("message") or msg["error"]).splitlines()
                    self.error, self.error_hint = (lines[0] if lines else msg["error"]), msg.get("hint")
                    if msg.get("bug"):
                        self.bug = msg["bug"] if isinstance(msg["bug"], str) else ""
        except (EOFError, OSError):
            pass

    def check_recording(self) -> None:
        """After :meth:`stop`: AudioFileError (one line: the file, the seconds it keeps) when the file
        backend could not write all of its output (a full disk); nothing otherwise."""
        problem = (self.recording or {}).get("problem")
        if problem:
            raise AudioFileError(problem)

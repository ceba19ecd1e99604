"""Ctrl-C while a model trains: the first one stops training after the current step and keeps what was trained
(the trainer goes on to write the pack and its report from it); a second one discards the run as before (nothing
written, the older pack and report as they were).  With ``StopRequest(sigterm=True)`` (the effect and synth
trainers) SIGTERM during training, what a cloud sends before it takes the machine away, does the same: the first
stops training and the pack is written ("stopped early (SIGTERM after ...)"), a second one (or a Ctrl-C) discards
the run; SIGTERM before training (loading) and after it (scoring, writing) ends the command as before (p42 cloud
QA: it wrote nothing; the README's and changes.md's "SIGTERM writes nothing" recorded no reason but history).
The request stays in force while the trainer scores what it trained and writes the pack
(:meth:`StopRequest.training_over`): a first Ctrl-C then only says so; a second one stops the command there, which
discards the run only until the pack is written (after it, the new pack stays and the older one is kept as
NAME.prev.hatpack: hatbox.replaced.kept_if_stopped; p50, the words said "discard" throughout).

Musicians stop a 20-minute training when it already sounds good enough, or when they need the laptop; throwing
the minutes away then was the trainers' worst habit (twenty-seventh stop's QA).  The training loops read
:attr:`StopRequest.asked` once a step, so a step is never cut in half, and under torchrun every process stops at
the same step (the loops already agree on when to stop).
"""
from __future__ import annotations

import os
import signal
import sys
import threading
import time
from types import FrameType
from typing import Any, Callable

FIRST_WORDS = ("stopping after this step (Ctrl-C): the pack will be written from what was trained so far; "
               "press Ctrl-C again to discard the run instead")
TERM_WORDS = ("stopping after this step (SIGTERM): the pack will be written from what was trained so far; "
              "a second SIGTERM (or Ctrl-C) discards the run instead")
LATE_WORDS = ("Ctrl-C: training has already ended and the pack is being written from it; a second Ctrl-C stops "
              "at once: before the pack is written, nothing is written (a pack already at --out stays as it was); "
              "after it, the new pack stays, and a pack it replaced is kept beside it with .prev before .hatpack "
              "(pedal.hatpack's as pedal.prev.hatpack)")


class StopRequest:
    """A context manager that, while it is entered, takes SIGINT (Ctrl-C) from Python's default handler: the first
    sets :attr:`asked` and says so (``say``: one line, on stderr above any progress bar), the next raises
    KeyboardInterrupt as Ctrl-C always did.  Outside the main thread, or where SIGINT has a handler of someone
    else's, it does nothing (and :attr:`asked` stays False): Ctrl-C then stops the run as before.

    ``sigterm``: SIGTERM, until :meth:`training_over`, is taken as Ctrl-C is (first: :attr:`asked`, :attr:`by` says
    "SIGTERM"; next: :class:`hatbox.errors.Terminated`), unless SIGTERM is ignored; its handler before (hatbox/cli.py's,
    raising Terminated) is back from :meth:`training_over` on."""

    def __init__(self, say: Callable[[str], None] | None = None, *, sigterm: bool = False) -> None:
        self._asked = False
        self.by = "Ctrl-C"                          # what asked first: "Ctrl-C" or "SIGTERM"
        self._sigterm = sigterm
        self._old_term: Any = None
        self._term_installed = False
        self._said = False
        self.asked_at: float | None = None          # time.monotonic() of the first Ctrl-C
        self._say = say or _write
        self._late_say = say or _raw_write
        self._over = False
        self._old: Any = None
        self._installed = False

    @property
    def asked(self) -> bool:
        """Whether a stop was asked; the first read after it says so (:data:`FIRST_WORDS`), from the training loop's
        thread: the signal handler itself writes nothing (a write to stderr inside the handler could land inside
        tqdm's own write, a reentrant call)."""
        if self._asked and not self._said:
            self._said = True
            self._say(TERM_WORDS if self.by == "SIGTERM" else FIRST_WORDS)
        return self._asked

    def __enter__(self) -> "StopRequest":
        if threading.current_thread() is threading.main_thread():
            try:
                if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
                    self._old = signal.signal(signal.SIGINT, self._handle)
                    self._installed = True
            except (ValueError, OSError):
                pass
            if self._sigterm:
                self._take_sigterm()
        return self

    def _take_sigterm(self) -> None:
        """Meet SIGTERM with :meth:`_handle_term` (not where it is ignored, as under some supervisors)."""
        try:
            if signal.getsignal(signal.SIGTERM) is not signal.SIG_IGN:
                self._old_term = signal.signal(signal.SIGTERM, self._handle_term)
                self._term_installed = True
        except (ValueError, OSError, AttributeError):
            pass

    def __exit__(self, *exc: object) -> None:
        self._restore()

    def ask(self, by: str = "Ctrl-C") -> None:
        """What the first Ctrl-C (``by``: or "SIGTERM") does (tests and callers without a signal may call it): only a
        flag is set."""
        if not self._asked:
            self._asked, self.asked_at, self.by = True, time.monotonic(), by

    def training_over(self) -> None:
        """Training has ended and the trainer goes on to score it and write the pack: a first Ctrl-C from now on has
        nothing left to stop, so it only says that the pack is being written (:data:`LATE_WORDS`), and a second one
        stops the command (nothing written before the pack is; the new pack and the older one as NAME.prev.hatpack
        after).  Before (thirty-third stop's QA), the trainers left the request's scope when training
        ended, and one Ctrl-C during the scoring and export threw the whole run away.  SIGTERM goes back to its
        handler before (with ``sigterm``): from here on it ends the command, as outside training."""
        self._over = True
        self._restore_term()

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self._asked:
            self._restore()
            raise discarding(KeyboardInterrupt())
        self.ask()
        if self._over:                  # no training loop left to read the flag and say it: said here
            self._said = True
            self._late_say(LATE_WORDS)

    def _handle_term(self, signum: int, frame: FrameType | None) -> None:
        if self._asked:
            from hatbox.errors import Terminated
            self._restore()
            raise discarding(Terminated("SIGTERM"))
        self.ask("SIGTERM")

    def _restore(self) -> None:
        if self._installed:
            signal.signal(signal.SIGINT, self._old)
            self._installed = False
        self._restore_term()

    def _restore_term(self) -> None:
        if self._term_installed:
            signal.signal(signal.SIGTERM, self._old_term)
            self._term_installed = False


DISCARD_MARK = "hatbox_discards_run"      # the attribute :func:`discarding` sets


def discarding(exc: KeyboardInterrupt) -> KeyboardInterrupt:
    """``exc``, marked as the second Ctrl-C (or SIGTERM) that discards the run (:func:`is_discard`), for the one line
    hatbox/cli.py ends the command with: "the run was discarded, nothing written" (p54 QA_A: "hatbox: interrupted")."""
    setattr(exc, DISCARD_MARK, True)
    return exc


def is_discard(exc: BaseException) -> bool:
    """Whether ``exc`` (or one it was raised from, or while handling) is a second Ctrl-C or SIGTERM of a
    :class:`StopRequest`, which discards the run (:func:`discarding`)."""
    from hatbox.errors import exception_chain
    return any(getattr(e, DISCARD_MARK, False) for e in exception_chain(exc))


class NoStop:
    """A stand-in for :class:`StopRequest` where nothing can ask a run to stop early (benchmarks, library calls)."""

    asked = False
    by = "Ctrl-C"


def _first_process() -> bool:
    """Whether this process speaks: not a torchrun process other than the first (each would say the same line)."""
    from hatbox.cli import torchrun_rank
    return torchrun_rank() == 0


def _write(text: str) -> None:
    """One line on stderr, above a tqdm bar when one is drawn (tqdm.write), else plainly; only from the first
    process under torchrun."""
    if not _first_process():
        return
    try:
        from tqdm import tqdm
        tqdm.write(text, file=sys.stderr)
    except Exception:  # noqa: BLE001 - a signal handler must not fail on the way to saying it
        print(text, file=sys.stderr, flush=True)


def _raw_write(text: str) -> None:
    """One line on stderr from inside a signal handler: straight to the file descriptor, past Python's buffered
    stderr (a print there, while the interrupted code was printing, would be a reentrant call)."""
    if not _first_process():
        return
    try:
        os.write(2, f"\n{text}\n".encode("utf-8", "replace"))
    except OSError:
        pass


def stopped_words(seconds: float, budget_s: float, steps: int, of_steps: int | None = None,
                  by: str = "Ctrl-C") -> str:
    """The figure a pack of a run stopped early keeps (manifest metric ``stopped_early``) and its summary says:
    "Ctrl-C after 312 s of the 1200 s budget, 4130 steps", or with a step budget ``of_steps`` "Ctrl-C after 40 s,
    250 of 900 steps"; ``by``: what stopped it (:attr:`StopRequest.by`: "SIGTERM after ...")."""
    if of_steps is not None:
        return f"{by} after {seconds:.0f} s, {steps} of {of_steps} steps"
    return f"{by} after {seconds:.0f} s of the {budget_s:.0f} s budget, {steps} step{'s' if steps != 1 else ''}"

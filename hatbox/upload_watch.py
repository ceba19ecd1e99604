"""While the box checks an upload (hatbox/box_client.py's ``upload``): say that the laptop is waiting, and check on a
second connection that the box is still there.

After an upload's last byte the box checks the pack (about a second) or unpacks the library (minutes for a big
one) before it answers: the laptop waits up to box_client.UPLOAD_ANSWER_S for that answer.  A box that lost its
power on Wi-Fi closes nothing: the connection stays open and silent, and the laptop sat 10 minutes at 100 % without a
word (p45 crash QA).  Now a thread asks the box's ``GET /health`` every :data:`HEALTH_EVERY_S`; a box that answers
is waited for (a big library takes long), one that answers none of them for :data:`GONE_AFTER_S` is given up: the
thread interrupts the waiting (main) thread with SIGINT, which the upload turns into a HatboxError, not Ctrl-C's
words.  Where the upload does not run in the main thread, or the platform cannot signal one thread (Windows), only
the words are said and the long limit stands.

The give-up and the box's answer are exclusive (forty-sixth stop): whichever is claimed first, under one lock, wins.
A request that ends (its answer taken) claims it on leaving the watch; a give-up after that sends nothing, and a
give-up whose SIGINT is still on its way when the answer was taken is absorbed there (the answer stands, no stray
Ctrl-C lands later in the command).
"""
from __future__ import annotations

import signal
import sys
import threading
import time
from typing import Any, Callable

SAY_AFTER_S = 2.0       # the answer not there this long after the last byte: say the box is checking it
SAY_EVERY_S = 30.0      # then say it again, with how long, this often
HEALTH_EVERY_S = 5.0    # ask GET /health this often once the last byte is sent
HEALTH_TIMEOUT_S = 5.0  # one health call's connect and read limit
GONE_AFTER_S = 30.0     # no health answer for this long: the box is gone (power cut, off the network)
JOIN_S = 0.2            # how long leaving the watch waits for its thread (a Ctrl-C to a dead box is not held up)
ABSORB_S = 1.0          # the most an answer taken waits for a give-up's SIGINT already sent, to absorb it


class AnswerWatch:
    """Watches the box while the main thread waits for its answer to an upload.  ``alive()`` asks the box (True: it
    answered); ``said(line)`` prints a line; ``sent()`` says whether the upload's last byte went.  Use as a context
    manager around the request; :attr:`gone` says whether it gave the box up (and interrupted the main thread)."""

    def __init__(self, alive: Callable[[], bool], said: Callable[[str], None], sent: Callable[[], bool],
                 doing: str, **times: float) -> None:
        self.alive, self.said, self.sent, self.doing = alive, said, sent, doing
        self.say_after = times.get("say_after", SAY_AFTER_S)
        self.say_every = times.get("say_every", SAY_EVERY_S)
        self.every = times.get("every", HEALTH_EVERY_S)
        self.gone_after = times.get("gone_after", GONE_AFTER_S)
        self.gone = False
        self.answered = False               # the request ended with the box's answer: no give-up from then on
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._main = threading.main_thread().ident
        self._thread: threading.Thread | None = None
        self._can = self._interruptible()

    def _interruptible(self) -> bool:
        """Whether the calling thread (the one that makes the request) is the main one, the platform can signal it
        alone (POSIX), and SIGINT has a Python handler there (which raises in it; a default one would end hatbox)."""
        return (threading.get_ident() == self._main and hasattr(signal, "pthread_kill")
                and callable(signal.getsignal(signal.SIGINT)))

    def __enter__(self) -> AnswerWatch:
        self._thread = threading.Thread(target=self._run, name="hatbox-upload-watch", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc: Any) -> None:
        # the request ended by itself (its answer taken, or a refusal or failure of its own): only a KeyboardInterrupt
        # is the give-up's (or Ctrl-C); a refusal raised as the give-up fired kept its SIGINT coming (p46 review)
        answered = kind is None or not issubclass(kind, KeyboardInterrupt)
        try:
            self._claim(answered)
        except KeyboardInterrupt:           # the give-up's SIGINT landed here, after the answer was taken
            if not (answered and self.gone):
                raise
            self.gone = False
        finally:
            self._stop.set()
        if self._thread is not None:        # it may sit in a health call (up to its timeout): not waited for, a
            self._thread.join(JOIN_S)       # daemon that sees the stop when that call ends

    def _claim(self, answered: bool) -> None:
        """Stop the watch and, for a request that returned, claim its answer under the give-up's lock: a give-up
        after this sends nothing; one that won the lock first had sent its SIGINT, taken here (:meth:`_absorb`)."""
        self._stop.set()                    # first, outside the lock: a Ctrl-C here cannot leave the watch running
        with self._lock:                    # a give-up under way has sent its signal by now; none goes after this
            self.answered = answered
            fired = self.gone and answered
        if fired:
            self._absorb()

    def _absorb(self) -> None:
        """Take the SIGINT a give-up sent before the answer was taken (it raises KeyboardInterrupt in this, the main,
        thread at its next check): the answer stands and :attr:`gone` is cleared.  Waits :data:`ABSORB_S` at most."""
        end = time.monotonic() + ABSORB_S
        try:
            while time.monotonic() < end:
                time.sleep(0.005)
        except KeyboardInterrupt:
            pass
        self.gone = False

    def _run(self) -> None:
        """Wait for the last byte, then say and check until the request ends (or the box is given up)."""
        while not self.sent():
            if self._stop.wait(0.05):
                return
        start = last_ok = said_at = time.monotonic()
        first, asked_at = True, start
        while not self._stop.wait(min(self.every, self.say_after)):
            now = time.monotonic()
            if now - said_at >= (self.say_after if first else self.say_every):
                self.said(f"the box is {self.doing} ..." if first else
                          f"the box is still {self.doing} ({now - start:.0f} s)")
                first, said_at = False, now
            if not self._can or now - asked_at < self.every:
                continue
            asked_at = now
            if self.alive():
                last_ok = time.monotonic()
            elif time.monotonic() - last_ok >= self.gone_after:
                self._give_up()
                return

    def _give_up(self) -> None:
        """The box answered nothing for ``gone_after``: mark it gone and interrupt the main thread's wait."""
        with self._lock:
            if self._stop.is_set() or self.answered:
                return
            self.gone = True
            signal.pthread_kill(self._main, signal.SIGINT)


def stderr_line(line: str) -> None:
    """Print ``line`` on stderr (where the progress bar is)."""
    print(line, file=sys.stderr, flush=True)

"""Asking a person: whether one is there to answer (a command that asks before it deletes or waits for Enter), and
the question itself, on stderr.

Questions go to stderr because stdout is the data a script reads (forty-seventh stop, QA of hatbox run from cron):
`hatbox pair URL` without --code wrote "pairing code shown on the box: " to stdout, and `box-library LIB --delete`
and `box-pack ID --delete` their "... [y/N] " question, so a script that read a command's output got the question in
it.  A question, and the line ended after it when nobody answers, go to stderr, as the error that follows does; the
answer is still read from stdin.
"""
from __future__ import annotations

import contextlib
import os
import sys


def ci_set() -> bool:
    """Whether ``CI`` is set true (1, true, yes): a CI job, whose stdin may still look like a terminal."""
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def can_ask() -> bool:
    """Whether a person can answer a question here: stdin is a terminal and ``CI`` is not set true."""
    return not ci_set() and sys.stdin.isatty()


def ask(question: str) -> str:
    """The answer typed to ``question`` (without its newline), the question written to stderr.  ``input()`` itself
    is called (with stdout pointed at stderr while it asks), so a test can still stand in for it.  EOFError when
    stdin has no answer, KeyboardInterrupt on Ctrl-C (:func:`end_line` then ends the question's line)."""
    with contextlib.redirect_stdout(sys.stderr):
        return input(question)


def end_line() -> None:
    """End the question's line on stderr (no answer came): what follows, an error, goes on a line of its own."""
    print(file=sys.stderr, flush=True)

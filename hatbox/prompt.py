"""Questions on stderr: stdout is the data a script reads (forty-seventh stop, QA of hatbox run from cron).

`hatbox pair URL` without --code wrote "pairing code shown on the box: " to stdout, and `box-library LIB --delete`
and `box-pack ID --delete` their "... [y/N] " question, so a script that read a command's output got the question
in it (and, with no one to answer, nothing else).  A question, and the line ended after it when nobody answers, go
to stderr, as the error that follows does; the answer is still read from stdin.
"""
from __future__ import annotations

import contextlib
import sys


def ask(question: str) -> str:
    """The answer typed to ``question`` (without its newline), the question written to stderr.  ``input()`` itself
    is called (with stdout pointed at stderr while it asks), so a test can still stand in for it.  EOFError when
    stdin has no answer, KeyboardInterrupt on Ctrl-C (:func:`end_line` then ends the question's line)."""
    with contextlib.redirect_stdout(sys.stderr):
        return input(question)


def end_line() -> None:
    """End the question's line on stderr (no answer came): what follows, an error, goes on a line of its own."""
    print(file=sys.stderr, flush=True)

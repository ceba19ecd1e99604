"""The `hatbox` console script's entry point (pyproject.toml [project.scripts]): :func:`run`.

A Ctrl-C in the first ~0.05 s of a run fell in the script's own `from hatbox.cli import main`, before
hatbox.cli.main could catch it, and showed a Python traceback (fifty-first stop).  Here the import and the call are
both inside one try: a Ctrl-C anywhere in them is one line, "hatbox: interrupted", exit 130, as hatbox.cli.main says
it.  Only the standard library's sys is imported before that (this module loads nothing else).
"""
from __future__ import annotations

import sys

INTERRUPTED = 130          # 128 + SIGINT, as hatbox.exit_codes.INTERRUPTED (not imported: it would widen the window)


def run() -> int:
    """Import hatbox.cli and run its main; a Ctrl-C met in either (before main's own catch, or after it returned)
    is said on one line with exit code 130."""
    try:
        from hatbox.cli import main
        return main()
    except KeyboardInterrupt:
        return _interrupted()


def _interrupted() -> int:
    """"hatbox: interrupted" on stderr, on a line of its own (if it can still be written), and 130."""
    try:
        sys.stderr.write("hatbox: interrupted\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
    return INTERRUPTED

"""Whether a person is there to answer a question (a command that asks before it deletes or waits for Enter)."""
from __future__ import annotations

import os
import sys


def ci_set() -> bool:
    """Whether ``CI`` is set true (1, true, yes): a CI job, whose stdin may still look like a terminal."""
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def can_ask() -> bool:
    """Whether a person can answer a question here: stdin is a terminal and ``CI`` is not set true."""
    return not ci_set() and sys.stdin.isatty()

"""Run ``hatbox ARGV`` in this process and catch what it printed: the one helper the CLI tests share."""
from __future__ import annotations

import pytest

from hatbox.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """``hatbox ARGV``'s exit code, stdout and stderr: only this run's output (what was printed before is flushed
    first, so an earlier unread print never shows up here)."""
    capsys.readouterr()
    rc = main(list(argv))
    got = capsys.readouterr()
    return rc, got.out, got.err

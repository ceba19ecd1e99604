"""p56 read RD3 finding 6: one rule for what to do when the way to a path could not be looked at: the chmod of the
first closed folder for a refusal, nothing for another OSError (the system's words say it: a failing drive)."""
from __future__ import annotations

import errno
from pathlib import Path

from device.audio.closed_folder import folder_hint, way_hint


def test_only_a_refusal_gets_a_chmod(tmp_path: Path) -> None:
    path = tmp_path / "kit" / "hat.wav"
    assert way_hint(path, PermissionError(errno.EACCES, "Permission denied")) == folder_hint(path)
    assert way_hint(path, OSError(errno.EIO, "Input/output error")) is None
    assert way_hint(path, OSError(errno.ENAMETOOLONG, "File name too long")) is None

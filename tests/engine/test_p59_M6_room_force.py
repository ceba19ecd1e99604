"""p59 RD1 3 (M6): the box's room check (hatbox/box_start_checks.check_room) could not be overridden: a disk whose
free space is said as 0 (a network mount, root's reserved blocks) refused the take even with --force.  Now --force
skips the free-space estimate and keeps a test write (/dev/full, a disk that takes no byte, are still refused)."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
import soundfile as sf

from device.audio import audiofile
from hatbox import box_start_checks
from hatbox.errors import AudioFileError
from tests.engine.test_p59_M1_input_check import _refused, box  # noqa: F401 (the box fixture)


def test_force_records_where_the_disk_says_no_room(tmp_path: Path, box: Any,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(audiofile, "free_bytes", lambda folder: 0)          # what such a mount says
    _refused(box(["--output", "take.wav"]), "the disk is full", tmp_path)    # without --force: as before
    r = box(["--output", "take.wav", "--force"])
    assert r.returncode == 0 and "installed and active" in r.stdout, r.stderr
    assert sf.info(str(tmp_path / "take.wav")).frames > 0
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".hatbox-room-")]    # the test write is gone


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs Linux's /dev/full")
def test_force_keeps_the_test_write(tmp_path: Path, box: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    _refused(box(["--output", "/dev/full", "--force"]), "cannot write the output /dev/full: No space left", tmp_path)
    real = tempfile.mkstemp

    def full_disk(*args: Any, **kw: Any) -> tuple[int, str]:                 # the folder's disk takes no byte
        fd, name = real(*args, **kw)
        os.dup2(os.open("/dev/full", os.O_WRONLY), fd)
        return fd, name
    monkeypatch.setattr(tempfile, "mkstemp", full_disk)
    with pytest.raises(AudioFileError, match="No space left on device .a test write of 4 KiB in ") as exc:
        box_start_checks.check_room(str(tmp_path / "take.wav"), 5.0, estimate=False)
    assert exc.value.hint == audiofile.FULL_DISK_HINT
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".hatbox-room-")]

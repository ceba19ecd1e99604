"""p59 RD3: the start check's room for the take is the disk the recorder writes to (an --output symlink's target, its
realpath), not the link's folder; and refusing a file hatbox did not write never opens a pipe (a FIFO's open to read
waits for a writer: audiofile._untagged_float_words hung refuse_foreign)."""
from __future__ import annotations

import os
import threading
from pathlib import Path

import numpy as np
import pytest

from device.audio import audiofile
from hatbox import box_start_checks
from hatbox.errors import AudioFileError


def test_the_room_is_that_of_the_disk_a_linked_take_goes_to(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    roomy, full = tmp_path / "usb", tmp_path / "sd"
    roomy.mkdir(), full.mkdir()
    target = roomy / "take.wav"
    audiofile.write(target, np.zeros((1, 10), np.float32), 48000)
    (full / "take.wav").symlink_to(target)
    audiofile.write(full / "mine.wav", np.zeros((1, 10), np.float32), 48000)
    (roomy / "link.wav").symlink_to(full / "mine.wav")
    free = {str(roomy): 10 ** 12, str(full): 0}
    monkeypatch.setattr(audiofile, "free_bytes", lambda folder: free[str(Path(folder))])
    box_start_checks.check_room(str(full / "take.wav"), 5.0)              # goes to the roomy disk: no refusal
    with pytest.raises(AudioFileError, match="disk is full"):
        box_start_checks.check_room(str(roomy / "link.wav"), 5.0)          # goes to the full one: refused


def test_refusing_a_pipe_never_opens_it(tmp_path: Path) -> None:
    fifo = tmp_path / "take.wav"
    os.mkfifo(fifo)
    said: list[BaseException] = []

    def refuse() -> None:
        try:
            audiofile.refuse_foreign(fifo, False)
        except BaseException as exc:  # noqa: BLE001 - what it raised is the test's
            said.append(exc)
    th = threading.Thread(target=refuse, daemon=True)
    th.start()
    th.join(5.0)
    if th.is_alive():                                  # the old code waits in open(): a writer lets it go
        fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        os.close(fd)
        th.join(5.0)
        pytest.fail("refuse_foreign opened the pipe and waited for a writer")
    assert said and isinstance(said[0], AudioFileError), said

"""p59 RD1 2 (M6): an --output (`device run`) or --out (`render`) naming a FIFO hung: the start check opened it for
reading (audiofile.written_by_hatbox) and waited for a writer.  Now a path that is neither a regular file nor a
character device is refused by stat alone, --force or not, before anything opens it; /dev/null still works."""
from __future__ import annotations

import os
import socket
import threading
from pathlib import Path
from typing import Any, Callable

import pytest

from device.audio import audiofile
from hatbox import box_start_checks
from hatbox.errors import AudioFileError


def _within(fifo: Path, call: Callable[[], Any], seconds: float = 5.0) -> BaseException | None:
    """Run ``call`` in a thread; the exception it raised (None if none).  One still waiting after ``seconds`` (on
    the FIFO's open) is let go by opening the FIFO for writing, and the test fails."""
    got: list[BaseException | None] = []

    def run() -> None:
        try:
            call()
            got.append(None)
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            got.append(exc)
    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)       # the reader waiting in open() goes on
        os.close(fd)
        worker.join(5)
        pytest.fail(f"{call} was still waiting on the pipe after {seconds} s")
    return got[0]


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "take.wav"
    os.mkfifo(path)
    return path


def test_the_box_refuses_a_pipe_as_its_take_forced_or_not(fifo: Path) -> None:
    for force in (False, True):
        def start(force: bool = force) -> None:
            box_start_checks.check_output(str(fifo))
            box_start_checks.check_overwrite(str(fifo), force)
        exc = _within(fifo, start)
        assert isinstance(exc, AudioFileError), exc
        assert f"cannot write the output {fifo}: it is a pipe, not a file: audio is written as a WAV whose header " \
               "is rewritten once its audio is in; give the path of a file" in str(exc)       # one wording (p60 F2)
    assert _within(fifo, lambda: audiofile.written_by_hatbox(fifo)) is None and not audiofile.written_by_hatbox(fifo)


def test_render_refuses_a_pipe_as_its_out(fifo: Path) -> None:
    for force in (False, True):
        exc = _within(fifo, lambda force=force: audiofile.check_output(fifo, force))
        assert isinstance(exc, AudioFileError) and f"cannot write {fifo}: it is a pipe, not a file:" in str(exc), exc
    assert fifo.is_fifo()


def test_a_socket_is_refused_and_dev_null_still_takes_the_take(tmp_path: Path) -> None:
    sock_path = tmp_path / "s.wav"
    sock = socket.socket(socket.AF_UNIX)
    try:
        sock.bind(str(sock_path))
        with pytest.raises(AudioFileError, match="it is a socket"):
            box_start_checks.check_output(str(sock_path))
        with pytest.raises(AudioFileError, match="it is a socket"):
            audiofile.check_output(sock_path, force=True)
    finally:
        sock.close()
    if Path("/dev/null").is_char_device():
        box_start_checks.check_output("/dev/null")
        box_start_checks.check_overwrite("/dev/null", False)
        box_start_checks.check_room("/dev/null", 5.0)

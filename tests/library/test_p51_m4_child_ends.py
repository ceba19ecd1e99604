"""p51 M4 (review of the unpacking child, device/library/unpack_worker.py, and what it shares with the tagging child,
device/library/child_process.py): a child told to stop that hangs is killed after CANCEL_WAIT_S and the upload is
answered, nothing left; a child that cannot be started is said in words, not as the storage failing; a child that
ends without a word says "out of memory?" only for a SIGKILL; a cancel that lands while the child says its error
does not lose the error; a cut (the hold) wins over a report that came as it was raised; the child of a box that
died says nothing into the closed pipe.  These tests unset the suite's in-thread setting (tests/conftest.py)."""
from __future__ import annotations

import contextlib
import dataclasses
import errno
import json
import os
import signal
import subprocess
import threading
import time
from pathlib import Path
from typing import Any, Iterator

import pytest

from device.library import child_process, tag_worker, unpack_worker
from device.library.archive import ArchiveError, Limits
from tests.library.children import (archive, in_a_child, left, site, slow_members, state,  # noqa: F401 - a fixture
                                    tag_children, unpack_children)


class _Cut(Exception):
    """The request cut off (device.api.cutoff.StoppedBeforeCommit in the box)."""


def _cut_when(ready: Any) -> Any:
    """An upload's ``hold`` that raises :class:`_Cut` once ``ready()`` is true."""
    @contextlib.contextmanager
    def hold() -> Iterator[None]:
        if ready():
            raise _Cut("the request was cut off")
        yield
    return hold


def _in_thread(call: Any, within_s: float) -> tuple[bool, dict[str, Any]]:
    """``call()`` on a thread, waited for up to ``within_s``: (whether it ended, {"exc": what it raised})."""
    out: dict[str, Any] = {}

    def run() -> None:
        try:
            out["value"] = call()
        except BaseException as exc:  # noqa: BLE001 - the test looks at it
            out["exc"] = exc
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(within_s)
    return not thread.is_alive(), out


_SIGSTOP_AT_2 = ("import os\nimport signal\nimport device.library.archive as a\nreal = a.audio_problem\nseen = []\n\n\n"
                 "def stop(p):\n    seen.append(p)\n    if len(seen) == 2:\n"
                 "        os.kill(os.getpid(), signal.SIGSTOP)\n"
                 "    return real(p)\n\n\na.audio_problem = stop\n")


def test_a_stopped_unpacking_child_is_killed_and_the_upload_answered(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The child SIGSTOPs itself (stuck) in a member check; the hold raises once it is stopped: before p51 M4 the upload
    (and the box's exit, waiting for the pool's thread) waited for ever and stage/files.partial was left."""
    monkeypatch.setattr(child_process, "CANCEL_WAIT_S", 0.5, raising=False)
    site(tmp_path, _SIGSTOP_AT_2, monkeypatch)
    arc = archive(tmp_path, 6)
    hold = _cut_when(lambda: any(state(pid) == "T" for pid in unpack_children()))
    try:
        ended, out = _in_thread(lambda: unpack_worker.unpack_archive(arc, tmp_path / "stage" / "files", hold=hold), 8)
        assert ended, "the upload waited for ever on its stopped child"
        assert isinstance(out.get("exc"), _Cut), out
        assert left(tmp_path) == ["lib.zip"]
        assert unpack_children() == []
    finally:
        for pid in unpack_children():                   # (before the fix: let the waiting thread end)
            os.kill(pid, signal.SIGKILL)


def test_a_stopped_tagging_child_is_killed_after_a_cancel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same reader ends the tagging child: cancelled while it is stuck, it is killed CANCEL_WAIT_S later and the
    tagging ends as cancelled (before, only the box's stop killed it: a user's cancel waited for ever)."""
    from tests.api.conftest import wav_bytes
    from tests.api.packs import tagger_pack
    monkeypatch.setattr(child_process, "CANCEL_WAIT_S", 0.5, raising=False)
    files = tmp_path / "files" / "kit"
    files.mkdir(parents=True)
    for i in range(4):
        (files / f"s{i}.wav").write_bytes(wav_bytes(2400 + 48 * i))
    cancel, stopped = threading.Event(), []

    def progress(done: int, total: int) -> None:
        if not stopped:
            stopped.extend(tag_children())
            for pid in stopped:
                os.kill(pid, signal.SIGSTOP)
            cancel.set()
    pack = tagger_pack(tmp_path / "t.hatpack")
    try:
        ended, out = _in_thread(lambda: tag_worker.tag_in_process(tmp_path / "files", pack, tmp_path / "tags.db",
                                                                  progress, cancel), 15)
        assert ended, "the cancelled tagging waited for ever on its stopped child"
        assert out.get("value") == {"cancelled": True}, out
        assert stopped and tag_children() == []
    finally:
        for pid in tag_children():
            os.kill(pid, signal.SIGKILL)


def _no_fork(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> subprocess.Popen:
        raise BlockingIOError(errno.EAGAIN, os.strerror(errno.EAGAIN))
    monkeypatch.setattr(child_process.subprocess, "Popen", refuse)


def test_an_unpacking_child_that_cannot_start_is_said_so_not_as_the_storage(tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """fork's EAGAIN on a loaded box: before, an OSError that the upload answered as 500 "storage failed ... check the
    box's storage (its SD card...)"."""
    from device.api.errors import ApiError
    from device.api.library_once import upload_errors
    arc = archive(tmp_path)
    _no_fork(monkeypatch)
    with pytest.raises(ArchiveError) as caught:
        unpack_worker.unpack_archive(arc, tmp_path / "stage" / "files")
    assert caught.value.args[0] == "the box could not start its unpacking process (Resource temporarily unavailable)"
    assert str(caught.value.hint).startswith("try again in a moment")
    assert left(tmp_path) == ["lib.zip"]
    upload = tmp_path / "upload.part"
    upload.write_bytes(b"x")
    with pytest.raises(ApiError) as answered:
        with upload_errors(upload):
            unpack_worker.unpack_archive(arc, tmp_path / "stage" / "files")
    assert answered.value.status == 422 and "storage" not in str(answered.value.body.hint)
    assert "could not start its unpacking process" in answered.value.body.message


def test_a_tagging_child_that_cannot_start_is_said_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _no_fork(monkeypatch)
    with pytest.raises(tag_worker.NotStarted) as caught:
        tag_worker.tag_in_process(tmp_path, tmp_path / "t.hatpack", tmp_path / "tags.db", lambda d, t: None,
                                  threading.Event())
    assert caught.value.args[0] == "the box could not start its tagging process (Resource temporarily unavailable)"
    assert caught.value.hint


def _ends_how(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: str) -> ArchiveError:
    """The error of an unpacking whose child runs ``code`` (indented, ``os`` and ``signal`` imported) at its 2nd
    member check."""
    site(tmp_path, "import os\nimport signal\nimport device.library.archive as a\nreal = a.audio_problem\nseen = []"
          f"\n\n\ndef end(p):\n    seen.append(p)\n    if len(seen) == 2:\n        {code}\n    return real(p)\n\n\n"
          "a.audio_problem = end\n", monkeypatch)
    with pytest.raises(ArchiveError) as caught:
        unpack_worker.unpack_archive(archive(tmp_path), tmp_path / "stage" / "files")
    assert left(tmp_path) == ["lib.zip"]
    return caught.value


def test_an_exit_without_a_word_is_not_said_out_of_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    exc = _ends_how(tmp_path, monkeypatch, "os._exit(1)")
    assert exc.args[0] == ("the box's unpacking of the library stopped unexpectedly (exit code 1); nothing of the "
                        "library was kept")


def test_a_sigterm_it_did_not_handle_is_a_stop_not_out_of_memory(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A SIGTERM before the child's handlers are set (its default action: killed by it)."""
    exc = _ends_how(tmp_path, monkeypatch, "signal.signal(signal.SIGTERM, signal.SIG_DFL); "
                                           "os.kill(os.getpid(), signal.SIGTERM)")
    assert str(exc).startswith("the box's unpacking of the library was stopped (killed by SIGTERM: the box stopping?)")
    assert "out of memory" not in str(exc)


def test_a_sigkill_alone_is_said_out_of_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    exc = _ends_how(tmp_path, monkeypatch, "os.kill(os.getpid(), signal.SIGKILL)")
    assert "(killed by SIGKILL: out of memory?)" in str(exc)


def test_a_cancel_while_the_child_says_its_error_keeps_the_error(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The cancel (SIGINT, as the child's stdin reader sends it) lands in the child's except clause: before, its
    Cancelled left child_main (a traceback, exit 1) and the upload was told "out of memory?" instead of the error."""
    site(tmp_path, "import os\nimport signal\nimport device.library.child_process as c\nreal = c.error_words\n\n\n"
          "def late(exc):\n    os.kill(os.getpid(), signal.SIGINT)\n    return real(exc)\n\n\nc.error_words = late\n",
          monkeypatch)
    arc = tmp_path / "lib.zip"
    arc.write_bytes(b"not an archive at all")
    from device.library.archive import unpack_archive
    with pytest.raises(ArchiveError) as here:
        unpack_archive(arc, tmp_path / "here" / "files")
    with pytest.raises(ArchiveError) as caught:
        unpack_worker.unpack_archive(arc, tmp_path / "stage" / "files")
    assert str(caught.value) == str(here.value)
    assert left(tmp_path) == ["lib.zip"]


def test_a_cut_wins_over_a_report_that_came_with_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The hold raises (the token revoked, the box stopping) while the child finishes (it does not hear the cancel
    here): before, its report won and the library was kept after its token was revoked."""
    site(tmp_path, "import _thread\n_thread.interrupt_main = lambda *a: None\n", monkeypatch)
    with pytest.raises(_Cut):
        unpack_worker.unpack_archive(archive(tmp_path), tmp_path / "stage" / "files", hold=_cut_when(lambda: True))
    assert left(tmp_path) == ["lib.zip"]


def test_the_unpacking_child_of_a_box_that_died_says_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The box killed mid-unpack (both its pipes closed): the child stops, removes what it made, and its last word
    into the closed pipe is no BrokenPipeError traceback in the journal (child_process.Lines.gone, p51 T4)."""
    slow_members(tmp_path, monkeypatch, 0.2)
    child = subprocess.Popen(
        [child_process.sys.executable, "-m", "device.library.unpack_worker", str(archive(tmp_path, 20)),
         str(tmp_path / "stage" / "files"), json.dumps(dataclasses.asdict(Limits())), ""],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=child_process.child_env())
    end = time.monotonic() + 20
    while not (tmp_path / "stage" / "files.partial" / "kit").exists() and time.monotonic() < end:
        time.sleep(0.02)
    assert child.stdin is not None and child.stdout is not None and child.stderr is not None
    child.stdout.close()                                # the box is gone (kill -9): both its pipes close
    child.stdin.close()
    err = child.stderr.read()
    assert child.wait(20) == 0
    assert b"Traceback" not in err and b"BrokenPipe" not in err, err.decode()
    assert left(tmp_path) == ["lib.zip"]

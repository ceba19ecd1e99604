"""p51 M5 (review of T3): the box's stop kills the tagging processes of its own late taggings alone, and never
signals a child another thread has reaped.  Before, child_process.kill_children killed every tagging child of the
process (another box's too: the suite's, a crash host's) and said "its tagging process is killed" of each late
library; and it signalled after letting go of its lock, while the tagging thread could reap the child (its pid then
free for another process)."""
from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import threading
import time
from pathlib import Path
from typing import Any, Callable

import pytest

from device.api.libraries import Libraries
from device.api.library_tagging import default_tagger
from device.library import child_process
from tests.api.conftest import wav_bytes, zip_bytes
from tests.api.packs import tagger_pack
from tests.library.children import gone, in_a_child, tag_children  # noqa: F401 - in_a_child: a fixture

Progress = Callable[[int, int], None]


def test_a_box_stop_kills_its_own_tagging_child_not_another_box_s(tmp_path: Path,
                                                                   caplog: pytest.LogCaptureFixture) -> None:
    pack, arc = tagger_pack(tmp_path / "t.hatpack"), tmp_path / "lib.zip"
    arc.write_bytes(zip_bytes({f"kit/s{i}.wav": wav_bytes(2400 + 48 * i) for i in range(4)}))
    b_waits, a_stopped, b_go = threading.Event(), [], threading.Event()

    def b_tagger(root: Path, p: Path, db: Path, progress: Progress, cancel: Any) -> Any:
        def held(done: int, total: int) -> None:        # box B's child waits for its answer meanwhile
            progress(done, total)
            b_waits.set()
            b_go.wait(10)
        return default_tagger(root, p, db, held, cancel)

    def a_tagger(root: Path, p: Path, db: Path, progress: Progress, cancel: Any) -> Any:
        def hang(done: int, total: int) -> None:
            progress(done, total)
            if not a_stopped:
                a_stopped.extend(c for c in tag_children() if c not in b_kids)
                for pid in a_stopped:
                    os.kill(pid, signal.SIGSTOP)         # stuck: it reads no cancel and says nothing more
        return default_tagger(root, p, db, hang, cancel)
    b = Libraries(tmp_path / "b", b_tagger)
    lb = b.ingest(arc, "kitb", pack, "tagger-x")["id"]
    assert b_waits.wait(10)
    b_kids = tag_children()
    a = Libraries(tmp_path / "a", a_tagger)
    la = a.ingest(arc, "kita", pack, "tagger-x")["id"]
    end = time.monotonic() + 10
    while not a_stopped and time.monotonic() < end:
        time.sleep(0.02)
    try:
        with caplog.at_level(logging.WARNING, logger="hatbox.api"):
            a.shutdown(0.3)
        assert a_stopped and gone(a_stopped[0], 3.0)
        assert b_kids and not gone(b_kids[0], 0.2), "box B's tagging process was killed by box A's stop"
    finally:
        b_go.set()
        for pid in a_stopped:
            if not gone(pid, 0.05):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
    assert b.wait(lb, 20)["state"] == "done"
    assert f"library {la}: its tagging did not stop in 0 s as the box stops: its tagging process is killed" \
        in caplog.text


def test_a_child_reaped_by_its_thread_meanwhile_is_not_signalled(monkeypatch: pytest.MonkeyPatch) -> None:
    """The box's stop finds the child running, and its tagging thread ends it and reaps it (close) just then: the
    SIGKILL is sent only while the child is not reaped yet (its pid still its own)."""
    proc = subprocess.Popen(["sleep", "30"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, start_new_session=True)
    me = threading.current_thread()
    with child_process._live_lock:
        child_process._live[proc] = ("m5.worker", me)
    real_poll, closing = proc.poll, []

    def poll() -> int | None:                   # the stop's look: the child ends and its thread reaps it now
        code = real_poll()
        if not closing:
            os.kill(proc.pid, signal.SIGKILL)
            closing.append(threading.Thread(target=child_process.close, args=(proc, 5.0)))
            closing[0].start()
            closing[0].join(0.5)
        return code
    monkeypatch.setattr(proc, "poll", poll)
    sent: list[int | None] = []
    real_killpg = os.killpg

    def killpg(pid: int, sig: int) -> None:
        sent.append(proc.returncode)            # None: not reaped yet (a zombie keeps its pid)
        with contextlib.suppress(ProcessLookupError):
            real_killpg(pid, sig)
    monkeypatch.setattr(child_process.os, "killpg", killpg)
    try:
        child_process.kill_children("m5.worker", [me])
    finally:
        closing[0].join(5)
    assert sent and sent == [None], sent         # before: sent to a child its thread had reaped (-9)
    assert proc.returncode is not None and proc not in child_process._live

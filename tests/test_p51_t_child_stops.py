"""p51 T3/T4: the box's tagging process never outlives the box.  A child that hangs (SIGSTOP: stuck in native code) is
killed by the box's stop once its wait is over (before: the box exited after "did not stop in 10 s" and the child
stayed, its parent init, to die later on a BrokenPipe traceback); a child whose box died (kill -9) stops quietly,
with no BrokenPipeError traceback in the journal as it says its last word into the closed pipe."""
from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable

from device.api.libraries import Libraries
from device.api.library_tagging import default_tagger
from tests.api.conftest import wav_bytes, zip_bytes
from tests.api.packs import tagger_pack
from tests.library.children import gone, in_a_child, tag_children  # noqa: F401 - in_a_child: a fixture


def test_a_hung_tagging_child_is_killed_as_the_box_stops(tmp_path: Path) -> None:
    stopped: list[int] = []

    def tagger(root: Path, pack: Path, db: Path, progress: Callable[[int, int], None], cancel: Any) -> Any:
        def hang(done: int, total: int) -> None:
            progress(done, total)
            if not stopped:
                stopped.extend(tag_children())
                for pid in stopped:
                    os.kill(pid, signal.SIGSTOP)    # stuck: it reads no cancel and says nothing more
        return default_tagger(root, pack, db, hang, cancel)
    libs = Libraries(tmp_path / "libs", tagger)
    arc = tmp_path / "lib.zip"
    arc.write_bytes(zip_bytes({f"kit/s{i}.wav": wav_bytes(2400 + 48 * i) for i in range(8)}))
    lid = libs.ingest(arc, "kit", tagger_pack(tmp_path / "t.hatpack"), "tagger-x")["id"]
    end = time.monotonic() + 10
    while not stopped and time.monotonic() < end:
        time.sleep(0.02)
    assert stopped
    try:
        libs.shutdown(0.5)
        assert gone(stopped[0], 3.0), "the hung child outlived the box's stop"
    finally:
        for pid in stopped:
            if not gone(pid, 0.05):                    # (ended already where the stop killed it)
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
    record = json.loads((tmp_path / "libs" / lid / "library.json").read_bytes())
    assert record["state"] == "tagging"                 # the next start carries it on


def test_a_child_whose_box_died_stops_without_a_traceback(tmp_path: Path) -> None:
    files = tmp_path / "files" / "kit"
    files.mkdir(parents=True)
    for i in range(6):
        (files / f"s{i}.wav").write_bytes(wav_bytes(2400 + 48 * i))
    env = {k: v for k, v in os.environ.items() if k != "HATBOX_TAG_IN_THREAD"}
    child = subprocess.Popen([sys.executable, "-m", "device.library.tag_worker", str(tmp_path / "files"),
                              str(tagger_pack(tmp_path / "t.hatpack")), str(tmp_path / "tags.db")],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert child.stdout is not None and child.stdin is not None
    assert b"progress" in child.stdout.readline()     # it waits for the box's answer now
    child.stdout.close()                                # the box is gone (kill -9): both its pipes close
    child.stdin.close()
    assert child.stderr is not None and child.wait(20) is not None
    err = child.stderr.read()
    assert child.returncode == 0 and b"Traceback" not in err and b"BrokenPipe" not in err, err.decode()

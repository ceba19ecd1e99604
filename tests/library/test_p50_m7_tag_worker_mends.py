"""p50 M7: the mends of the review of the box's tagging process (device/library/tag_worker.py): a service stop's
SIGTERM that reaches the child before the box's cancel is a cancel, not a failure; a child killed otherwise is said in
the box's words; a pipe above descriptor 1023; a library's print without its newline; the child's traceback in the
box's log; the child's nice absolute; the layering (device/library imports nothing of device/api)."""
from __future__ import annotations

import ast
import json
import os
import resource
import signal
import threading
import time
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pytest
import soundfile as sf

import device.library.tag_worker as tag_worker
from device.api.libraries import Libraries
from device.api.library_tagging import DIED, default_tagger, lower_priority
from device.library.tag_worker import WorkerDied
from tests.api.conftest import wav_bytes, zip_bytes
from tests.api.packs import tagger_pack


@pytest.fixture(autouse=True)
def _in_a_child(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests are of the tagging process: the suite's in-thread setting (tests/conftest.py) off."""
    monkeypatch.delenv("HATBOX_TAG_IN_THREAD", raising=False)


def _library(root: Path, n: int) -> Path:
    t = np.arange(2400) / 16000
    for i in range(n):
        (root / f"k{i % 2}").mkdir(parents=True, exist_ok=True)
        hit = np.sin(2 * np.pi * (100 + 150 * i) * t) * np.exp(-t * 30) * 0.5
        sf.write(root / f"k{i % 2}" / f"hit{i:03d}.wav", hit.astype(np.float32), 16000, subtype="PCM_16")
    return root


def _stat(pid: int) -> list[str]:
    """/proc/PID/stat's fields from the third (state) on: [1] is the parent's pid, [16] the nice."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def _tag_children() -> list[int]:
    """This process's tagging children (python -m device.library.tag_worker)."""
    found = []
    for p in filter(str.isdigit, os.listdir("/proc")):
        try:
            if int(_stat(int(p))[1]) == os.getpid() and b"tag_worker" in Path(f"/proc/{p}/cmdline").read_bytes():
                found.append(int(p))
        except (OSError, IndexError):
            continue
    return found


def _tag_in_thread(lib: Path, pack: Path, db: Path, progress: Callable[[int, int], None], cancel: threading.Event,
                   wait_s: float = 30.0, niced: bool = False) -> dict[str, Any]:
    """default_tagger on a thread of its own (as the box's ``tag-ID`` thread, reniced when ``niced``): {"report": ...}
    or {"error": ...}, or {} when it had not ended after ``wait_s`` (then cancelled and waited for: nothing is left
    running)."""
    got: dict[str, Any] = {}

    def run() -> None:
        if niced:
            lower_priority(10)
        try:
            got["report"] = default_tagger(lib, pack, db, progress, cancel)
        except BaseException as exc:  # noqa: BLE001 - the test looks at it
            got["error"] = exc
    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(wait_s)
    if t.is_alive():
        cancel.set()
        t.join(30)
        return {}
    return got


def test_a_stop_signal_that_reaches_the_child_first_is_a_cancel(tmp_path: Path) -> None:
    """systemd's SIGTERM kills the child a moment before the box's shutdown sets cancel: cancelled (the next start
    carries it on), not WorkerDied (failed); and the fallback report claims no count it does not know."""
    lib, pack, cancel = _library(tmp_path / "lib", 20), tagger_pack(tmp_path / "t.hatpack"), threading.Event()
    timer = threading.Timer(0.3, cancel.set)

    def progress(done: int, total: int) -> None:
        if not timer.is_alive() and done == 1:
            for pid in _tag_children():
                os.kill(pid, signal.SIGTERM)
            timer.start()
    try:
        got = _tag_in_thread(lib, pack, tmp_path / "tags.db", progress, cancel)
    finally:
        timer.cancel()
        if timer.is_alive():
            timer.join()
    assert got == {"report": {"cancelled": True}}, got


def test_a_service_stop_leaves_the_library_to_carry_on(tmp_path: Path) -> None:
    """The reviewer's stop (b.py): SIGTERM to the child, the box's shutdown 50 ms later: the record says
    ``tagging`` and the next start carries it on (it said ``failed`` before)."""
    seen: list[int] = []

    def tagger(root: Path, pack: Path, db: Path, progress: Callable[[int, int], None], cancel: threading.Event):
        return default_tagger(root, pack, db, lambda d, t: (seen.append(d), progress(d, t)), cancel)
    libs = Libraries(tmp_path / "libs", tagger)
    arc = tmp_path / "lib.zip"
    arc.write_bytes(zip_bytes({f"kit/s{i}.wav": wav_bytes(2400) for i in range(200)}))
    lid = libs.ingest(arc, "kit", tagger_pack(tmp_path / "t.hatpack"), "tagger-x")["id"]
    end = time.monotonic() + 30
    while not seen and time.monotonic() < end:
        time.sleep(0.01)
    for pid in _tag_children():
        os.kill(pid, signal.SIGTERM)
    time.sleep(0.05)
    assert libs.shutdown(10)
    record = json.loads((tmp_path / "libs" / lid / "library.json").read_bytes())
    assert record["state"] == "tagging", record.get("error")
    assert Libraries(tmp_path / "libs", tagger).interrupted == [lid]


def test_a_child_killed_otherwise_is_said_in_the_boxs_words(tmp_path: Path, monkeypatch, caplog) -> None:
    """Killed (the OOM killer's SIGKILL) while the box is not stopping: the record says what happened and what to do,
    the log says how it ended."""
    monkeypatch.setattr(tag_worker, "STOPPING_WAIT_S", 0.2, raising=False)

    def tagger(root: Path, pack: Path, db: Path, progress: Callable[[int, int], None], cancel: threading.Event):
        def kill(done: int, total: int) -> None:
            progress(done, total)
            for pid in _tag_children():
                os.kill(pid, signal.SIGKILL)
        return default_tagger(root, pack, db, kill, cancel)
    libs = Libraries(tmp_path / "libs", tagger)
    arc = tmp_path / "lib.zip"
    arc.write_bytes(zip_bytes({f"kit/s{i}.wav": wav_bytes(2400) for i in range(20)}))
    lid = libs.ingest(arc, "kit", tagger_pack(tmp_path / "t.hatpack"), "tagger-x")["id"]
    end = time.monotonic() + 30
    while libs.get(lid)["state"] == "tagging" and time.monotonic() < end:
        time.sleep(0.02)
    assert libs.shutdown(10)
    assert libs.get(lid)["state"] == "failed"
    assert libs.get(lid)["error"] == DIED.format(lid=lid)
    assert "killed by SIGKILL" in caplog.text
    assert str(WorkerDied(-9)) == "the tagging process ended without a report (killed by SIGKILL)"


def test_a_pipe_above_descriptor_1023_is_read(tmp_path: Path) -> None:
    """A busy box (up to 1,000 connections under LimitNOFILE=16384): the child's pipe gets a descriptor past
    select()'s 1024."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < 2048:
        pytest.skip(f"the open-file limit here is {hard}")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, 2048), hard))
    held: list[int] = []
    try:
        held = [os.open(os.devnull, os.O_RDONLY) for _ in range(1100)]
        got = _tag_in_thread(_library(tmp_path / "lib", 3), tagger_pack(tmp_path / "t.hatpack"),
                             tmp_path / "tags.db", lambda d, t: None, threading.Event())
    finally:
        for fd in held:
            os.close(fd)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    assert "error" not in got, got.get("error")
    assert got["report"]["tagged"] == 3


@pytest.mark.parametrize("fd", [1, 2])
def test_a_print_without_its_newline_does_not_stop_the_tagging(fd: int, tmp_path: Path, monkeypatch, capfd,
                                                               caplog) -> None:
    """A native library's warning written without a newline (onnxruntime's, on the stderr; or a print on the
    stdout) before the child's first progress line: the tagging goes on (it waited for ever before), the stderr's
    text reaches the box's own stderr (the journal), the stdout's the box's log."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(f"import os\nos.write({fd}, b'[W:native, a warning without a newline]')\n")
    monkeypatch.setenv("PYTHONPATH", str(site))
    got = _tag_in_thread(_library(tmp_path / "lib", 3), tagger_pack(tmp_path / "t.hatpack"), tmp_path / "tags.db",
                         lambda d, t: None, threading.Event(), wait_s=20)
    assert got.get("report", {}).get("tagged") == 3, got
    said = capfd.readouterr().err if fd == 2 else caplog.text
    assert "a warning without a newline" in said


def test_the_childs_traceback_reaches_the_boxs_log(tmp_path: Path, monkeypatch, caplog) -> None:
    """A bug deep in the tagger: the record keeps one line, the box's log the child's whole traceback."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text("import device.library.tag as t\n\n\ndef broken(*a, **k):\n"
                                           "    {}['a bug deep in the tagger']\n\n\nt._tag_changed = broken\n")
    monkeypatch.setenv("PYTHONPATH", str(site))
    got = _tag_in_thread(_library(tmp_path / "lib", 2), tagger_pack(tmp_path / "t.hatpack"), tmp_path / "tags.db",
                         lambda d, t: None, threading.Event())
    assert type(got.get("error")).__name__ == "KeyError", got
    assert "Traceback (most recent call last)" in caplog.text
    assert "tag.py" in caplog.text and "sitecustomize.py" in caplog.text and "a bug deep in the tagger" in caplog.text


def test_the_childs_nice_is_absolute(tmp_path: Path) -> None:
    """The box's tag thread runs at nice 10 (lower_priority); its child is at 10 too, not 10 + 10 (19)."""
    nice: list[int] = []

    def progress(done: int, total: int) -> None:
        if not nice:
            nice.extend(int(_stat(pid)[16]) for pid in _tag_children())
    mine = os.getpriority(os.PRIO_PROCESS, 0)
    got = _tag_in_thread(_library(tmp_path / "lib", 2), tagger_pack(tmp_path / "t.hatpack"), tmp_path / "tags.db",
                         progress, threading.Event(), niced=True)
    assert got.get("report", {}).get("tagged") == 2, got
    assert nice == [max(tag_worker.NICE, mine)]


def test_device_library_imports_nothing_of_the_api() -> None:
    """The library layer is below the API: the tagging process takes jsonable from device/library, where the API's
    old name for it (device.api.library_upkeep.jsonable) now points."""
    from device.api import library_upkeep
    from device.library import report_json
    tree = ast.parse(Path(tag_worker.__file__).read_text())
    imported = [n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)] + \
        [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    assert not [m for m in imported if m and m.startswith("device.api")], imported
    assert library_upkeep.jsonable is report_json.jsonable

"""p51 U: the box unpacks an uploaded library in a process of its own (device/library/unpack_worker.py), as it tags one
(device/library/tag_worker.py): the same report, the same errors (class, words, hint), nothing left on any error, a
stop (the upload's ``hold``) or the box's end stops it, a child killed is said in words.  These tests unset the
suite's in-thread setting (tests/conftest.py) to test the real child."""
from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from pathlib import Path
from typing import Any, Iterator

import pytest

from device.library import archive as archive_mod
from device.library import child_process, unpack_worker
from device.library.archive import ArchiveError, NoSpace, StorageFailed
from tests.api.test_archive import _corrupt_deflate_zip
from tests.library.children import (archive, in_a_child, left, site, slow_members,  # noqa: F401 - a fixture
                                    unpack_children)


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The children unpack_worker starts (module and arguments), recorded; they still start."""
    calls: list[list[str]] = []
    real = unpack_worker.start

    def spy(module: str, args: list[str]) -> subprocess.Popen:
        calls.append([module, *args])
        return real(module, args)
    monkeypatch.setattr(unpack_worker, "start", spy)
    return calls


def test_the_report_is_the_one_unpacking_in_the_box_gives(tmp_path: Path, started: list[list[str]]) -> None:
    arc = archive(tmp_path)
    here = archive_mod.unpack_archive(arc, tmp_path / "here" / "files")
    there = unpack_worker.unpack_archive(arc, tmp_path / "there" / "files")
    assert [c[0] for c in started] == ["device.library.unpack_worker"]
    assert there == here and there.to_dict() == here.to_dict()
    assert len(there.accepted) == 3 and there.skipped == 1 and len(there.left_out) == 2
    assert left(tmp_path / "there") == left(tmp_path / "here")


def test_the_ingest_unpacks_in_a_child(tmp_path: Path, started: list[list[str]]) -> None:
    """Libraries.ingest (POST /libraries) unpacks in the child; before p51 it unpacked in the box's own process."""
    from device.api.libraries import Libraries
    libs = Libraries(tmp_path / "libs")
    info = libs.ingest(archive(tmp_path), "kit", None, None)
    assert [c[0] for c in started] == ["device.library.unpack_worker"]
    assert info["accepted"] == 3 and info["skipped"] == 1 and info["state"] == "untagged"
    assert sorted(p.name for p in (libs.root / info["id"] / "files" / "kit").iterdir()) == \
        ["hit0.wav", "hit1.wav", "hit2.wav"]


def test_the_suites_setting_unpacks_on_the_calling_thread(tmp_path: Path, started: list[list[str]],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(child_process.IN_THREAD_ENV, "1")
    assert len(unpack_worker.unpack_archive(archive(tmp_path), tmp_path / "lib" / "files").accepted) == 3
    assert started == []


def _both(tmp_path: Path, arc: Path, **kw: Any) -> tuple[BaseException, BaseException]:
    """The error of unpacking ``arc`` in the box's process and in the child."""
    got = []
    for where, unpack in (("here", archive_mod.unpack_archive), ("there", unpack_worker.unpack_archive)):
        with pytest.raises(ArchiveError) as caught:
            unpack(arc, tmp_path / where / "new" / "files", **kw)
        got.append(caught.value)
    return got[0], got[1]


def test_no_room_is_no_space_with_its_words_and_hint(tmp_path: Path) -> None:
    here, there = _both(tmp_path, archive(tmp_path), room=100)
    assert type(there) is NoSpace and str(there) == str(here) and there.hint == here.hint
    assert "has room for 100 more" in str(there)
    assert left(tmp_path) == ["lib.zip"]


def test_not_an_archive_is_said_as_in_the_box(tmp_path: Path) -> None:
    arc = tmp_path / "lib.zip"
    arc.write_bytes(b"not an archive at all")
    here, there = _both(tmp_path, arc)
    assert type(there) is ArchiveError and str(there) == str(here)
    assert left(tmp_path) == ["lib.zip"]


@pytest.mark.parametrize("code,kind", [(28, NoSpace), (5, StorageFailed)])
def test_a_disk_full_or_failing_while_writing_is_its_class(code: int, kind: type, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    site(tmp_path, "import os\nimport device.library.archive as a\n\n\ndef full(src, dst, declared):\n"
          f"    raise OSError({code}, os.strerror({code}))\n\n\na._copy_bounded = full\n", monkeypatch)
    with pytest.raises(ArchiveError) as caught:
        unpack_worker.unpack_archive(archive(tmp_path), tmp_path / "new" / "files")
    assert type(caught.value) is kind
    assert "while writing kit/hit0.wav" in str(caught.value) and "nothing of the library was kept" in str(caught.value)
    assert caught.value.hint
    assert left(tmp_path) == ["lib.zip"]


def test_the_childs_warnings_reach_the_boxs_log(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    report = unpack_worker.unpack_archive(_corrupt_deflate_zip(tmp_path / "c.zip"), tmp_path / "lib" / "files")
    assert "damaged inside the zip; make the zip again" in report.rejected[0].reason
    assert "left out, it cannot be read from the zip" in caplog.text


def test_a_child_killed_is_an_archive_error_in_words_and_leaves_nothing(tmp_path: Path, caplog,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The OOM killer's SIGKILL mid-unpack: the upload is answered in words (never a traceback, never waiting for
    ever) and the half-unpacked library is gone, with the folder made for it."""
    site(tmp_path, "import os\nimport signal\nimport device.library.archive as a\nreal = a.audio_problem\nseen = []\n"
          "\n\ndef die(p):\n    seen.append(p)\n    if len(seen) == 2:\n        os.kill(os.getpid(), signal.SIGKILL)\n"
          "    return real(p)\n\n\na.audio_problem = die\n", monkeypatch)
    with pytest.raises(ArchiveError) as caught:
        unpack_worker.unpack_archive(archive(tmp_path), tmp_path / "stage" / "files")
    assert str(caught.value).startswith("the box's unpacking of the library stopped unexpectedly (killed by SIGKILL")
    assert "nothing of the library was kept" in str(caught.value) and "send it again" in str(caught.value.hint)
    assert "the unpacking process ended without a report (killed by SIGKILL)" in caplog.text
    assert left(tmp_path) == ["lib.zip"]


class _Stop(Exception):
    """The request cut off (device.api.cutoff.StoppedBeforeCommit in the box)."""


def _hold_until(stop_after_s: float, entered: list[float]) -> Any:
    from contextlib import contextmanager
    began = time.monotonic()

    @contextmanager
    def hold() -> Iterator[None]:
        entered.append(time.monotonic())
        if time.monotonic() - began > stop_after_s:
            raise _Stop("the request was cut off by the box stopping")
        yield
    return hold


def test_a_stop_stops_the_child_at_once_and_keeps_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The box stopping (the upload's hold raises) mid-unpack: the child stops (before, the unpacking went on to its
    end and was thrown away at the commit), the hold's own error is raised, nothing is left, no child runs on."""
    slow_members(tmp_path, monkeypatch)
    entered: list[float] = []
    t0 = time.monotonic()
    with pytest.raises(_Stop):
        unpack_worker.unpack_archive(archive(tmp_path, 20), tmp_path / "stage" / "files",
                                     hold=_hold_until(1.0, entered))
    assert time.monotonic() - t0 < 20 * 0.3            # not every member was unpacked
    assert len(entered) > 3
    assert left(tmp_path) == ["lib.zip"]
    assert unpack_children() == []


def test_the_box_gone_stops_the_child_which_removes_what_it_made(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """The box killed mid-unpack: its end of the pipe closes; the child stops and leaves nothing (the box's next
    start would remove ``*.partial`` anyway)."""
    import dataclasses
    import json

    from device.library.archive import Limits
    slow_members(tmp_path, monkeypatch)
    proc = child_process.start("device.library.unpack_worker", [str(archive(tmp_path, 20)), str(tmp_path / "stage" /
                               "files"), json.dumps(dataclasses.asdict(Limits())), ""])
    end = time.monotonic() + 20
    try:
        while not (tmp_path / "stage" / "files.partial" / "kit").exists() and time.monotonic() < end:
            time.sleep(0.05)
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.close()                              # the box gone
        said = proc.stdout.read()
        assert proc.wait(20) == 0
    finally:
        child_process.close(proc)                       # no longer one of the children kill_children sees
    assert json.loads(said.splitlines()[-1]) == {"cancelled": True}
    assert left(tmp_path) == ["lib.zip"]
    assert proc not in child_process._live


def test_a_sigterm_to_the_child_keeps_nothing_and_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A service manager that signals every process of the unit (a unit without KillMode=mixed): the child stops
    cleanly, the upload is answered in words."""
    slow_members(tmp_path, monkeypatch)

    def kill_soon() -> None:
        end = time.monotonic() + 20
        while not (tmp_path / "stage" / "files.partial" / "kit").exists() and time.monotonic() < end:
            time.sleep(0.05)
        for pid in unpack_children():
            os.kill(pid, signal.SIGTERM)
    threading.Thread(target=kill_soon, daemon=True).start()
    with pytest.raises(ArchiveError) as caught:
        unpack_worker.unpack_archive(archive(tmp_path, 20), tmp_path / "stage" / "files")
    assert str(caught.value).startswith("the box's unpacking of the library was stopped (told to stop")
    assert left(tmp_path) == ["lib.zip"]


def test_an_existing_folder_is_refused_before_a_child_starts(tmp_path: Path, started: list[list[str]]) -> None:
    (tmp_path / "lib" / "files").mkdir(parents=True)
    with pytest.raises(ArchiveError, match="files already exists"):
        unpack_worker.unpack_archive(archive(tmp_path), tmp_path / "lib" / "files")
    assert started == [] and left(tmp_path / "lib") == ["files"]


def test_the_ingest_passes_its_hold_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A revoked token or the box stopping mid-unpack (Libraries.ingest's hold) ends the upload then, nothing kept."""
    from device.api.libraries import Libraries
    slow_members(tmp_path, monkeypatch)
    libs = Libraries(tmp_path / "libs")
    entered: list[float] = []
    with pytest.raises(_Stop):
        libs.ingest(archive(tmp_path, 20), "kit", None, None, hold=_hold_until(1.0, entered))
    assert left(libs.root) == [] and libs.list() == []


def test_the_box_stopping_mid_unpack_stops_the_child_and_answers_503(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The real API (tests/api/test_p42_net_stop.py's server): a stop while the child unpacks a 20-member library
    (0.3 s each) cuts it off, the upload is answered "box stopped", nothing is kept, no child runs on, and the stop does
    not wait for the whole unpacking (before p51 U the worker thread went on to its end, then kept nothing)."""
    from tests.api.test_p42_net_stop import _post_in_thread, _served
    slow_members(tmp_path, monkeypatch)
    running, app, auth = _served(tmp_path)
    out: dict[str, Any] = {}
    thread = _post_in_thread(f"{running.url}/libraries?name=kit", archive(tmp_path, 20).read_bytes(), auth, out)
    end = time.monotonic() + 20
    while not unpack_children() and time.monotonic() < end:
        time.sleep(0.02)
    t0 = time.monotonic()
    running.stop()                          # uvicorn waits 2 s, then cancels the request: the gate is cut
    for worker in list(app.state.box._workers):
        worker.join(20)
    stopped_s = time.monotonic() - t0
    thread.join(20)
    assert out["resp"].status_code == 503, out["resp"].text
    assert out["resp"].json()["message"] == "the box was stopped while it unpacked the library; it kept nothing"
    assert stopped_s < 20 * 0.3, stopped_s
    assert unpack_children() == []
    assert [p.name for p in (tmp_path / "box" / "libraries").iterdir() if not p.name.startswith(".")] == []

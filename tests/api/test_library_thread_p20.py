"""The library tagging thread, QA round 20: a record that cannot be written as the tagging ends (a full
disk) killed the thread with an unlogged exception and left ``library.json`` saying "tagging"; now it is
logged, tried again (a few times, then at each read of the library), and a restart before then shows the
library interrupted, to be tagged again.  Any other failure in the thread is logged and leaves ``failed``
with its reason, never a library "tagging" for ever; and a start on a full disk still opens the libraries."""
from __future__ import annotations

import errno
import json
import logging
import threading
from pathlib import Path
from typing import Any

import pytest

import device.api.libraries as libraries_mod
from device.api.libraries import Libraries
from tests.api.packs import tagger_pack
from tests.api.test_libraries import RecordingTagger, _library_zip


class Disk:
    """``write_atomic`` for device.api.libraries that fails with ENOSPC while ``full`` is set."""

    def __init__(self) -> None:
        self.full = threading.Event()
        self.refused = 0

    def __call__(self, path: Any, data: bytes) -> None:
        if self.full.is_set():
            self.refused += 1
            raise OSError(errno.ENOSPC, "No space left on device")
        Path(path).write_bytes(data)


@pytest.fixture
def disk(monkeypatch: pytest.MonkeyPatch) -> Disk:
    d = Disk()
    monkeypatch.setattr(libraries_mod, "write_atomic", d)
    return d


@pytest.fixture
def thread_errors(monkeypatch: pytest.MonkeyPatch) -> list[BaseException]:
    """Exceptions that escaped a thread (threading.excepthook)."""
    seen: list[BaseException] = []
    monkeypatch.setattr(threading, "excepthook", lambda args: seen.append(args.exc_value))
    return seen


def _ingest(tmp_path: Path, libs: Libraries) -> str:
    arc = tmp_path / "lib.zip"
    arc.write_bytes(_library_zip(2))
    return libs.ingest(arc, "kit", tagger_pack(tmp_path / "t.hatpack"), "tagger-x")["id"]


def _on_disk(root: Path, lid: str) -> dict[str, Any]:
    return json.loads((root / lid / "library.json").read_bytes())


def test_a_full_disk_as_tagging_ends_is_logged_retried_and_written_once_there_is_room(
        tmp_path: Path, disk: Disk, thread_errors: list, caplog: pytest.LogCaptureFixture) -> None:
    hold = threading.Event()
    libs = Libraries(tmp_path / "libs", RecordingTagger(hold))
    libs.save_retry_s = 0.01
    lid = _ingest(tmp_path, libs)
    disk.full.set()
    with caplog.at_level(logging.ERROR, logger="hatbox.api"):
        hold.set()
        assert libs.wait(lid, 10)["state"] == "done"                 # in memory: what happened
    assert not thread_errors                                          # the thread ended, nothing escaped it
    assert disk.refused >= Libraries.save_tries                          # tried again (and at wait's read)
    said = [r.getMessage() for r in caplog.records if lid in r.getMessage()]
    assert said and all("No space left on device" in m for m in said), said
    assert _on_disk(tmp_path / "libs", lid)["state"] == "tagging"     # the disk is full: nothing new there
    assert libs.get(lid)["state"] == "done"                           # a read tries again; still full
    disk.full.clear()
    listed = libs.list()                                              # the next read writes it
    assert [i["state"] for i in listed] == ["done"]
    record = _on_disk(tmp_path / "libs", lid)
    assert record["state"] == "done" and record["results"]["tagged"] == 2 and record["progress"]["done"] == 2


def test_a_restart_before_the_record_is_written_shows_the_library_interrupted(
        tmp_path: Path, disk: Disk, thread_errors: list) -> None:
    hold = threading.Event()
    libs = Libraries(tmp_path / "libs", RecordingTagger(hold))
    libs.save_retry_s = 0.01
    lid = _ingest(tmp_path, libs)
    disk.full.set()                                                   # fills while it tags
    hold.set()
    assert libs.wait(lid, 10)["state"] == "done" and not thread_errors
    again = Libraries(tmp_path / "libs", RecordingTagger())          # the box restarts, its disk still full
    info = again.get(lid)
    assert info["state"] == "failed" and info["tagger"] == "tagger-x"
    assert info["error"] == (f"tagging was interrupted by a restart (or its end could not be recorded before one); "
                             f"tag it again: hatbox box-library {lid} --retag (or hatbox box-library {lid} --delete "
                             f"removes this copy)")
    assert _on_disk(tmp_path / "libs", lid)["state"] == "tagging"     # still full: the next start says the same
    disk.full.clear()
    assert again.get(lid)["state"] == "failed" and _on_disk(tmp_path / "libs", lid)["state"] == "failed"


@pytest.mark.parametrize("failure", [RuntimeError("the network gave NaN\nsecond line"), SystemExit(3)],
                         ids=["error", "exit"])
def test_any_failure_in_the_thread_is_logged_and_leaves_failed_with_its_reason(
        tmp_path: Path, failure: BaseException, thread_errors: list, caplog: pytest.LogCaptureFixture) -> None:
    def tagger(root: Path, pack: Path, db: Path, progress: Any, cancel: threading.Event) -> None:
        raise failure

    libs = Libraries(tmp_path / "libs", tagger)
    with caplog.at_level(logging.ERROR, logger="hatbox.api"):
        lid = _ingest(tmp_path, libs)
        info = libs.wait(lid, 10)
    assert not thread_errors
    assert info["state"] == "failed" and type(failure).__name__ in info["error"]
    assert _on_disk(tmp_path / "libs", lid) == info                   # the record says the same
    logged = [r for r in caplog.records if lid in r.getMessage()]
    assert logged and logged[0].exc_info is not None                  # with its traceback, in the box's log


def _cut_off(tmp_path: Path, extra: dict[str, Any] | None = None) -> tuple[str, dict[str, Any]]:
    """A library whose record on disk says ``tagging`` (with ``extra`` fields), as a box that lost power while it
    tagged leaves it; the tagging itself has ended, so nothing else writes the record.  (id, that record)."""
    hold = threading.Event()
    libs = Libraries(tmp_path / "libs", RecordingTagger(hold))
    lid = _ingest(tmp_path, libs)
    record = _on_disk(tmp_path / "libs", lid)
    hold.set()
    libs.wait(lid, 10)
    (tmp_path / "libs" / lid / "library.json").write_text(json.dumps({**record, **(extra or {})}))
    return lid, record


def test_a_tagging_a_restart_cut_off_carries_on_at_start_with_its_own_pack(tmp_path: Path,
                                                                           caplog: pytest.LogCaptureFixture) -> None:
    """Before (twenty-seventh stop's QA): a box turned off while it tagged (even cleanly) left the library failed, a
    fifth of it tagged, and never said a word of it in its log."""
    lid, _record = _cut_off(tmp_path)                                 # what a power cut leaves on the card
    again, tagger = Libraries(tmp_path / "libs", RecordingTagger()), tmp_path / "store" / "tagger-x.hatpack"
    assert again.get(lid)["state"] == "failed" and again.interrupted == [lid]
    tagger.parent.mkdir()
    tagger.write_bytes(b"pack")
    with caplog.at_level(logging.INFO, logger="hatbox.api"):
        assert again.resume(lambda pid: tagger if pid == "tagger-x" else None) == [lid]
    assert again.wait(lid, 10)["state"] == "done" and again.get(lid)["tagger"] == "tagger-x"
    assert any("carrying on where it stopped" in r.getMessage() for r in caplog.records)


def test_a_cut_off_tagging_whose_pack_is_gone_stays_failed_and_says_why(tmp_path: Path,
                                                                        caplog: pytest.LogCaptureFixture) -> None:
    lid, _record = _cut_off(tmp_path)
    again = Libraries(tmp_path / "libs", RecordingTagger())
    with caplog.at_level(logging.WARNING, logger="hatbox.api"):
        assert again.resume(lambda pid: None) == []
    assert again.get(lid)["state"] == "failed"
    assert any("no longer on the box" in r.getMessage() for r in caplog.records)


def test_a_tagging_stopped_by_the_producer_is_not_carried_on_after_a_restart(tmp_path: Path) -> None:
    """Review (twenty-seventh stop): a box stopped right after --cancel, before the tagging had stopped, carried the
    tagging on at its next start."""
    hold = threading.Event()
    libs = Libraries(tmp_path / "libs", RecordingTagger(hold))
    lid = _ingest(tmp_path, libs)
    libs.cancel(lid)
    record = _on_disk(tmp_path / "libs", lid)              # the box stops now, before the thread writes cancelled
    assert record["state"] == "tagging" and record["cancel_asked"]
    hold.set()
    libs.wait(lid, 10)
    (tmp_path / "libs" / lid / "library.json").write_text(json.dumps(record))
    again = Libraries(tmp_path / "libs", RecordingTagger())
    assert again.interrupted == [] and again.get(lid)["state"] == "cancelled"


def test_a_tagging_cut_off_again_and_again_is_left_failed(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Review (twenty-seventh stop): a file that takes the box down would be tagged again at every start."""
    lid, record = _cut_off(tmp_path)
    pack = tmp_path / "t.hatpack"
    for n in range(3):                                      # the box dies while tagging, three starts running
        (tmp_path / "libs" / lid / "library.json").write_text(json.dumps({**record, "resumes": n}))
        again = Libraries(tmp_path / "libs", RecordingTagger())
        with caplog.at_level(logging.WARNING, logger="hatbox.api"):
            started = again.resume(lambda pid: pack)
        if n < 2:
            assert started == [lid] and again.wait(lid, 10)["state"] == "done"
            assert _on_disk(tmp_path / "libs", lid)["resumes"] == 0     # it ended: the count starts again
        else:
            assert started == [] and again.get(lid)["state"] == "failed"
            assert any("3 times running" in r.getMessage() for r in caplog.records)

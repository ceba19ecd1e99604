"""p51 MF1 (3): a tagging whose process ended without its report (tag_worker's ``{"cancelled": true}``: a `--cancel`
whose stuck child was killed CANCEL_WAIT_S later, or the box stopping) is logged with "its process gave no count"
and how far it was, by one helper (device.api.library_tagging.counted), whether the producer cancelled it or the
box stopped.  Before, the producer's cancel at 2 of 8 was logged "tagging cancelled (nothing to tag)"."""
from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Any, Callable

import pytest

from device.api.libraries import Libraries
from device.api.library_tagging import counted
from tests.api.conftest import wav_bytes, zip_bytes
from tests.api.packs import tagger_pack


def _killed_after_cancel(root: Path, pack: Path, db: Path, progress: Callable[[int, int], None],
                         cancel: threading.Event) -> Any:
    """tag_in_process's end for a child killed after its cancel: progress 2 of 8, then no report."""
    progress(2, 8)
    cancel.wait(20)
    return {"cancelled": True}


def _started(tmp_path: Path) -> tuple[Libraries, str]:
    libs = Libraries(tmp_path / "libs", _killed_after_cancel)
    arc = tmp_path / "lib.zip"
    arc.write_bytes(zip_bytes({f"kit/s{i}.wav": wav_bytes(2400) for i in range(8)}))
    lid = libs.ingest(arc, "kit", tagger_pack(tmp_path / "t.hatpack"), "tagger-x")["id"]
    end = time.monotonic() + 20
    while libs.get(lid)["progress"]["done"] < 2 and time.monotonic() < end:
        time.sleep(0.01)
    return libs, lid


def test_a_cancel_whose_process_gave_no_count_says_how_far_it_was(tmp_path: Path,
                                                                  caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, "hatbox.api")
    libs, lid = _started(tmp_path)
    libs.cancel(lid)
    ended = libs.wait(lid, 20)
    assert ended["state"] == "cancelled" and ended["progress"] == {"done": 2, "total": 8}, ended
    assert f"library {lid}: tagging cancelled (its process gave no count; it was at 2 of 8)" in caplog.text
    assert "nothing to tag" not in caplog.text


def test_a_box_stop_whose_process_gave_no_count_says_it_alike(tmp_path: Path,
                                                              caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, "hatbox.api")
    libs, lid = _started(tmp_path)
    assert libs.shutdown(10)
    assert (f"library {lid}: tagging stopped as the box stops (its process gave no count; it was at 2 of 8); its "
            "next start carries it on") in caplog.text


def test_a_report_with_counts_is_tallied() -> None:
    assert counted({"tagged": 3, "failed": [["a.wav", "why"]], "seconds": 1.25}, {"done": 4, "total": 8}) == \
        "3 tagged, 1 failed, 1.2 s"
    assert counted({"cancelled": True, "failed": [], "skipped": []}, None) == "its process gave no count"

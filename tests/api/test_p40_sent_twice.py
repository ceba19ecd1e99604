"""Fortieth stop: the same library archive sent twice at once (two pushes of one folder: the laptop's check that
it is not on the box already passes for both) is kept once; the second gets a 409 naming the first.  Sent again
later (`push-library --again`) it is still kept, as before."""
from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest

from device.api.libraries import Libraries, SentTwice
from tests.api.conftest import make_box
from tests.api.test_libraries import _library_zip


def test_two_uploads_of_one_archive_at_once_keep_one_library(tmp_path: Path) -> None:
    box = make_box(tmp_path)
    validator = box.app.state.box.library_worker
    gate = threading.Event()
    validator.submit(gate.wait, 10)                 # both uploads are received, then wait for the library worker here
    body, replies = _library_zip(3), []

    def send() -> None:
        replies.append(box.client.post("/libraries", params={"name": "kit"}, content=body, headers=box.auth))
    threads = [threading.Thread(target=send) for _ in range(2)]
    for t in threads:
        t.start()
    end = time.monotonic() + 10
    while validator._work_queue.qsize() < 2 and time.monotonic() < end:
        time.sleep(0.01)
    gate.set()
    for t in threads:
        t.join(10)
    kept = box.client.get("/libraries", headers=box.auth).json()
    assert sorted(r.status_code for r in replies) == [201, 409] and len(kept) == 1
    refused: Any = next(r.json() for r in replies if r.status_code == 409)
    assert refused["error"] == "sent twice" and kept[0]["id"] in refused["message"]
    assert "was not kept" in refused["message"]
    again = box.client.post("/libraries", params={"name": "kit"}, content=body, headers=box.auth)
    assert again.status_code == 201                                  # sent again afterwards: a second copy
    assert len(box.client.get("/libraries", headers=box.auth).json()) == 2


def test_a_failed_copy_does_not_refuse_the_other(tmp_path: Path) -> None:
    libs = Libraries(tmp_path / "libs")
    arc = tmp_path / "kit.zip"
    arc.write_bytes(_library_zip(2))
    began = time.time()
    first = libs.ingest(arc, "kit", None, None, sha256="ab" * 32, since=began)
    with pytest.raises(SentTwice, match=first["id"]):
        libs.ingest(arc, "kit", None, None, sha256="ab" * 32, since=began)
    libs._jobs[first["id"]]["state"] = "failed"
    assert libs.ingest(arc, "kit", None, None, sha256="ab" * 32, since=began)["id"] != first["id"]

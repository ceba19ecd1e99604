"""p47 QA: two scripts pushing one folder at the same moment left two copies on the box (the laptop's look, then its
upload).  An upload with ``once=true`` is looked at and kept in one step on the box: the second upload of the same
archive, even one received while the first is being unpacked, is answered with the first library (200,
``sent_before``) and keeps nothing; without ``once`` (an older laptop, ``--again``) a copy is kept as before."""
from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

from tests.api.conftest import make_box
from tests.api.test_libraries import _library_zip


def _two_at_once(box: Any, body: bytes, params: dict[str, Any]) -> list[Any]:
    """Two uploads of ``body`` sent by two threads, both received before the box's worker takes the first."""
    validator = box.app.state.box.library_worker
    gate, replies = threading.Event(), []
    validator.submit(gate.wait, 10)                 # both uploads are received, then wait for the worker here

    def send() -> None:
        replies.append(box.client.post("/libraries", params=params, content=body, headers=box.auth))
    threads = [threading.Thread(target=send) for _ in range(2)]
    for t in threads:
        t.start()
    end = time.monotonic() + 10
    while validator._work_queue.qsize() < 2 and time.monotonic() < end:
        time.sleep(0.01)
    gate.set()
    for t in threads:
        t.join(10)
    return replies


def test_two_uploads_at_once_asked_once_keep_one_library_and_both_name_it(tmp_path: Path) -> None:
    box = make_box(tmp_path)
    replies = _two_at_once(box, _library_zip(3), {"name": "kit", "once": True})
    kept = box.client.get("/libraries", headers=box.auth).json()
    assert len(kept) == 1
    assert sorted(r.status_code for r in replies) == [200, 201]
    assert {r.json()["id"] for r in replies} == {kept[0]["id"]}
    held = next(r.json() for r in replies if r.status_code == 200)
    assert held["sent_before"] is True and held["accepted"] == 3 and held["name"] == "kit"
    assert next(r.json() for r in replies if r.status_code == 201)["sent_before"] is False


def test_once_after_the_first_is_kept_answers_it_and_again_keeps_a_copy(tmp_path: Path) -> None:
    box = make_box(tmp_path)
    body = _library_zip(2)
    first = box.client.post("/libraries", params={"name": "kit", "once": True}, content=body, headers=box.auth)
    second = box.client.post("/libraries", params={"name": "kit", "once": True}, content=body, headers=box.auth)
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json()["id"] == first.json()["id"] and second.json()["sent_before"] is True
    other = box.client.post("/libraries", params={"name": "kit", "once": True}, content=_library_zip(3),
                            headers=box.auth)
    assert other.status_code == 201 and other.json()["id"] != first.json()["id"]      # other bytes: a new one
    again = box.client.post("/libraries", params={"name": "kit"}, content=body, headers=box.auth)
    assert again.status_code == 201 and again.json()["id"] != first.json()["id"]      # not asked once: a copy
    assert len(box.client.get("/libraries", headers=box.auth).json()) == 3

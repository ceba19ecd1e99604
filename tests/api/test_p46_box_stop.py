"""Forty-sixth stop: a Box stopped directly (tests, the demo, the sim: not through device/api/server.py's
RunningServer.stop) stops its libraries' taggings too, and after the stop no new worker thread is made by a late
request: it is refused, 503 "the box is stopping" (before, ``Box.validator`` made a fresh pool nobody shut down)."""
from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from device.api.errors import ApiError
from tests.api.conftest import make_box
from tests.api.packs import gain_pack, tagger_pack
from tests.api.test_libraries import _library_zip


class WaitsForCancel:
    """A tagger that takes up to 5 s a file unless its tagging is cancelled (the box stopping cancels it)."""

    def __init__(self) -> None:
        self.started = threading.Event()

    def __call__(self, root, pack, db_path, progress, cancel):
        files = sorted(Path(root).rglob("*.wav"))
        self.started.set()
        for i, _ in enumerate(files):
            if cancel.wait(5):
                return None
            progress(i + 1, len(files))
        return None


def test_a_box_stopped_directly_stops_its_taggings_and_keeps_them_for_the_next_start(tmp_path: Path) -> None:
    tagger = WaitsForCancel()
    box = make_box(tmp_path, tagger=tagger)
    assert box.push(tagger_pack(tmp_path / "t1.hatpack")).status_code == 201
    r = box.client.post("/libraries", content=_library_zip(3), headers=box.auth)
    assert r.status_code in (201, 202), r.text
    lid = r.json()["id"]
    libraries = box.app.state.box.libraries
    thread = libraries._threads[lid]
    assert tagger.started.wait(5)
    box.app.state.box.stop()
    assert not thread.is_alive()                           # before: the tagging ran on, 5 s a file
    record = json.loads((box.store_dir / "libraries" / lid / "library.json").read_bytes())
    assert record["state"] == "tagging"                    # carried on at the next start, not cancelled
    box.app.state.box.stop()                               # again (RunningServer.stop's call): nothing more to do


def test_a_push_after_the_stop_is_refused_and_makes_no_worker(tmp_path: Path) -> None:
    box = make_box(tmp_path)
    the_box = box.app.state.box
    before = set(threading.enumerate())
    the_box.stop()
    with pytest.raises(ApiError) as refused:
        the_box.validator
    assert refused.value.status == 503 and refused.value.body.error == "box stopping"
    r = box.push(gain_pack(tmp_path / "late.hatpack", "late", "1.0.0"))
    assert r.status_code == 503, r.text
    assert r.json()["message"].startswith("the box is stopping")
    assert "send it again once the box is back" in r.json()["hint"]
    made = [t for t in threading.enumerate() if t not in before and t.name.startswith("hatbox-validate")]
    assert made == []
    assert the_box.store.ids() == []                       # nothing of the late push was kept
    assert list((box.store_dir / "tmp").iterdir()) == []

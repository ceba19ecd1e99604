"""p46 review: a record file edited by hand into another shape (a field of another type, a time of -Infinity, which
Python's json takes) made GET /packs/deleted and GET /packs/{id} answer 500; Box.stop said "nothing left running"
while a library's tagging still ran."""
from __future__ import annotations

import json
import threading
from pathlib import Path

from device.api.libraries import Libraries
from device.store import PackStore
from device.store_layout import DELETED_FILE


def test_a_hand_edited_pack_deletion_is_left_out(tmp_path: Path) -> None:
    good = {"id": "fx-1", "kind": "effect", "name": "drive", "version": "0.1.0", "deleted_by": "laptopA",
            "deleted_at": 1.0e9, "deleted_how": "delete"}
    bad = {**good, "id": "fx-2", "kind": 5}
    (tmp_path / DELETED_FILE).write_text(json.dumps({"version": 1, "records": [good, bad]}))
    assert list(PackStore(tmp_path).deleted) == ["fx-1"]


def test_infinity_in_a_record_file_makes_it_damaged(tmp_path: Path) -> None:
    text = '{"version": 1, "records": [{"id": "fx-1", "deleted_at": -Infinity}]}'
    (tmp_path / DELETED_FILE).write_text(text)
    assert PackStore(tmp_path).deleted == {}


def test_a_tagging_that_does_not_stop_is_said(tmp_path: Path) -> None:
    libs = Libraries(tmp_path / "libs")
    release = threading.Event()
    thread = threading.Thread(target=release.wait, args=(5.0,), daemon=True)
    thread.start()
    libs._threads["lib-1"] = thread                  # a tagging stuck in the tagger's native code
    try:
        assert libs.shutdown(0.05) is False
    finally:
        release.set()
        thread.join()
    assert libs.shutdown(0.05) is True

"""A library whose tagging shows ``cancelled`` can be tagged again at once: the tagging thread may still be
writing its record for a moment after the state changed, and ``POST /libraries/{id}/retag`` waits for it rather
than answering 409 "being tagged already" to a producer who sees a cancelled library."""
from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest

from device.api.libraries import Libraries
from tests.api.conftest import make_box
from tests.api.test_libraries import RecordingTagger, _library_zip
from tests.api.test_retag_p20 import _push_tagger, _wait_done


def test_retag_right_after_a_cancel_waits_for_the_tagging_to_close(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    end = Libraries._end

    def slow_end(self: Libraries, info: dict[str, Any]) -> None:
        time.sleep(0.5)                      # the thread still closing after its state says cancelled
        end(self, info)
    monkeypatch.setattr(Libraries, "_end", slow_end)
    hold = threading.Event()
    box = make_box(tmp_path, tagger=RecordingTagger(hold))
    _push_tagger(box, tmp_path, "1.0.0")
    lid = box.client.post("/libraries", content=_library_zip(2), headers=box.auth).json()["id"]
    box.client.post(f"/libraries/{lid}/cancel", headers=box.auth)
    hold.set()
    assert _wait_done(box, lid)["state"] == "cancelled"
    r = box.client.post(f"/libraries/{lid}/retag", headers=box.auth)
    assert r.status_code == 202, r.text
    hold.set()
    assert _wait_done(box, lid)["state"] == "done"


def test_retag_still_refuses_a_library_whose_tagging_runs(tmp_path: Path) -> None:
    hold = threading.Event()
    box = make_box(tmp_path, tagger=RecordingTagger(hold))
    _push_tagger(box, tmp_path, "1.0.0")
    lid = box.client.post("/libraries", content=_library_zip(2), headers=box.auth).json()["id"]
    started = time.monotonic()
    r = box.client.post(f"/libraries/{lid}/retag", headers=box.auth)
    assert r.status_code == 409 and "being tagged already" in r.json()["message"], r.text
    assert time.monotonic() - started < 2.0          # a running tagging is not waited for
    hold.set()
    assert _wait_done(box, lid)["state"] == "done"

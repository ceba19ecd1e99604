"""A library whose tagging ended is shown ended (``GET /libraries/{id}``) only once its record on disk says so:
the API said ``done`` while ``library.json`` still said ``tagging`` for as long as writing it took (a restart in
that moment showed the library interrupted, and a test reading the record right after ``done`` failed under load)."""
from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from tests.api.conftest import make_box
from tests.api.test_libraries import RecordingTagger, _library_zip
from tests.api.test_retag_p20 import _push_tagger


def test_done_is_shown_only_after_the_record_says_done(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    box = make_box(tmp_path, tagger=RecordingTagger())
    _push_tagger(box, tmp_path, "1.0.0")
    libs = box.app.state.box.libraries
    real_save = libs._save

    def slow_save(info: dict[str, Any], folder: Path | None = None) -> None:
        if info.get("state") != "tagging":
            time.sleep(0.4)                       # a slow SD card, a loaded machine
        real_save(info, folder)
    monkeypatch.setattr(libs, "_save", slow_save)
    lid = box.client.post("/libraries", content=_library_zip(3), headers=box.auth).json()["id"]
    end, seen = time.monotonic() + 10, []
    while time.monotonic() < end:
        state = box.client.get(f"/libraries/{lid}", headers=box.auth).json()["state"]
        if state != "tagging":
            on_disk = json.loads((box.store_dir / "libraries" / lid / "library.json").read_bytes())["state"]
            seen.append((state, on_disk))
            break
        time.sleep(0.01)
    assert seen == [("done", "done")]

"""p51 T5: a stop's words are true: `box-library ID --cancel` says the tagging stops after the file it is on (and
how far it was), and a box that stops while it tags says once, in the log, that it stopped as the box stops (not
"tagging cancelled" first, read as the library cancelled)."""
from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any, Callable

import pytest

from device.api.libraries import Libraries, default_tagger
from hatbox.tagging_end_words import stop_words
from tests.api.conftest import wav_bytes, zip_bytes
from tests.api.packs import tagger_pack


def test_cancel_says_after_the_file_it_is_on_and_how_far() -> None:
    said = stop_words({"id": "lib-a", "progress": {"done": 90, "total": 497}, "tagger": "tagger-x"})
    assert "stops after the file it is on (it was at 90 of 497)" in said and "batch" not in said
    again = stop_words({"id": "lib-a", "progress": {"done": 3, "total": 9}, "tagger": "tagger-new",
                        "tags_from": "tagger-old"})
    assert "re-tagging with tagger-new stops after the file it is on" in again
    assert "every file keeps its tags from tagger-old" in again and "batch" not in again


class Held:
    """device.library for real, held after its second file until the box's stop sets ``cancel``."""

    def __init__(self) -> None:
        self.there = threading.Event()

    def __call__(self, root: Path, pack: Path, db: Path, progress: Callable[[int, int], None],
                 cancel: threading.Event) -> Any:
        def hold(done: int, total: int) -> None:
            progress(done, total)
            if done == 2:
                self.there.set()
                cancel.wait(10)
        return default_tagger(root, pack, db, hold, cancel)


def test_a_box_stop_says_its_tagging_stopped_once(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, "hatbox.api")
    tagger = Held()
    libs = Libraries(tmp_path / "libs", tagger)
    arc = tmp_path / "lib.zip"
    arc.write_bytes(zip_bytes({f"kit/s{i}.wav": wav_bytes(2400 + 480 * i) for i in range(5)}))
    lid = libs.ingest(arc, "kit", tagger_pack(tmp_path / "t.hatpack"), "tagger-x")["id"]
    assert tagger.there.wait(10)
    assert libs.shutdown(10)
    said = [r.getMessage() for r in caplog.records if lid in r.getMessage()]
    assert any("tagging stopped as the box stops" in m for m in said), said
    assert not any("tagging cancelled" in m for m in said), said

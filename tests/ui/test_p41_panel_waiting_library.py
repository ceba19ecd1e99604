"""Forty-first stop (panel QA): a library sent while no tagger was active, or being tagged, showed on the Library page
as "no tagged library on the box - send a folder of samples...", while sending it again was refused as already on
the box.  The page now says it waits for a tagger (or how far its tagging is), and counts the files none could read."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any


from device.ui.data import MemoryData, Sample, Shelved, StoreData
from hatbox.text import NO_TAGGER


def _record(store: Path, lid: str, **info: Any) -> None:
    """A library as the API keeps it (STORE/libraries/ID/library.json), files not needed."""
    folder = store / "libraries" / lid
    (folder / "files").mkdir(parents=True)
    base = {"id": lid, "name": "lib1", "accepted": 9, "rejected": 2, "not_audio": 0, "skipped": 0, "files": [],
            "progress": {"done": 0, "total": 9}, "results": None, "error": None, "uploaded": 1.0}
    (folder / "library.json").write_text(json.dumps({**base, **info}))


def _page_words(data: Any, size: tuple[int, int] = (800, 480)) -> tuple[tuple[str, ...], tuple[str, ...], Any]:
    """(the Library page's middle line's wordings, the line under it, the panel) for ``data``."""
    from device.ui.pages.library_words import empty_hint, empty_words
    from device.ui.panel import Panel
    from device.ui.shots import RecordingControl
    panel = Panel(RecordingControl(), data, size)
    panel.show_title("Library")
    lines, _ = empty_words(panel.page)
    return lines, empty_hint(panel.page, lines), panel


def test_a_library_waiting_for_a_tagger_says_so(tmp_path, pg):
    store = tmp_path / "box"
    _record(store, "lib-lib1-000001", state="untagged", error=NO_TAGGER)
    data = StoreData(store)
    assert data.shelf() == [Shelved("lib1", "waiting", 9, 0, 2, NO_TAGGER)]
    lines, hint, _ = _page_words(data)
    assert lines[0] == "lib1 (9 files) is waiting for a tagger: activate one on Models"
    assert hint == ("lib1: 2 files could not be read", "lib1: 2 unreadable", "2 unreadable")   # p46: names it


def test_a_library_being_tagged_says_how_far(tmp_path, pg):
    store = tmp_path / "box"
    _record(store, "lib-lib1-000001", state="tagging", tagger="t", progress={"done": 3, "total": 9})
    lines, _, panel = _page_words(StoreData(store))
    assert "tagging 3 of 9" in lines
    assert lines[0] == "lib1: tagging 3 of 9 files..."
    from device.ui.shots import headless_surface
    panel.draw(headless_surface((800, 480)))              # drawn whole, words fitted


def test_the_apis_listing_gives_the_progress_in_memory(tmp_path):
    store = tmp_path / "box"
    _record(store, "lib-lib1-000001", state="tagging")
    data = StoreData(store)
    data.listing = lambda: [{"id": "lib-lib1-000001", "name": "lib1", "state": "tagging", "accepted": 9,
                             "rejected": 0, "progress": {"done": 5, "total": 9}}]
    assert data.shelf()[0].done == 5 and data.shelf()[0].state == "tagging"


def test_with_tags_listed_the_status_line_tells_of_the_library_waiting(pg):
    from device.ui.pages.library_words import status_words
    data = MemoryData(library={"kick": [Sample("/l/k.wav", 0.9)]},
                      shelved=[Shelved("lib2", "waiting", 4, 0, 1, NO_TAGGER)])
    _, _, panel = _page_words(data)
    words, _ = status_words(panel.page)
    assert words[0] == "sample 1 of 1 - lib2 (4 files) is waiting for a tagger: activate one on Models"
    assert words[-1] == "1 of 1"


def test_none_at_all_still_says_how_to_send_one(tmp_path, pg):
    from device.ui.pages.library_words import NO_LIBRARY, NO_LIBRARY_HINTS
    lines, hint, _ = _page_words(StoreData(tmp_path / "box"))
    assert lines is NO_LIBRARY and hint == NO_LIBRARY_HINTS


def test_a_damaged_record_or_odd_figures_do_not_stop_the_page(tmp_path, pg):
    store = tmp_path / "box"
    _record(store, "lib-a-000001", state="tagging", accepted="nine", progress=None, rejected=True)
    (store / "libraries" / "lib-b-000002").mkdir(parents=True)
    (store / "libraries" / "lib-b-000002" / "library.json").write_text("{not json")
    assert StoreData(store).shelf() == [Shelved("lib1", "tagging", 0, 0, 0, "")]
    lines, _, _ = _page_words(StoreData(store))
    assert "tagging 0 of 0" in lines

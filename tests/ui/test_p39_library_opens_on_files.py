"""Thirty-ninth stop's panel QA: the Library page opened on "cymbal 0" (the first tag alphabetically, no file yet),
and with a 120-tag tagger 121 of its 126 rows were empty: the first encoder spent most detents on them."""
from __future__ import annotations

from typing import Any

from device.ui.data import MemoryData, Sample
from device.ui.demo import demo_status
from device.ui.shots import scripted_panel


def test_the_tags_that_hold_files_come_first_and_the_page_opens_on_one(pg: Any) -> None:
    empty = {f"tag{i:03d}": [] for i in range(120)}
    data = MemoryData(library={"cymbal": [], **empty, "kick": [Sample("kit/k.wav", 0.9)],
                               "snare": [Sample("kit/s.wav", 0.8), Sample("kit/s2.wav", 0.7)]})
    panel = scripted_panel(data, demo_status(), (800, 480))
    panel.show_title("Library")
    page = panel.page
    assert page.tags[:2] == ["kick", "snare"] and page.tags[page.tag] == "kick"
    assert [s.path for s in page.samples] == ["kit/k.wav"]
    assert set(page.tags[2:]) == {"cymbal", *empty}             # kept for a retag to offer, after them

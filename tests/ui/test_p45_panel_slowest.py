"""The Settings page's load figures say what they are: the slowest block of the engine's window (``load_max``), not
its 99.9th percentile labelled "worst" (the forty-fifth stop's soak: "worst 24%" beside a block that took 140 %)."""
from __future__ import annotations

from typing import Any

from device.ui import draw as D
from device.ui.demo import demo_data, demo_status
from tests.ui.conftest import drawn, find_text, panel_on


def test_the_row_and_the_meter_show_the_slowest_block_not_the_percentile(pg: Any) -> None:
    status = {**demo_status(), "load_mean": 0.12, "load_p999": 0.24, "load_max": 1.4}
    panel = panel_on("Settings", demo_data(), status)
    assert panel.page.load_words() == "12% average, 140% slowest"
    assert find_text(drawn(pg, panel), "slowest 140%", 22, D.TEXT)


def test_a_box_without_load_max_shows_its_percentile_as_before(pg: Any) -> None:
    status = {k: v for k, v in {**demo_status(), "load_mean": 0.12, "load_p999": 0.3}.items() if k != "load_max"}
    panel = panel_on("Settings", demo_data(), status)
    assert panel.page.load_words() == "12% average, 30% slowest"

"""p45 soak QA: `hatbox status` said "audio load 12% (worst 30%)" where 30 % was the engine's 99.9th percentile,
while its status held a block that took 120 % of its time (``load_max``), and "worst 24%" beside 193 xruns.  The
words now say what each figure is, and over what time the engine keeps them (its last 16384 blocks)."""
from __future__ import annotations

from typing import Any

import pytest

from device.audio.engine import EngineConfig
from device.audio.engine_status import LoadMeter
from hatbox.status_line import LOAD_WINDOW_BLOCKS, load_words, status_words
from hatbox.status_report import print_status

SOAK = {"load_mean": 0.117, "load_p999": 0.303, "load_max": 1.201, "xruns": 0, "blocks": 12202, "block": 128,
        "rate": 48000, "peak_db": -12.0, "fault_count": 0, "active": {}}       # the soak's /status (r_worst.out)


def test_the_headless_line_says_the_percentile_and_the_slowest_block() -> None:
    line = status_words(SOAK)
    assert line.startswith("audio load 11.7% over the last 32 s (99.9% of blocks under 30.3%, slowest 120.1%) | "
                           "xruns (dropouts) 0 in 32 s | ")
    assert "worst" not in line


def test_hatbox_status_says_them_too(capsys: pytest.CaptureFixture[str]) -> None:
    print_status({"engine": SOAK})
    line = next(t for t in capsys.readouterr().out.splitlines() if "audio load" in t)
    assert line == ("  audio load 12% over the last 32 s (99.9% of blocks under 30%, slowest 120%), "
                    "xruns (dropouts) 0 in 32 s")


def test_after_hours_the_load_covers_the_engines_window_not_the_run() -> None:
    days = {**SOAK, "blocks": 2812500, "xruns": 193}                 # 2 h 05 min played
    assert "audio load 11.7% over the last 43 s (" in status_words(days)
    assert "xruns (dropouts) 193 in 2 h 05 min" in status_words(days)


def test_the_window_said_is_the_engines() -> None:
    assert LOAD_WINDOW_BLOCKS == EngineConfig().stats_blocks
    meter = LoadMeter(4)                                 # a slow block 5 blocks ago has left a 4-block window
    for load in (1.5, 0.1, 0.2, 0.1, 0.1):
        meter.add(load)
    assert meter.summary()["load_max"] == pytest.approx(0.2)


@pytest.mark.parametrize("engine, said", [
    ({"load_mean": 0.1, "load_p999": 0.278}, "10% (99.9% of blocks under 28%)"),     # a box before load_max
    ({"load_mean": 0.1}, "10%"),
    ({}, "?"),
    ({"load_mean": "x", "load_p999": None, "load_max": True, "blocks": 1.5, "block": 128, "rate": 48000}, "?"),
])
def test_a_status_lacking_figures_says_what_it_has(engine: dict[str, Any], said: str) -> None:
    assert load_words(engine) == said

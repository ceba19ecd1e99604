"""p56 final read FR2 item 1 (device/log_stamps.py): changes.log's and switches.log's stamps are written in local
time.  Held in epoch ms, they never went back when summer time ended, but the written stamps went back an hour,
and ``hatbox box-logs --changes`` (merged by those stamps) hid a pairing said in that hour behind older switches.
The stamps are now held on the local wall clock, so the hour's set-back is held like fake-hwclock's."""
from __future__ import annotations

import calendar
import os
import time
from pathlib import Path
from typing import Iterator

import pytest

from device.logs import CHANGES_FILE, SWITCHES_FILE, box_logging, tail
from tests.midi.test_p56_M2_clock_back import _say, _stamps, _words

BERLIN = "CET-1CEST,M3.5.0,M10.5.0/3"                 # Europe/Berlin's rule: summer time ends at 03:00 -> 02:00
SUMMER_0230 = calendar.timegm((2024, 10, 27, 0, 30, 0))  # 2024-10-27 02:30 CEST, the last summer-time hour
PAIRED = "paired 'stranger-laptop' (token 9f01)"


@pytest.fixture
def berlin() -> Iterator[None]:
    """The box's clock in a zone with summer time (time.tzset), put back as it was after the test."""
    was = os.environ.get("TZ")
    os.environ["TZ"] = BERLIN
    time.tzset()
    try:
        yield
    finally:
        if was is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = was
        time.tzset()


def test_the_hour_summer_time_gives_back_is_held(tmp_path: Path, berlin: None) -> None:
    store = tmp_path / "box"
    assert time.localtime(SUMMER_0230 + 40 * 60).tm_hour == 2 and time.localtime(SUMMER_0230).tm_isdst == 1
    with box_logging(store, terminal=False):
        _say("MIDI program 1: fuzz switched in", SUMMER_0230, switch=True)             # 02:30 CEST
        _say("MIDI program 2: drive switched in", SUMMER_0230 + 20 * 60, switch=True)  # 02:50 CEST
        _say(PAIRED, SUMMER_0230 + 40 * 60)                                             # 02:10 CET, said last
    assert _words(tail(store, 2, CHANGES_FILE)) == ["MIDI program 2: drive switched in", PAIRED]
    assert _stamps(store, SWITCHES_FILE) == ["2024-10-27 02:30:00,000", "2024-10-27 02:50:00,000"]
    assert _stamps(store, CHANGES_FILE) == ["2024-10-27 02:50:00,001"]     # held, never before the switches


def test_the_hour_is_held_across_a_restart_and_the_stamps_then_catch_up(tmp_path: Path, berlin: None) -> None:
    store = tmp_path / "box"
    with box_logging(store, terminal=False):
        _say("MIDI program 1: fuzz switched in", SUMMER_0230 + 20 * 60, switch=True)  # 02:50 CEST
    with box_logging(store, terminal=False):
        _say(PAIRED, SUMMER_0230 + 40 * 60)                                             # 02:10 CET
        _say("MIDI program 2: drive switched in", SUMMER_0230 + 130 * 60, switch=True)  # 03:40 CET: caught up
    assert _words(tail(store, 3, CHANGES_FILE)) == ["MIDI program 1: fuzz switched in", PAIRED,
                                                    "MIDI program 2: drive switched in"]
    assert _stamps(store, CHANGES_FILE) == ["2024-10-27 02:50:00,001"]
    assert _stamps(store, SWITCHES_FILE) == ["2024-10-27 02:50:00,000", "2024-10-27 03:40:00,000"]

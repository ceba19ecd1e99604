"""One clock formatter (device.clock.clock_words) for the knob file's note and the laptop's "when it was made
active" (forty-eighth stop: hatbox.status_report.carried_when had its own copy without the unset-clock rule)."""
from __future__ import annotations

import time

from device.clock import MADE, UNSET_BEFORE, clock_words
from hatbox.status_report import carried_when


def _status(ago: float) -> dict:
    return {"active": {"effect": "p1"}, "packs": [{"id": "p1", "activated_ago_s": ago}]}


def test_an_unset_clock_gives_no_time_in_either_place() -> None:
    unset_now = 86400.0 * 3            # a laptop or box whose clock reads 1970
    assert clock_words(unset_now - 60.0, unset_now) == ""
    assert carried_when(_status(60.0), "effect", now=unset_now) == ""


def test_the_same_words_as_the_knob_note_on_a_set_clock() -> None:
    now = MADE + 86400.0 * 30 + 3600.0
    at = now - 180.0
    assert clock_words(at, now) == time.strftime("%H:%M", time.localtime(at))
    assert carried_when(_status(180.0), "effect", now=now) == f" (at {clock_words(at, now)}, when it was made active)"
    assert clock_words(now - 86400.0 * 2, now).startswith(time.strftime("%Y-", time.localtime(now - 86400.0 * 2)))


def test_a_pack_made_active_before_this_code_was_written_still_gets_its_date() -> None:
    now = MADE + 3600.0
    ago = 86400.0 * 3                  # before MADE: an older hatbox made it active; the laptop's clock is right
    assert clock_words(now - ago, now) == ""                           # the box's own files: an unset clock
    when = carried_when(_status(ago), "effect", now=now)
    assert when == f" (at {clock_words(now - ago, now, floor=UNSET_BEFORE)}, when it was made active)"
    assert when.startswith(" (at 2026-12-0")

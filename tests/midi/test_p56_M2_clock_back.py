"""p56 review R2 item 2: `box-logs --changes` merges changes.log and switches.log by their lines' wall-clock stamps;
a clock that goes back (the end of summer time, fake-hwclock's hour-old time after a power cut) stamped a pairing
written after some switches earlier than them, and the merged tail hid it.  The two files' stamps now never go back
(each line at least a millisecond after the last either file wrote, kept across a restart), so the newest line of
either is the last one shown."""
from __future__ import annotations

import logging
import time
from pathlib import Path

from device.logs import AS_SWITCH, CHANGES_FILE, SWITCHES_FILE, box_logging, log_files, tail

START = time.mktime((2026, 3, 10, 0, 30, 0, 0, 0, -1))      # a box's local time, as its clock says it
PAIRED = "paired 'stranger-laptop' (token 9f01)"
INSTALLED = "pack effect-fuzz-2.0.0-ab12 installed by 'studio-mac'"


def _say(text: str, at: float, switch: bool = False) -> None:
    """A line logged as if the clock read ``at`` (epoch s) when it was said."""
    extra = AS_SWITCH if switch else {}
    name = "hatbox.midi" if switch else "hatbox.api"
    record = logging.makeLogRecord({"name": name, "levelno": logging.INFO, "levelname": "INFO", "msg": text,
                                    "created": at, "msecs": (at % 1) * 1000, **extra})
    logging.getLogger(name).handle(record)


def _words(lines: list[str]) -> list[str]:
    return [line.split(": ", 1)[1] for line in lines]


def _stamps(store: Path, name: str) -> list[str]:
    return [line[:23] for line in (store / "logs" / name).read_text().splitlines()]


def test_a_pairing_after_the_clock_went_back_is_the_newest_line_shown(tmp_path: Path) -> None:
    store = tmp_path / "box"
    with box_logging(store, terminal=False):
        _say(INSTALLED, START + 30 * 60)
        _say("MIDI program 1: fuzz switched in", START + 40 * 60, switch=True)
        _say("MIDI program 2: drive switched in", START + 50 * 60, switch=True)
        _say(PAIRED, START + 10 * 60)                   # the clock went back 40 minutes
    assert _words(tail(store, 2, CHANGES_FILE)) == ["MIDI program 2: drive switched in", PAIRED]
    assert _words(tail(store, 10, CHANGES_FILE)) == [INSTALLED, "MIDI program 1: fuzz switched in",
                                                     "MIDI program 2: drive switched in", PAIRED]
    for name in (CHANGES_FILE, SWITCHES_FILE):
        assert _stamps(store, name) == sorted(_stamps(store, name))


def test_the_stamps_stay_ahead_across_a_restart_with_an_older_clock(tmp_path: Path) -> None:
    """fake-hwclock: the box unplugged, started again with the time it saved up to an hour before."""
    store = tmp_path / "box"
    with box_logging(store, terminal=False):
        _say("MIDI program 1: fuzz switched in", START + 50 * 60, switch=True)
    with box_logging(store, terminal=False):
        _say(PAIRED, START)
        _say("MIDI program 2: drive switched in", START + 1, switch=True)
        _say(INSTALLED, START + 2)
    assert _words(tail(store, 3, CHANGES_FILE)) == [PAIRED, "MIDI program 2: drive switched in", INSTALLED]
    stamps = sorted(_stamps(store, CHANGES_FILE) + _stamps(store, SWITCHES_FILE))
    assert len(set(stamps)) == 4 and stamps[0].endswith("01:20:00,000")      # each its own, none before the first


def test_the_stamps_are_the_clocks_while_it_goes_forward(tmp_path: Path) -> None:
    store = tmp_path / "box"
    with box_logging(store, terminal=False):
        _say(INSTALLED, START + 0.25)
        _say("MIDI program 1: fuzz switched in", START + 60.5, switch=True)
    assert _stamps(store, CHANGES_FILE) == ["2026-03-10 00:30:00,250"]
    assert _stamps(store, SWITCHES_FILE) == ["2026-03-10 00:31:00,500"]
    assert [p.name for p in log_files(store, CHANGES_FILE)] == [CHANGES_FILE]


def test_a_clock_that_was_years_ahead_and_put_right_is_followed(tmp_path: Path) -> None:
    """A stamp written while the clock was wrong (a year ahead) does not hold every later stamp at it: a clock set
    back further than logs.STAMP_HOLD_MS is followed (the lead's mend of p56 M2)."""
    store = tmp_path / "box"
    with box_logging(store, terminal=False):
        _say("MIDI program 1: fuzz switched in", START + 365 * 86400, switch=True)
    with box_logging(store, terminal=False):
        _say(PAIRED, START)
        _say(INSTALLED, START + 60)
    assert _stamps(store, CHANGES_FILE) == ["2026-03-10 00:30:00,000", "2026-03-10 00:31:00,000"]

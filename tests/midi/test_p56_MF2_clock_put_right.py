"""p56 final read FR2 item 2 (device/log_stamps.py): a clock set back by more than logs.STAMP_HOLD_MS (a wrong
time put right) is followed by the stamps; the merge of changes.log and switches.log kept keying the lines after it
at the wrong, higher time, so a pairing said after it was listed before older switches and cut from the tail.  The
merge now reads the files back by the stamps' own rule (device.log_stamps.stamp_after), and a restart follows the
line said last, not the highest stamp."""
from __future__ import annotations

import calendar
import time
from pathlib import Path

from device.logs import CHANGES_FILE, STAMP_HOLD_MS, SWITCHES_FILE, box_logging, tail
from tests.midi.test_p56_M2_clock_back import _say, _stamps, _words

PAIRED = "paired 'stranger-laptop' (token 9f01)"


START = calendar.timegm((2026, 3, 10, 0, 30, 0))


def test_the_lines_after_a_wrong_time_put_right_are_the_newest_shown(tmp_path: Path) -> None:
    """A switch stamped while the clock was a year ahead, then the clock put right: switches 2 and 3 and a pairing
    between them are read back in the order they were said, the pairing in the last lines."""
    store = tmp_path / "box"
    with box_logging(store, terminal=False):
        _say("MIDI program 1: fuzz switched in", START + 365 * 86400, switch=True)
    with box_logging(store, terminal=False):
        _say("MIDI program 2: drive switched in", START, switch=True)
        _say(PAIRED, START + 60)
        _say("MIDI program 3: clean switched in", START + 120, switch=True)
    said = ["MIDI program 1: fuzz switched in", "MIDI program 2: drive switched in", PAIRED,
            "MIDI program 3: clean switched in"]
    assert _words(tail(store, 10, CHANGES_FILE)) == said
    assert _words(tail(store, 2, CHANGES_FILE)) == said[-2:]


def test_a_restart_after_a_wrong_time_put_right_stamps_from_the_last_line_said(tmp_path: Path) -> None:
    """The clock was 3 h ahead, then put right; started again 70 minutes later the box stamps with its clock, not
    held at the wrong time (the newest line said, not the highest stamp, is what the stamps follow)."""
    store = tmp_path / "box"
    ahead = START + 3 * 3600
    assert 3 * 3600 * 1000 - 70 * 60 * 1000 < STAMP_HOLD_MS < 3 * 3600 * 1000
    with box_logging(store, terminal=False):
        _say("MIDI program 1: fuzz switched in", ahead, switch=True)
        _say("MIDI program 2: drive switched in", START, switch=True)        # put right: followed
        _say(PAIRED, START + 60)
    with box_logging(store, terminal=False):
        _say("MIDI program 3: clean switched in", START + 70 * 60, switch=True)
    written = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(START + 70 * 60))
    assert _stamps(store, SWITCHES_FILE)[-1] == f"{written},000"
    assert _words(tail(store, 2, CHANGES_FILE)) == [PAIRED, "MIDI program 3: clean switched in"]

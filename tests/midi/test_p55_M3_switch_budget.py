"""p55 review R2 finding 1: program switches were change lines with no limit, so anyone on the network (OSC has no
sign-in) switching programs 20 times a second rolled changes.log's pairings and installs away in minutes.  Now each
source gets CHANGE_LINES switch lines a minute (device.logs.LineBudget, OSC's rule); past it the switches are
counted, and the count is written with the next line allowed (or at the switcher's stop)."""
from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

import device.logs
from device.logs import CHANGE_LINES, CHANGE_WINDOW_S, CHANGES_FILE, box_logging, tail
from device.switch_lines import SwitchLines
from tests.midi.p44_box import program_box, two_programs

FLOOD = 60                  # switches, as fast as the box takes them (the review's flood2.py ran 3,479 in 170 s)


def _switch_lines(text: str) -> list[str]:
    return [ln.split("hatbox.midi: ", 1)[1] for ln in text.splitlines() if "hatbox.midi: MIDI program" in ln]


def test_a_flood_of_program_switches_keeps_the_pairing_in_changes_log(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The review's flood shortened: changes.log made small enough (4,000 B) that 60 unlimited switch lines
    (~200 B each) rolled it twice and changes.log.1 once; within the budget it keeps the pairing and the install."""
    monkeypatch.setattr(device.logs, "CHANGES_MAX_BYTES", 4_000)
    store = tmp_path / "box"
    with box_logging(store, terminal=False):
        box = program_box(store, monkeypatch)
        try:
            two_programs(box, tmp_path / "packs")
            for n in range(FLOOD):
                box.program((n + 1) % 2)
                assert box.switcher.wait(10)
            assert box.switcher.switches == FLOOD
            during = "\n".join(tail(store, 5000, CHANGES_FILE))     # changes.log with switches.log (p56)
            box.switcher.stop()
        finally:
            box.stop()
    kept = "\n".join(tail(store, 5000, CHANGES_FILE))
    assert "paired 'test'" in kept and "by 'test'" in kept
    assert len(_switch_lines(during)) == CHANGE_LINES
    counted = re.findall(r"MIDI program switches: (\d+) switches not written one by one \(from MIDI, over \d+ s",
                         kept)
    assert counted == [str(FLOOD - CHANGE_LINES)], kept[-600:]
    assert f"the last: program {FLOOD % 2}: effect pack " in kept


def _lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "hatbox.midi"]


def test_a_set_list_is_written_at_once_and_a_flood_once_its_minute_allows(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="hatbox.midi")
    now = [0.0]
    lines = SwitchLines(clock=lambda: now[0])
    for n in range(20):                               # a set list: a switch every 30 s, each written at once
        assert lines.said(f"program {n % 3}: switched in", "MIDI")
        now[0] += 30.0
    assert len(_lines(caplog)) == 20 and not any("not written" in line for line in _lines(caplog))
    caplog.clear()
    for n in range(100):                              # OSC from four addresses, 10 a second: one budget
        lines.said(f"program {n % 2}: switched in; sent by OSC 192.0.2.{n % 5}", f"OSC 192.0.2.{n % 5}")
        now[0] += 0.1
    assert lines.said("program 7: switched in", "MIDI")      # MIDI's own budget is untouched
    assert len(_lines(caplog)) == CHANGE_LINES + 1
    now[0] += CHANGE_WINDOW_S
    assert lines.said("program 1: switched in; sent by OSC 192.0.2.9", "OSC 192.0.2.9")
    last = _lines(caplog)[-1]
    assert last.startswith("MIDI program 1: switched in; sent by OSC 192.0.2.9 (before it, 94 switches not written "
                           "one by one (from OSC 192.0.2.1, OSC 192.0.2.2, OSC 192.0.2.3, OSC 192.0.2.4 and 1 more, "
                           "over 69 s"), last
    assert lines.flush() == 0                         # nothing held now: the count went with the line


def test_a_held_count_is_written_at_the_stop_with_the_last_switch(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="hatbox.midi")
    lines = SwitchLines(clock=lambda: 5.0)
    said = [lines.said(f"program {n % 2}: switched in; sent by 'studio-mac'", "'studio-mac'") for n in range(9)]
    assert said == [True] * CHANGE_LINES + [False] * (9 - CHANGE_LINES)
    assert lines.flush() == 1
    assert _lines(caplog)[-1] == ("MIDI program switches: 3 switches not written one by one (from 'studio-mac', over "
                                  "0 s: at most 6 switch lines a minute from each source); the last: program 0: "
                                  "switched in; sent by 'studio-mac'")
    assert all(getattr(r, device.logs.CHANGE, False) for r in caplog.records if r.name == "hatbox.midi")

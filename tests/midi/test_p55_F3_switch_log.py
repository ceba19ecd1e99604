"""p55 QA_B finding 1 (and 3's MIDI half): box.log lost set-list switches.  A line said again within a minute is
counted (device/logs.py Repeats) and its count written only by a timer or at the log's close, which a power cut never
reaches; two packs toggled from a foot controller write the same words every other switch.  Now a switch of what
plays is a change (device.logs.CHANGE): written when it happens, every time, and in changes.log too (hatbox box-logs
--changes), while a flood of one line is still counted."""
from __future__ import annotations

import logging
from pathlib import Path

import pytest

from device.logs import CHANGES_FILE, box_logging, log_path, tail
from tests.midi.p44_box import program_box, two_programs


def _switched(text: str) -> list[str]:
    return [ln.split("hatbox.midi: ", 1)[1] for ln in text.splitlines() if "switched in" in ln]


def test_four_switches_between_two_packs_within_a_minute_are_four_lines_at_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = tmp_path / "box"
    box = program_box(store, monkeypatch)
    try:
        with box_logging(store, terminal=False):
            a, b = two_programs(box, tmp_path / "packs")
            for program in (1, 0, 1, 0):
                box.program(program)
                assert box.switcher.wait(10)
            assert box.active() == a
            # read before the log closes: no timer, no close (a power cut reaches neither)
            said = _switched(log_path(store).read_text())
            changes = _switched("\n".join(tail(store, 200, CHANGES_FILE)))      # changes.log with switches.log (p56)
            for _ in range(5):                       # a flood of one warning is still one line and a count
                logging.getLogger("hatbox.midi").warning("a repeated warning")
            flood = log_path(store).read_text().count("a repeated warning")
    finally:
        box.stop()
    to_b, to_a = (f"MIDI program 1: effect pack beta 1.0.0 ({b}) switched in (was {a})",
                  f"MIDI program 0: effect pack alpha 1.0.0 ({a}) switched in (was {b})")
    assert said == [to_b, to_a, to_b, to_a]
    assert changes == said
    assert flood == 1

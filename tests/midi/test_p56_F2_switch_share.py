"""p56 F2 item 1: a program-change flood that never stops still wrote CHANGE_LINES switch lines a minute (the p55
budget), and changes.log (256 kB, one older file) lost its pairing line after some 4 hours.  Now the switches have
a share of their own (switches.log, device.logs.AS_SWITCH): hours of flood leave changes.log's pairing and install
lines where they are, and changes.log's tail still shows the switches among them, in time order."""
from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

from device.logs import CHANGES_FILE, SWITCHES_FILE, box_logging, changes_path, log_files, tail
from device.switch_lines import SwitchLines
from tests.midi.p44_box import program_box, two_programs

HOURS = 8                   # of fake time: the flood the report saw rolled the pairing out after ~4
EVERY_S = 2.0               # a switch every 2 s: well past the budget (6 a minute), the flood's own pace no matter
PAIRED = "paired 'studio-mac' (token ab12)"
INSTALLED = "pack effect-fuzz-2.0.0-ab12 installed by 'studio-mac'"


def _flood(lines: SwitchLines, now: list[float], seconds: float) -> None:
    """Program changes from one controller every :data:`EVERY_S` for ``seconds`` of the fake clock."""
    for n in range(int(seconds / EVERY_S)):
        lines.said(f"program {n % 2}: effect pack fuzz 2.0.0 (effect-fuzz-2.0.0-ab12) switched in "
                   f"(was effect-drive-1.0.0-cd34); from port 'nanoKONTROL2 MIDI 1'", "MIDI")
        now[0] += EVERY_S


def test_hours_of_program_change_flood_keep_the_pairing_and_install_in_changes_log(tmp_path: Path) -> None:
    store, now = tmp_path / "box", [0.0]
    lines = SwitchLines(clock=lambda: now[0])
    with box_logging(store, terminal=False):
        logging.getLogger("hatbox.api").info(PAIRED)
        logging.getLogger("hatbox.api").info(INSTALLED)
        _flood(lines, now, HOURS * 3600.0)
        lines.flush()
    kept = "".join(p.read_text() for p in log_files(store, CHANGES_FILE))
    assert PAIRED in kept and INSTALLED in kept
    shown = tail(store, 5000, CHANGES_FILE)             # what `hatbox box-logs --changes --lines 5000` shows
    assert PAIRED in shown[0] and INSTALLED in shown[1], shown[:3]
    assert "MIDI program switches: " in shown[-1] and "switches not written one by one" in shown[-1]
    switched = [line for line in shown if "hatbox.midi: MIDI program" in line]
    assert len(switched) == len(shown) - 2 > 1000         # the latest hours' switches, as switches.log keeps them
    assert [p.name for p in log_files(store, SWITCHES_FILE)] == ["switches.log", "switches.log.1"]    # rolled


def test_changes_tail_puts_the_switches_among_the_changes_by_time(tmp_path: Path) -> None:
    store, now = tmp_path / "box", [0.0]
    lines = SwitchLines(clock=lambda: now[0])
    with box_logging(store, terminal=False):
        for say in (lambda: logging.getLogger("hatbox.api").info(PAIRED),
                    lambda: lines.said("program 1: fuzz switched in", "MIDI"),
                    lambda: logging.getLogger("hatbox.api").info(INSTALLED),
                    lambda: lines.said("program 2: drive switched in", "MIDI")):
            say()
            time.sleep(0.002)           # the lines' times are to the millisecond: one apart (a tie: changes.log first)
    shown = [line.split(": ", 1)[1] for line in tail(store, 10, CHANGES_FILE)]
    assert shown == [PAIRED, "MIDI program 1: fuzz switched in", INSTALLED, "MIDI program 2: drive switched in"]
    assert "switched in" not in changes_path(store).read_text()          # the switches' share is their own file
    assert [line.split(": ", 1)[1] for line in tail(store, 2, CHANGES_FILE)] == shown[2:]


def test_a_switch_fired_from_the_laptop_is_one_line_in_switches_log_alone(tmp_path: Path, monkeypatch: Any) -> None:
    """p56 review R2 item 1: ``POST /midi/programs/{n}/fire`` also wrote its switch to changes.log (no budget), so
    `box-logs --changes` showed each fire twice and a laptop script rolled the pairing out of changes.log."""
    store = tmp_path / "box"
    box = program_box(store, monkeypatch)
    try:
        with box_logging(store, terminal=False):
            two_programs(box, tmp_path / "packs")
            for program in (1, 0, 1):
                r = box.client.post(f"/midi/programs/{program}/fire", headers=box.auth)
                assert r.is_success and r.json()["switched"], r.text
    finally:
        box.stop()
    assert "switched in" not in changes_path(store).read_text()
    switched = [line for line in tail(store, 50, CHANGES_FILE) if "switched in" in line]
    assert len(switched) == 3 and all("; sent by 'test'" in line for line in switched), switched

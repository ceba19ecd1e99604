"""p47 soak QA: a fader sent to a knob the active pack lacks, 20 times a second, wrote 30 lines a minute to the box's
log.  Now one reason is said once, then counted; a new reason is said at once."""
from __future__ import annotations

import logging

import pytest

from device.midi import KnobRanges
from device.osc import DropLog, OscMap


def _lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "hatbox.osc"]


def _knobless_map(now: list[float]) -> OscMap:
    ranges = KnobRanges()
    ranges.packs["effect"] = "soakdrive"           # a knob-less pack plays in the effect slot
    return OscMap(knobs=ranges, drops=DropLog(clock=lambda: now[0]))


def test_a_fader_to_a_missing_knob_20_times_a_second_for_a_minute_gives_one_line(caplog) -> None:
    caplog.set_level(logging.WARNING, logger="hatbox.osc")
    now = [0.0]
    m = _knobless_map(now)
    for i in range(1200):                          # 20 a second for 60 s
        now[0] = i * 0.05
        assert m.translate("/hatbox/fader/effect/drive", [(i % 80) / 80]) == []
    lines = _lines(caplog)
    assert len(lines) == 1, lines
    assert "no knob 'drive' in slot 'effect'" in lines[0] and "pack 'soakdrive' has no knobs" in lines[0]
    assert m.drops.flush() == 1                    # the server's stop says the count
    assert "1,199 like it in the last 60 s" in _lines(caplog)[-1]


def test_the_count_is_said_after_a_minute_then_every_ten(caplog) -> None:
    caplog.set_level(logging.WARNING, logger="hatbox.osc")
    now = [0.0]
    m = _knobless_map(now)
    for i in range(20 * 60 * 12):                  # 12 minutes of the fader moving
        now[0] = i * 0.05
        m.translate("/hatbox/fader/effect/drive", [0.5])
    lines = _lines(caplog)
    assert len(lines) == 3, lines                  # at 0 s, at 60 s, at 660 s
    assert lines[1].endswith("(and 1,199 more like it in the last 60 s)")
    assert lines[2].endswith("(and 11,999 more like it in the last 10 min)")


def test_another_reason_gets_its_line_at_once(caplog) -> None:
    caplog.set_level(logging.WARNING, logger="hatbox.osc")
    now = [0.0]
    m = _knobless_map(now)
    for i in range(200):
        now[0] = i * 0.05
        m.translate("/hatbox/fader/effect/drive", [0.5])
    now[0] = 10.01
    assert m.translate("/hatbox/note_on", [300]) == []
    assert m.translate("/hatbox/fader/effect/tone", [0.5]) == []
    lines = _lines(caplog)
    assert len(lines) == 3 and "note 300 outside" in lines[1] and "no knob 'tone'" in lines[2], lines
    m.translate("/hatbox/note_on", [301])          # the same reason with another value: counted
    assert len(_lines(caplog)) == 3

"""p59 F2 2: a green program notice waiting kept what it names (ShownProgram) in a copy beside the queue of green
notices (``Panel._green_program``), which could drift from the notice in the queue.  The queue keeps it now.  No case
was found where the old copies drifted; these pin the behaviour both must keep: a newer program change replaces the
one waiting, in its place after the notices that came before it, and the one said names its own pack."""
from __future__ import annotations

from typing import Any

from device.ui.panel import NOTICE_MIN_S, TOAST_S
from tests.ui.test_p55_F4_program_change import DRIVE, FUZZ, _panel, _switcher
from tests.ui.test_p57_MF2_program_notices import OTHER
from tests.ui.test_p57_M5_program_gives_way import _program, _status


def _after_news(panel: Any, switcher: Any) -> None:
    """Green news on the line, up for NOTICE_MIN_S, so that program notices wait behind it."""
    panel.hardware_problems(["touch works again"], alarm=False)
    panel.set_status(_status(switcher, DRIVE))
    assert panel.message()[0] == "touch works again"


def test_a_newer_program_change_replaces_the_waiting_one_and_is_said_with_its_own_pack(pg: Any) -> None:
    panel, switcher = _panel(), _switcher()
    _after_news(panel, switcher)
    assert _program(panel, switcher, 3, 0.1, DRIVE) == "touch works again"      # drive playing already: waits
    assert _program(panel, switcher, 1, 0.1, DRIVE) == "touch works again"      # fuzzbox switched in: replaces it
    panel.clock.now += NOTICE_MIN_S
    panel.set_status(_status(switcher, FUZZ))
    assert panel.message()[0] == "program 1: fuzzbox 0.2.0 active"             # the newer one, once
    panel.clock.now += 0.2
    panel.set_status(_status(switcher, FUZZ))                                  # its own pack active: it stays
    assert panel.message()[0] == "program 1: fuzzbox 0.2.0 active"
    panel.set_status(_status(switcher, OTHER))                                 # another pack: it gives way
    assert panel.message()[0] == ""
    for _ in range(3):                                                         # the replaced one never comes
        panel.clock.now += TOAST_S
        panel.set_status(_status(switcher, OTHER))
        panel.draw(pg.Surface((800, 480)))
        assert "program 3" not in panel.message()[0]


def test_a_program_notice_waits_its_turn_among_the_green_ones(pg: Any) -> None:
    panel, switcher = _panel(), _switcher()
    _after_news(panel, switcher)
    _program(panel, switcher, 1, 0.1, DRIVE)                                   # waits behind the news
    panel.hardware_problems(["touch works again"], alarm=False)                # news again: after the program's
    said = []
    for _ in range(3):
        panel.clock.now += NOTICE_MIN_S
        panel.set_status(_status(switcher, FUZZ))
        said.append(panel.message()[0])
    assert said == ["program 1: fuzzbox 0.2.0 active", "touch works again", "touch works again"]
    panel.set_status(_status(switcher, OTHER))
    assert panel.message()[0] == "touch works again"        # news does not give way to an activation: not a program's

"""p56 F2 item 4 (handover: device/ui/panel.py): the panel's hardware notices did not follow the rule its other
notices follow (p55 R3 review 1: a green notice stays up NOTICE_MIN_S before the next replaces it; red first).
"touch works again" wiped a MIDI program change's notice at the next frame, and a program change's notice waiting
for the one shown went before a red touch problem.  One rule now (Panel._next_waiting) for all of them."""
from __future__ import annotations

from typing import Any

from device.ui import draw as D
from device.ui.inputs import TOUCH_BACK
from device.ui.panel import NOTICE_MIN_S, TOAST_S
from tests.ui.test_p55_F4_program_change import _panel, _switcher
from tests.ui.test_p55_M4_program_notices import WARNING, _status

NO_TOUCH = "touch stopped answering: a read failed (Input/output error); the panel goes on without touch"
PROGRAM = "program 1: fuzzbox 0.2.0 active"


def test_touch_works_again_waits_for_a_program_notice_shown(pg: Any) -> None:
    panel, switcher = _panel(), _switcher()
    surface = pg.Surface(panel.size)
    switcher.received(1, 0).wait(5.0)
    panel.set_status(_status(switcher))
    assert panel.message() == (PROGRAM, D.ACCENT)
    panel.hardware_problems([TOUCH_BACK], alarm=False)
    panel.clock.now += 0.1
    panel.draw(surface)
    assert panel.message() == (PROGRAM, D.ACCENT)                       # not wiped at the next frame
    panel.clock.now += NOTICE_MIN_S - 0.2
    panel.draw(surface)
    assert panel.message()[0] == PROGRAM
    panel.clock.now += 0.2
    panel.draw(surface)
    assert panel.message() == (TOUCH_BACK, D.ACCENT)                    # its minimum up: then the news


def test_a_touch_problem_goes_before_a_green_notice_waiting_and_over_one_shown(pg: Any) -> None:
    panel, switcher = _panel(), _switcher()
    surface = pg.Surface(panel.size)
    panel.set_status(_status(switcher, WARNING))
    assert panel.message() == (WARNING, D.ACCENT)
    switcher.received(1, 0).wait(5.0)                                   # a green program notice waits
    panel.clock.now += 0.1
    panel.set_status(_status(switcher, WARNING))
    panel.hardware_problems([NO_TOUCH])
    panel.draw(surface)
    assert panel.message() == (NO_TOUCH, D.BAD)                         # red: at once, over the green one shown
    panel.clock.now += TOAST_S
    panel.draw(surface)
    panel.draw(surface)
    assert panel.message() == (PROGRAM, D.ACCENT)                       # then the green one that waited


def test_good_news_after_a_program_notice_waiting_keeps_the_order_they_came(pg: Any) -> None:
    panel, switcher = _panel(), _switcher()
    surface = pg.Surface(panel.size)
    panel.set_status(_status(switcher, WARNING))
    switcher.received(1, 0).wait(5.0)
    panel.clock.now += 0.1
    panel.set_status(_status(switcher, WARNING))
    panel.hardware_problems([TOUCH_BACK], alarm=False)
    said = []
    for _ in range(4):
        panel.clock.now += NOTICE_MIN_S
        panel.draw(surface)
        said.append(panel.message()[0])
    assert said[:2] == [PROGRAM, TOUCH_BACK]

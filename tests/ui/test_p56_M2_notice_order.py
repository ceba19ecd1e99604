"""p56 review R2 item 9 (device/ui/panel.py): the panel's green notices waiting were said by kind (a program change,
then the hardware's news, then slot warnings), not in the order they came: "touch works again" that came before a
program notice was said after it.  And a refused program change's red notice, waiting while another red notice was
up, was overwritten by a later program change's green one and never said."""
from __future__ import annotations

from typing import Any

from device.ui import draw as D
from device.ui.inputs import TOUCH_BACK
from device.ui.panel import NOTICE_MIN_S, TOAST_S
from tests.ui.test_p55_F4_program_change import _panel, _switcher
from tests.ui.test_p55_M4_program_notices import WARNING, _status

NO_TOUCH = "touch stopped answering: a read failed (Input/output error); the panel goes on without touch"
PROGRAM = "program 1: fuzzbox 0.2.0 active"
OTHER = "sample long.wav is 20:00 long: the sampler plays only its first 60 s"


def _said(panel: Any, surface: Any, times: int, step: float) -> list[tuple[str, Any]]:
    out = []
    for _ in range(times):
        panel.clock.now += step
        panel.draw(surface)
        panel.draw(surface)                 # a red notice's time up: it ends at a frame, the next says what waits
        out.append(panel.message())
    return out


def test_green_notices_waiting_are_said_in_the_order_they_came(pg: Any) -> None:
    panel, switcher = _panel(), _switcher()
    surface = pg.Surface(panel.size)
    panel.set_status(_status(switcher, WARNING))
    assert panel.message() == (WARNING, D.ACCENT)                       # a green notice shown: the rest wait
    panel.hardware_problems([TOUCH_BACK], alarm=False)                  # came first
    switcher.received(1, 0).wait(5.0)
    panel.clock.now += 0.1
    panel.set_status(_status(switcher, WARNING))                        # the program's notice came second
    panel.clock.now += 0.1
    panel.set_status(_status(switcher, OTHER))                          # a slot warning third
    said = [text for text, _colour in _said(panel, surface, 3, NOTICE_MIN_S)]
    assert said == [TOUCH_BACK, PROGRAM, OTHER]


def test_a_refused_program_waiting_is_not_overwritten_by_a_later_green_one(pg: Any) -> None:
    panel, switcher = _panel(), _switcher()
    surface = pg.Surface(panel.size)
    panel.hardware_problems([NO_TOUCH])
    panel.draw(surface)
    assert panel.message() == (NO_TOUCH, D.BAD)                         # a red notice up: the others wait
    switcher.received(2, 0).wait(5.0)                                   # its pack is gone: red
    panel.clock.now += 0.1
    panel.set_status(_status(switcher))
    switcher.received(1, 0).wait(5.0)                                   # then a switch that worked: green
    panel.clock.now += 0.1
    panel.set_status(_status(switcher))
    said = _said(panel, surface, 2, TOAST_S)
    assert said[0][1] == D.BAD and said[0][0].startswith("program 2"), said
    assert said[1] == (PROGRAM, D.ACCENT)

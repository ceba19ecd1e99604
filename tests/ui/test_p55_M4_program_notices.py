"""p55 R3 review 1, 3, 6: a program change's notice and a slot warning (the knob-carry note that very switch writes)
wiped each other out within one status (0.1 s); a red notice shown must hold a program notice back (nothing tested
it); the first program change the panel ever saw was dropped when its status came more than 4 s late, even after
hours.  The panel's own green notices now share one rule: a new one waits while the one shown has been up less than
panel.NOTICE_MIN_S; red goes first, as before."""
from __future__ import annotations

from typing import Any

from device.midi_programs import ProgramSwitcher
from device.ui import draw as D
from device.ui.demo import demo_status
from device.ui.panel import TOAST_S, Panel
from tests.ui.test_p55_F4_program_change import _panel, _switcher

WARNING = "knob 'tone' set to 5000 Hz on 'hatbox-drive' was not carried to 'fuzzbox': it has no knob of that name"
FAULT = {"slot": "effect", "reason": "nonfinite", "time": 5.0, "block": 900, "name": "Tube screamer"}


def _status(switcher: ProgramSwitcher, warning: str = "", fault: bool = False) -> dict[str, Any]:
    """A new status with the switcher's last outcome, the effect slot's ``warning`` and a fault that bypassed it."""
    status = demo_status()
    switcher.add_status(status)
    if warning:
        status["active"]["effect"]["warnings"] = [warning]
    if fault:
        status["faults"], status["bypassed"] = [FAULT], {"effect": True}
    return status


def _tick(panel: Panel, switcher: ProgramSwitcher, seconds: float, warning: str = "") -> tuple[str, Any]:
    """``seconds`` later, a new status; the message line then."""
    panel.clock.now += seconds
    panel.message()
    panel.set_status(_status(switcher, warning))
    return panel.message()


def test_a_warning_right_after_a_program_notice_waits_for_it(pg: Any) -> None:
    panel, switcher = _panel(), _switcher()
    switcher.received(1, 0).wait(5.0)
    panel.set_status(_status(switcher))
    assert panel.message() == ("program 1: fuzzbox 0.2.0 active", D.ACCENT)
    assert _tick(panel, switcher, 0.1, WARNING)[0] == "program 1: fuzzbox 0.2.0 active"     # not wiped at once
    assert _tick(panel, switcher, 0.5, WARNING)[0] == "program 1: fuzzbox 0.2.0 active"
    assert _tick(panel, switcher, TOAST_S, WARNING) == (WARNING, D.ACCENT)                  # then said, in full


def test_a_program_notice_right_after_a_warning_waits_for_it(pg: Any) -> None:
    panel, switcher = _panel(), _switcher()
    panel.set_status(_status(switcher, WARNING))
    assert panel.message() == (WARNING, D.ACCENT)
    switcher.received(1, 0).wait(5.0)
    assert _tick(panel, switcher, 0.1, WARNING) == (WARNING, D.ACCENT)
    assert _tick(panel, switcher, TOAST_S, WARNING) == ("program 1: fuzzbox 0.2.0 active", D.ACCENT)


def test_a_green_notice_waits_only_its_minimum_not_the_whole_toast(pg: Any) -> None:
    from device.ui.panel import NOTICE_MIN_S
    assert 1.0 <= NOTICE_MIN_S < TOAST_S
    panel, switcher = _panel(), _switcher()
    panel.set_status(_status(switcher, WARNING))
    switcher.received(1, 0).wait(5.0)
    assert _tick(panel, switcher, NOTICE_MIN_S - 0.2, WARNING)[0] == WARNING
    assert _tick(panel, switcher, 0.3, WARNING)[0] == "program 1: fuzzbox 0.2.0 active"


def test_a_red_notice_holds_a_program_notice_back_for_its_whole_time(pg: Any) -> None:
    panel, switcher = _panel(), _switcher()
    panel.set_status(_status(switcher, fault=True))
    red = panel.message()
    assert red[1] == D.BAD
    switcher.received(1, 0).wait(5.0)
    panel.clock.now += 0.1
    panel.set_status(_status(switcher, fault=True))
    assert panel.message() == red                                       # the fault's words stay
    panel.clock.now += TOAST_S - 0.5
    panel.set_status(_status(switcher, fault=True))
    assert panel.message() == red
    panel.clock.now += 0.6                                              # its time is over: the program change
    panel.message()
    panel.set_status(_status(switcher, fault=True))
    assert panel.message() == ("program 1: fuzzbox 0.2.0 active", D.ACCENT)


def test_a_refused_switch_in_red_goes_before_a_green_notice(pg: Any) -> None:
    def refuse(pid: str) -> str:
        raise OSError("disk full")
    panel, switcher = _panel(), _switcher(refuse)
    panel.set_status(_status(switcher, WARNING))
    switcher.received(1, 0).wait(5.0)
    text, colour = _tick(panel, switcher, 0.1, WARNING)
    assert colour == D.BAD and text.startswith("program 1") and "disk full" in text


def test_the_first_program_change_seen_late_after_hours_is_still_said(pg: Any) -> None:
    panel, switcher = _panel(), _switcher()
    for _ in range(3):
        _tick(panel, switcher, 3600.0)                                  # hours of statuses, no program change
    switcher.received(1, 0).wait(5.0)
    switcher._last_at -= 5.0                                            # its status came 5 s late
    assert _tick(panel, switcher, 0.1)[0] == "program 1: fuzzbox 0.2.0 active"


def test_a_change_older_than_the_panel_is_not_said_even_when_it_is_recent(pg: Any) -> None:
    switcher = _switcher()
    switcher.received(1, 0).wait(5.0)
    switcher._last_at -= 3.0                                            # 3 s ago: the panel started 1 s ago
    panel = _panel()
    assert _tick(panel, switcher, 1.0)[0] == ""
    switcher.received(7, 0).wait(5.0)                                   # the next one is news
    assert _tick(panel, switcher, 0.1)[0].startswith("program 7: nothing mapped")

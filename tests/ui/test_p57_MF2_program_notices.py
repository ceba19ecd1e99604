"""p57 FR2 2 and 3: the program notices waiting shared one outcome, read `before` when shown, and one said at once
was lost to a fault in the same status.

2: a refused (red) program change waiting, then a green one: the red notice, once said, followed the green one's slot
and pack, so a status with another pack active took the red alarm down early.  A notice that waited while something
else was activated took that other pack as its `before` and never gave way.  Each waiting notice now keeps its own
outcome and the pack active in its slot when it came.
3: with a program notice on the line, a newer one was said at once and then overwritten by a fault of the same status:
never shown.  It waits for the fault's notice now."""
from __future__ import annotations

from typing import Any

from device.ui import draw as D
from device.ui.data import PackEntry
from device.ui.demo import manifest
from device.ui.panel import NOTICE_MIN_S, TOAST_S
from tests.ui.test_p55_F4_program_change import DRIVE, FUZZ, _panel, _switcher
from tests.ui.test_p57_M5_program_gives_way import _program, _status

OTHER = PackEntry("effect-other-1.0.0-aaaaaaaaaaaa", manifest("effect", "other", "1.0.0"),
                  "/box/packs/effect-other-1.0.0-aaaaaaaaaaaa/pack.hatpack", False)


def test_a_red_program_notice_said_after_a_green_one_came_keeps_its_own_alarm(pg: Any) -> None:
    panel, switcher = _panel(), _switcher()
    panel.hardware_problems(["no touch controller answers"])
    panel.set_status(_status(switcher, DRIVE))
    assert panel.message()[1] == D.BAD                                  # a red notice up: the program ones wait
    _program(panel, switcher, 2, 0.1, DRIVE)                            # its pack gone: red, waiting
    _program(panel, switcher, 1, 0.1, DRIVE)                            # fuzzbox switched in: green, waiting
    panel.clock.now += TOAST_S
    assert panel.message()[0] == ""                                     # the touch problem has had its time
    panel.set_status(_status(switcher, DRIVE))
    said = panel.message()
    assert said[0].startswith("program 2") and said[1] == D.BAD
    panel.clock.now += 0.2
    panel.set_status(_status(switcher, FUZZ))
    panel.clock.now += 0.2
    panel.set_status(_status(switcher, OTHER))                          # another pack active: not the red's news
    assert panel.message()[0].startswith("program 2") and panel.message()[1] == D.BAD


def test_a_program_notice_that_waited_while_another_pack_was_activated_gives_way(pg: Any) -> None:
    panel, switcher = _panel(), _switcher()
    panel.hardware_problems(["touch works again"], alarm=False)
    panel.set_status(_status(switcher, DRIVE))
    assert panel.message()[0] == "touch works again"                    # a green notice up for NOTICE_MIN_S
    assert _program(panel, switcher, 1, 0.1, DRIVE) == "touch works again"   # fuzzbox switched in: it waits
    panel.clock.now += 0.2
    panel.set_status(_status(switcher, OTHER))                          # another pack activated meanwhile
    panel.clock.now += NOTICE_MIN_S
    panel.set_status(_status(switcher, OTHER))
    assert panel.message()[0] == "program 1: fuzzbox 0.2.0 active"     # said, stale already
    panel.clock.now += 0.2
    panel.set_status(_status(switcher, OTHER))
    assert "fuzzbox" not in panel.message()[0]                          # and gives way to what the status says


def _faulted(status: dict[str, Any]) -> dict[str, Any]:
    fault = {"slot": "effect", "reason": "nonfinite", "time": 5.0, "block": 900, "name": "hatbox-drive"}
    return {**status, "faults": [fault], "bypassed": {**(status.get("bypassed") or {}), "effect": True}}


def test_a_program_notice_that_comes_with_a_fault_is_said_after_the_fault(pg: Any) -> None:
    panel, switcher = _panel(), _switcher()
    assert _program(panel, switcher, 1, 0.0, DRIVE) == "program 1: fuzzbox 0.2.0 active"
    panel.clock.now += 0.15
    switcher.received(3, 0).wait(5.0)
    panel.set_status(_faulted(_status(switcher, DRIVE)))
    assert panel.message()[0].startswith("effect 'hatbox-drive' bypassed")
    panel.clock.now += TOAST_S
    assert panel.message()[0] == ""
    panel.set_status(_faulted(_status(switcher, DRIVE)))
    assert panel.message()[0] == "program 3: hatbox-drive 0.1.0 is active already"

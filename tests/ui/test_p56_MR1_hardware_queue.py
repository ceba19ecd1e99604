"""p56 read RD1 finding 4 (device/ui/panel.py): the panel's hardware notices waiting held (lines, alarm) with alarm
always True (its good news waits with the greens); now they hold the lines alone, said in red as before."""
from __future__ import annotations

from typing import Any

from device.ui.demo import demo_data
from device.ui.faults import touch_lines
from device.ui.panel import Panel
from device.ui.shots import RecordingControl
from tests.ui.conftest import PanelClock

NO_CHIP = "touch not available: no chip"


def test_hardware_problems_wait_as_their_lines_and_are_said_red(pg: Any) -> None:
    panel = Panel(RecordingControl(), demo_data(), (320, 480))
    panel.clock = PanelClock()
    panel.hardware_problems([NO_CHIP, NO_CHIP])
    panel.hardware_problems(["touch works again"], alarm=False)
    assert panel._hardware == [touch_lines(NO_CHIP)]
    assert panel._greens == [("news", ("touch works again",))]
    panel._say_waiting()
    assert panel._hardware == [] and panel.state.toast_lines() == (touch_lines(NO_CHIP), True)

"""Forty-first stop (panel QA): when a fault silenced the sampler the Kit page gave no sign: its pads still lit, its
tab had no red dot, and the "SAMPLER FAULT" button to turn it back on was only on Play.  Now the Kit tab has the red
dot, the page shows the button where the bank's name was (a tap, or encoder 2's press, turns the sampler back on),
says why on its line, and a pad tapped then says the sampler is silenced instead of lighting up."""
from __future__ import annotations

from typing import Any


from device.kit import Pad
from device.ui import draw as D
from device.ui.faults import notice_lines

FAULT = {"slot": "sampler", "reason": "runaway", "time": 13.0, "block": 5400, "name": "sampler"}


def _status(faulted: bool) -> dict[str, Any]:
    return {"faults": [FAULT] if faulted else [], "fault_count": int(faulted),
            "bypassed": {"effect": False, "synth": False, "sampler": faulted},
            "active": {"sampler": {"name": "sampler", "warnings": []}}}


def _panel(faulted: bool = True) -> Any:
    from device.ui.data import MemoryData
    from device.ui.kit_desk import MemoryKit
    from device.ui.panel import Panel
    from device.ui.shots import RecordingControl
    kit = MemoryKit(notes={36: Pad(36, "/box/libraries/a/files/kick.wav", "kick")})
    panel = Panel(RecordingControl(_status(faulted)), MemoryData(kit=kit), (800, 480))
    panel.show_title("Kit")
    panel.set_status(_status(faulted))
    return panel


def test_the_kit_tab_is_marked_and_the_page_says_why(pg):
    from device.ui.shots import headless_surface
    panel = _panel()
    page = panel.page
    assert page.mark() == D.BAD and page.silenced()
    assert page._line()[0].startswith("sampler silenced: the sampler's output ran away")
    panel.draw(headless_surface((800, 480)))
    assert _panel(faulted=False).page.mark() is None


def test_a_pad_does_not_light_and_the_button_turns_the_sampler_back_on(pg):
    from device.ui.events import EncoderPress, Touch
    panel = _panel()
    page, sent = panel.page, panel.control.sent
    before = len(sent)
    r = page.pad_rects[36 - page.first]
    panel.handle(Touch("down", 0, r.centerx, r.centery))
    assert sent[before:] == [] and "SAMPLER FAULT" in panel.state.toast
    panel.handle(Touch("up", 0, r.centerx, r.centery))
    b = page.fault_btn
    panel.handle(Touch("down", 1, b.centerx, b.centery))
    assert sent[-1] == {"op": "bypass", "slot": "sampler", "on": False}
    assert not page.silenced()
    again = _panel()
    again.handle(EncoderPress(1, True))
    assert again.control.sent[-1] == {"op": "bypass", "slot": "sampler", "on": False}


def test_the_notice_on_the_kit_page_points_at_its_own_button():
    assert "tap SAMPLER FAULT to turn it back on" in notice_lines(FAULT, on_kit_page=True)[0]
    assert "tap Play" in notice_lines(FAULT)[0]
    assert "tap Play" in notice_lines({**FAULT, "slot": "synth"}, on_kit_page=True)[0]


def test_the_notice_said_on_the_kit_page_points_at_its_own_button(pg):
    """The panel passes on_kit_page (forty-first stop): on the Kit page the fault's notice said "tap Play"."""
    panel = _panel(faulted=False)
    panel.set_status(_status(True))
    (lines, alarm) = panel.state.toast_lines()
    assert alarm and all("tap SAMPLER FAULT" in line for line in lines[:3]), lines
    assert not any("Play" in line for line in lines), lines

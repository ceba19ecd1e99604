"""Forty-first stop (panel QA): the Models page's roll back was a tap only (encoder 1's press activates), so a panel
without touch could not roll a slot back.  Encoder 4 is the page's button encoder now (device/ui/focus.py): its turn
puts a white ring on activate or roll back, its press does that button."""
from __future__ import annotations

from typing import Any

import pytest

from device.ui.events import EncoderTurn
from tests.ui.panels import click as _click, frame, ringed as ring_round


def _panel(size: tuple[int, int] = (800, 480)) -> Any:
    from device.ui.demo import demo_data, demo_status
    from device.ui.panel import Panel
    from device.ui.shots import RecordingControl
    panel = Panel(RecordingControl(demo_status()), demo_data(), size)
    panel.set_status(demo_status())
    panel.show_title("Models")
    panel.page.layout(panel.content)
    return panel


def ringed(pg: Any, panel: Any, rect: Any) -> bool:
    """Whether the frame drawn now has the button encoder's white ring round ``rect``."""
    return ring_round(frame(pg, panel), rect)


@pytest.mark.parametrize("size", [(800, 480), (480, 320), (320, 480)])
def test_encoder_4_turned_to_roll_back_and_pressed_rolls_the_slot_back(pg: Any, size: tuple[int, int]) -> None:
    panel = _panel(size)
    page = panel.page
    _click(panel, 3)                                          # the ring starts on activate: the selected pack
    fuzz = next(p for p in page.packs if p.manifest.name == "Fuzz face")
    assert panel.control.sent[-1] == {"op": "load", "slot": "effect", "path": fuzz.path} and fuzz.active
    assert ringed(pg, panel, page.activate_btn) and not ringed(pg, panel, page.rollback_btn)
    panel.handle(EncoderTurn(3, 1, 1))
    assert ringed(pg, panel, page.rollback_btn) and not ringed(pg, panel, page.activate_btn)
    _click(panel, 3)
    screamer = next(p for p in page.packs if p.manifest.name == "Tube screamer")
    assert panel.control.sent[-1] == {"op": "load", "slot": "effect", "path": screamer.path} and screamer.active


def test_the_ring_stops_at_either_end_and_is_home_again_when_the_page_is_shown(pg: Any) -> None:
    panel = _panel()
    page = panel.page
    panel.handle(EncoderTurn(3, 5, 9))
    assert page.focus.at == "roll back"
    panel.handle(EncoderTurn(3, -7, -12))
    assert page.focus.at == "activate"
    panel.handle(EncoderTurn(3, 1, 1))
    panel.show_title("Settings")
    panel.show_title("Models")
    assert page.focus.at == "activate" and ringed(pg, panel, page.activate_btn)


def test_encoder_1_still_turns_the_list_and_its_press_still_activates(pg: Any) -> None:
    panel = _panel()
    page = panel.page
    panel.handle(EncoderTurn(3, 1, 1))                        # the ring on roll back changes nothing for encoder 1
    panel.handle(EncoderTurn(0, 1, 1))
    _click(panel, 0)
    assert panel.control.sent[-1]["op"] == "load" and page.packs[page.selected].active

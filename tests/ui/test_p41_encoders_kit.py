"""Forty-first stop (panel QA): the Kit page's assign / loop / clear / from library were taps only (encoder 1 turns
the pads, 2 the banks and its press plays or turns a faulted sampler back on), so a panel without touch could not
set a pad.  Encoder 4 is the page's button encoder now (device/ui/focus.py): its turn puts a white ring on one of the
four buttons, its press does it as a tap does, and a button that asks for a second tap asks for a second press."""
from __future__ import annotations

from typing import Any

import pytest

from device.ui.events import EncoderTurn
from tests.ui.panels import click as _click, frame as _frame, ringed


def _panel(size: tuple[int, int] = (800, 480), pick: bool = True) -> Any:
    """The demo box's Kit page; with ``pick``, the Library page's third sample chosen first (by encoder 2)."""
    from device.ui.demo import demo_data, demo_status
    from device.ui.panel import Panel
    from device.ui.shots import RecordingControl
    panel = Panel(RecordingControl(demo_status()), demo_data(), size)
    panel.set_status(demo_status())
    if pick:
        panel.show_title("Library")
        panel.page.layout(panel.content)
        panel.handle(EncoderTurn(1, 2, 2))
    panel.show_title("Kit")
    panel.page.layout(panel.content)
    return panel


@pytest.mark.parametrize("size", [(800, 480), (480, 320), (320, 480)])
def test_encoder_4_assigns_loops_and_clears_the_selected_pad_without_a_touch(pg: Any, size: tuple[int, int]) -> None:
    panel = _panel(size)
    page, kit, chosen = panel.page, panel.ctx.data.kit, panel.state.picked
    assert chosen
    panel.handle(EncoderTurn(0, 5, 5))                        # C2 -> F2, an empty pad of the demo kit
    assert page.note == 41 and 41 not in kit.pads()
    assert ringed(_frame(pg, panel), page.buttons["assign"])  # the ring starts on assign
    _click(panel, 3)
    assert kit.pads()[41].path == chosen and not kit.pads()[41].loop
    panel.handle(EncoderTurn(3, 1, 1))
    surface = _frame(pg, panel)
    assert ringed(surface, page.buttons["loop"]) and not ringed(surface, page.buttons["assign"])
    _click(panel, 3)
    assert kit.pads()[41].loop and kit.pads()[41].path == chosen
    panel.handle(EncoderTurn(3, 2, 2))                        # past latch (p52: the loop's latch, beside it)
    _click(panel, 3)
    assert 41 not in kit.pads() and "F2 cleared" in panel.state.toast
    assert panel.control.sent == []                           # setting pads plays nothing


def test_from_library_by_encoder_asks_for_a_second_press_which_anything_else_cancels(pg: Any) -> None:
    panel = _panel(pick=False)
    page, kit = panel.page, panel.ctx.data.kit
    kit.clear(36)
    panel.handle(EncoderTurn(3, 9, 9))                        # past the last button: the ring stops on it
    assert page.focus.at == "from library" and ringed(_frame(pg, panel), page.buttons["from library"])
    _click(panel, 3)
    assert "press again to replace the kit" in panel.state.toast and 36 not in kit.pads()
    surface = _frame(pg, panel)
    assert page.confirming() and ringed(surface, page.buttons["from library"])
    panel.handle(EncoderTurn(0, 1, 1))                        # something else between: it asks again
    _click(panel, 3)
    assert 36 not in kit.pads() and "press again" in panel.state.toast
    _click(panel, 3)
    assert kit.pads()[36].tag == "kick" and "kit made" in panel.state.toast


def test_assign_over_another_sample_asks_for_a_second_press(pg: Any) -> None:
    panel = _panel()
    kit, chosen = panel.ctx.data.kit, panel.state.picked
    before = kit.pads()[36].path
    _click(panel, 3)                                          # C2 plays the kick: put the pick there?
    assert kit.pads()[36].path == before and panel.state.toast.startswith("press again to put")
    _click(panel, 3)
    assert kit.pads()[36].path == chosen


def test_encoders_1_and_2_keep_their_work_whatever_the_ring_is_on(pg: Any) -> None:
    panel = _panel()
    page = panel.page
    panel.handle(EncoderTurn(3, 2, 2))                        # the ring on clear
    panel.handle(EncoderTurn(1, 1, 1))                        # a bank up: C2 -> E3
    panel.handle(EncoderTurn(0, -3, -3))
    assert page.note == 49 and page.first == 36
    _click(panel, 1)                                          # encoder 2 plays the crash while held
    assert [(m["op"], m["note"]) for m in panel.control.sent] == [("note_on", 49), ("note_off", 49)]
    panel.show_title("Play")
    panel.show_title("Kit")
    assert page.focus.at == "assign"                          # shown again: the ring is home

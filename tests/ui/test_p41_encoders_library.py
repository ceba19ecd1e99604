"""Forty-first stop (panel QA): the Library page's "unsure first" toggle was a tap only (encoders 1 and 2 turn the tags
and samples, 2's press plays, 3's finds more like this, 4's retags), so a panel without touch could not list what the
tagger was least sure of.  Encoder 4 is the page's button encoder now (device/ui/focus.py): its turn puts a white
ring on unsure first, play, more like this or retag, its press does that button; the ring starts on retag, so
encoder 4's press alone still retags."""
from __future__ import annotations

from typing import Any

import pytest

from device.ui.events import EncoderTurn
from tests.ui.panels import click as _click, frame as _frame, ringed


def _panel(size: tuple[int, int] = (800, 480)) -> Any:
    from device.ui.demo import demo_data, demo_status
    from device.ui.panel import Panel
    from device.ui.shots import RecordingControl
    panel = Panel(RecordingControl(demo_status()), demo_data(), size)
    panel.set_status(demo_status())
    panel.show_title("Library")
    panel.page.layout(panel.content)
    return panel


@pytest.mark.parametrize("size", [(800, 480), (480, 320), (320, 480)])
def test_encoder_4_turns_the_unsure_list_on_and_off(pg: Any, size: tuple[int, int]) -> None:
    panel = _panel(size)
    page, data = panel.page, panel.ctx.data
    normal = [s.path for s in page.samples]
    assert ringed(_frame(pg, panel), page.retag_btn)           # the ring starts on retag
    panel.handle(EncoderTurn(3, -3, -3))
    surface = _frame(pg, panel)
    assert ringed(surface, page.unsure_btn) and not ringed(surface, page.retag_btn)
    _click(panel, 3)
    assert page.reviewing and page.review_on()
    assert [s.path for s in page.samples] == [s.path for s in data.unsure()]
    _click(panel, 3)                                          # pressed again: the tag's own listing
    assert not page.review_on() and [s.path for s in page.samples] == normal
    assert page.retag is None and panel.control.sent == []


def test_the_ring_walks_the_buttons_in_their_order_and_each_press_does_its_button(pg: Any) -> None:
    panel = _panel()
    page = panel.page
    panel.handle(EncoderTurn(3, -9, -9))                       # stops on the first
    assert page.focus.at == "unsure first"
    panel.handle(EncoderTurn(3, 1, 1))
    surface = _frame(pg, panel)
    assert page.focus.at == "play" and ringed(surface, page.play_btn)
    _click(panel, 3)
    assert panel.control.sent == [{"op": "sample", "path": page.samples[page.sample].path, "velocity": 100}]
    panel.handle(EncoderTurn(3, 1, 1))
    assert ringed(_frame(pg, panel), page.more_btn)
    _click(panel, 3)
    assert page.similar_to == page.samples[0].name


def test_encoder_4s_press_alone_still_retags_and_the_ring_is_home_when_the_page_is_shown(pg: Any) -> None:
    panel = _panel()
    page = panel.page
    _click(panel, 3)
    assert page.retag is not None                             # retag mode, as before
    _click(panel, 3)
    assert page.retag is None
    panel.handle(EncoderTurn(3, -3, -3))
    panel.show_title("Kit")
    panel.show_title("Library")
    assert page.focus.at == "retag"
    _click(panel, 1)                                          # encoder 2's press still plays
    assert panel.control.sent[-1]["op"] == "sample"

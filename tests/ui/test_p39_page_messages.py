"""Thirty-ninth stop's panel QA: a page's own message outlived its page ("D#2 plays nothing", said on the Kit page,
stayed over the empty Models page); the box's own notices (a fault, an error) still stay over a page change."""
from __future__ import annotations

from typing import Any

from device.ui.events import Touch
from tests.ui.test_kit_page import _pad, _panel


def test_a_page_s_message_goes_with_its_page(pg: Any) -> None:
    panel = _panel()
    panel.handle(Touch("down", 1, *_pad(panel, 41).center))
    assert "F2 plays nothing" in panel.state.toast
    panel.show_title("Models")
    assert panel.state.toast == ""


def test_the_box_s_own_notice_stays_over_a_page_change(pg: Any) -> None:
    panel = _panel()
    panel.fail(OSError("pack store unreadable"))
    panel.show_title("Models")
    assert panel.state.toast == "pack store unreadable"




def test_assign_over_a_pad_that_plays_another_sample_asks_for_a_second_tap(pg: Any) -> None:
    """QA: "assign" put a sample over the kick on C2 at once, where "from library" asks first."""
    from tests.ui.test_kit_page import _press
    panel = _panel()
    kit = panel.ctx.data.kit
    kick = kit.pads()[36].path
    panel.ctx.state.picked = kit.pads()[38].path                        # the snare, picked on the Library page
    panel.handle(Touch("down", 1, *_pad(panel, 36).center))
    panel.handle(Touch("up", 1, *_pad(panel, 36).center))
    _press(panel, "assign")
    assert kit.pads()[36].path == kick and "tap again to put" in panel.state.toast
    assert panel.page.confirming("assign") and not panel.page.confirming("from library")
    _press(panel, "assign")
    assert kit.pads()[36].path == kit.pads()[38].path

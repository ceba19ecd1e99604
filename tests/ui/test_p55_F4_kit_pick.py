"""p55 QA_B 5: an empty pad tapped while a sample is picked on the Library page said "pick a sample on the Library
page, then assign" - the sample was picked already; it now says to tap assign to put that sample there."""
from __future__ import annotations

from typing import Any

from device.kit import Pad
from device.ui.events import Touch
from tests.ui.test_kit_page import _pad, _panel


def test_an_empty_pad_with_a_sample_picked_says_tap_assign_to_put_it_there(pg: Any) -> None:
    panel = _panel()
    picked = "/box/libraries/drums/files/VP Snare 3.flac"
    panel.state.picked = picked
    panel.handle(Touch("down", 1, *_pad(panel, 41).center))
    assert panel.control.sent == []
    assert panel.state.toast == f"F2 plays nothing: tap assign to put {Pad(41, picked).name} here"
    assert panel.state.toast == "F2 plays nothing: tap assign to put VP Snare 3.flac here"
    assert panel.state.toast_lines()[0][-1] == "F2 plays nothing"          # the narrow tab bar's words


def test_an_empty_pad_with_no_pick_still_says_to_pick_one_first(pg: Any) -> None:
    panel = _panel()
    panel.state.picked = ""
    panel.handle(Touch("down", 1, *_pad(panel, 41).center))
    assert panel.state.toast == "F2 plays nothing: pick a sample on the Library page, then assign"

"""p55 R3 review 5: an empty Kit pad tapped with a long Library pick said only "F#2 plays nothing" on a 480-px
screen (the whole instruction did not fit, and there was no middle wording); "F#2: tap assign to put it here" fits."""
from __future__ import annotations

from typing import Any

import pytest

from device.ui import draw as D
from device.ui.events import Touch
from device.ui.panel import MESSAGE_SIZE
from tests.ui.test_kit_page import _pad, _panel

LONG = "/box/libraries/drums/files/Kick_Acoustic_Room_Close_01.wav"


@pytest.mark.parametrize("width", [480, 320])
def test_an_empty_pad_with_a_long_pick_still_says_to_tap_assign(pg: Any, width: int) -> None:
    panel = _panel(size=(width, 800))
    panel.state.picked = LONG
    panel.handle(Touch("down", 1, *_pad(panel, 41).center))                  # F2: empty in the demo kit
    assert panel.control.sent == [] and panel.state.toast.startswith("F2 plays nothing")
    line = D.fit(panel.ctx.fonts, panel.state.toast_lines()[0], MESSAGE_SIZE, width - 20)
    assert line == "F2: tap assign to put it here" and not line.endswith("..."), line


def test_the_full_wording_still_names_the_pick_where_it_fits(pg: Any) -> None:
    panel = _panel()
    panel.state.picked = LONG
    panel.handle(Touch("down", 1, *_pad(panel, 41).center))
    lines = panel.state.toast_lines()[0]
    assert "tap assign to put Kick_Acoustic_Room_Close_01.wav here" in lines[0]
    assert D.fit(panel.ctx.fonts, lines, MESSAGE_SIZE, 780) == lines[0]

"""The panel on the smallest screens a board file may give (480x320 either way round, and narrow portraits in
between), from the twenty-eighth stop's QA of every page at every size."""
from __future__ import annotations

from typing import Any

import pytest

from device.ui import draw as D
from device.ui.demo import demo_data, demo_status
from device.ui.events import Touch
from device.ui.panel import Panel
from device.ui.shots import RecordingControl
from tests.ui.conftest import find_text

LONG_ADDRESS = "http://hatbox-living-room.local:8750"


class Pairing:
    """Enough of device/api/auth.Pairing for the Settings page's button."""

    def __init__(self) -> None:
        self.windows = 0

    def current(self) -> str:
        return "428913"

    def owner_window(self) -> None:
        self.windows += 1

    def owner_window_for(self) -> float:
        return 60.0 * self.windows

    def paused_for(self) -> float:
        return 0.0


@pytest.mark.parametrize("size", [(320, 480), (360, 640), (480, 320), (480, 800), (800, 480)])
def test_the_new_code_button_is_on_the_screen_and_answers_a_tap(pg: Any, size: tuple[int, int]) -> None:
    """Before: at 320x480 the button was drawn at x 316-466, wholly off the screen (360x640: one letter showed)."""
    data = demo_data()
    data.pairing = Pairing()
    panel = Panel(RecordingControl(demo_status()), data, size)
    panel.show_title("Settings")
    surface = pg.Surface(size)
    panel.draw(surface)
    btn = panel.page.new_code_btn
    assert surface.get_rect().contains(btn) and btn.width >= 120 and btn.height >= 40
    code = find_text(surface, "428 913", 48, D.ACCENT) + find_text(surface, "428 913", 72, D.ACCENT)
    assert code and (code[0][1] + 48 <= btn.y or code[0][0] + 150 <= btn.x)    # under or beside the code, not on it
    panel.handle(Touch("down", 0, *btn.center))
    assert data.pairing.windows == 1


def test_a_long_address_keeps_its_port(pg: Any) -> None:
    """Before: "http://hatbox-living-room.loca..." at 800x480: the port, which `hatbox pair URL` needs, was cut."""
    data = demo_data()
    data.setting["address"] = LONG_ADDRESS
    panel = Panel(RecordingControl(demo_status()), data, (320, 480))
    panel.show_title("Settings")
    surface = pg.Surface((320, 480))
    panel.draw(surface)
    fonts = D.Fonts()
    found = [(size, text) for size in range(14, 27)
             for text in (LONG_ADDRESS, D.fit_middle(fonts, LONG_ADDRESS, size, 150, 10))
             if find_text(surface, text, size, D.TEXT)]
    assert found and all(text.endswith(":8750") for _, text in found), found


def test_shrink_then_cut(pg: Any) -> None:
    fonts = D.Fonts()
    text, size = D.shrink_to_fit(fonts, LONG_ADDRESS, 26, fonts.size(LONG_ADDRESS, 20)[0], 18)
    assert (text, size) == (LONG_ADDRESS, 20)
    text, size = D.shrink_to_fit(fonts, LONG_ADDRESS, 26, 100, 18)
    assert size == 18 and text.endswith("...") and fonts.size(text, 18)[0] <= 100
    cut = D.fit_middle(fonts, LONG_ADDRESS, 20, 200, 10)
    assert cut.endswith("local:8750") and "..." in cut and fonts.size(cut, 20)[0] <= 200
    assert D.fit_middle(fonts, "short", 20, 200, 10) == "short"


@pytest.mark.parametrize("size", [(320, 480), (360, 640), (480, 320), (800, 480)])
def test_the_models_buttons_are_on_the_screen(pg: Any, size: tuple[int, int]) -> None:
    """Before: "roll back" was drawn at x 194-364 whatever the width: off a 320-px screen."""
    panel = Panel(RecordingControl(demo_status()), demo_data(), size)
    panel.show_title("Models")
    page = panel.page
    screen = pg.Rect(0, 0, *size)
    assert screen.contains(page.activate_btn) and screen.contains(page.rollback_btn)
    assert not page.activate_btn.colliderect(page.rollback_btn) and page.rollback_btn.width >= 120


@pytest.mark.parametrize("size", [(320, 480), (360, 640), (480, 320), (480, 800), (800, 480)])
def test_the_play_dials_never_overlap(pg: Any, size: tuple[int, int]) -> None:
    """Before: at 320x480 two rows of 20-px rings sat 36 px apart, over each other and their labels."""
    panel = Panel(RecordingControl(demo_status()), demo_data(), size)
    panel.show_title("Play")
    dials = panel.page.dials
    for i, ((x1, y1), r1) in enumerate(dials):
        assert 0 <= x1 - r1 and x1 + r1 <= size[0] and y1 + r1 <= size[1]
        for (x2, y2), r2 in dials[i + 1:]:
            assert ((x1 - x2) ** 2 + (y1 - y2) ** 2) ** 0.5 >= r1 + r2 + 8        # rings apart, room for labels


def test_play_with_no_synth_pack_bypasses_nothing_and_the_pad_takes_no_finger(pg: Any) -> None:
    """Before (twenty-eighth stop's QA): with no synth pack, "bypass synth" sent a bypass and lit "BYPASS SYNTH",
    and a touch on the dimmed pad sent xy and moved the cursor over the "-" labels."""
    from device.ui.data import MemoryData
    status = {**demo_status(), "active": {"effect": None, "synth": None, "sampler": {"name": "sampler"}}}
    panel = Panel(RecordingControl(status), MemoryData(), (800, 480))
    panel.set_status(status)
    panel.show_title("Play")
    page = panel.page
    panel.handle(Touch("down", 0, *page.bypass_btns["synth"].center))
    panel.handle(Touch("up", 0, *page.bypass_btns["synth"].center))
    assert panel.control.sent == [] and not page.bypass["synth"].on
    assert "nothing to bypass" in panel.state.toast
    panel.handle(Touch("down", 1, *page.pad.center))
    panel.handle(Touch("move", 1, page.pad.centerx + 20, page.pad.centery))
    assert panel.control.sent == []
    panel.handle(Touch("down", 2, *page.bypass_btns["sampler"].center))       # the sampler is there: it bypasses
    assert panel.control.sent == [{"op": "bypass", "slot": "sampler", "on": True}]

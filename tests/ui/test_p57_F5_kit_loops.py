"""p57 QA_B 1 on the Kit page: a latched loop played while its pad looked idle, a loop in another bank could only be
found by ear, and nothing on the panel stopped the loops but the right pad.  Now the pad of a loop that sounds is
lit, the bank buttons are lit for a loop off screen, and "stop loops" (or encoder 3's press) stops every one."""
from __future__ import annotations

from typing import Any

from device.ui import draw as D
from device.ui.demo import demo_status
from device.ui.events import EncoderPress, Touch
from tests.ui.conftest import find_text
from tests.ui.test_kit_page import _pad, _panel


def _looping(panel: Any, *notes: int) -> dict[str, Any]:
    status = demo_status()
    status["active"]["sampler"] = {"name": "sampler", "loops": [
        {"note": n, "file": f"Kit/loop{n}.wav", "latched": True} for n in notes]}
    panel.set_status(status)
    return status


def _fill(surface: Any, rect: Any) -> tuple[int, int, int]:
    return tuple(surface.get_at((rect.x + 4, rect.bottom - 6)))[:3]


def test_the_pad_of_a_latched_loop_is_lit_and_the_bank_button_shows_one_off_screen(pg: Any) -> None:
    panel = _panel()
    page, surface = panel.page, pg.Surface((800, 480))
    panel.draw(surface)
    assert _fill(surface, _pad(panel, 37)) == D.PANEL and _fill(surface, page.next_btn) == D.PANEL
    _looping(panel, 37, 60)                                  # C#2 on screen, C4 in the next bank
    panel.draw(surface)
    assert _fill(surface, _pad(panel, 37)) == D.GOOD and _fill(surface, _pad(panel, 36)) == D.PANEL
    assert _fill(surface, page.next_btn) == D.GOOD and _fill(surface, page.prev_btn) != D.GOOD
    assert find_text(surface, "stop 2 loops", D.BUTTON_TEXT, D.BG)                  # "stop loops", lit


def test_stop_loops_shows_while_one_plays_and_stops_every_one(pg: Any) -> None:
    panel = _panel()
    page = panel.page
    page.draw(pg.Surface((800, 480)))
    panel.handle(Touch("down", 1, *page.stop_btn.center))     # nothing playing: no button there, nothing sent
    panel.handle(Touch("up", 1, *page.stop_btn.center))
    assert [m for m in panel.control.sent if m["op"] == "stop_loops"] == []
    _looping(panel, 37, 60)
    page.draw(pg.Surface((800, 480)))                          # (a tap counts where the button was drawn: p57 R1 4)
    panel.handle(Touch("down", 1, *page.stop_btn.center))
    panel.handle(Touch("up", 1, *page.stop_btn.center))
    assert panel.control.sent[-1:] == [{"op": "stop_loops", "slot": "sampler"}]
    assert panel.state.toast == "stopped 2 loops (C#2, C4): their pads start them again"


def test_encoder_3_stops_the_loops_without_touch(pg: Any) -> None:
    panel = _panel()
    panel.handle(EncoderPress(2, True))
    assert panel.control.sent == [] and panel.state.toast == "no loop is playing"
    _looping(panel, 40)
    panel.handle(EncoderPress(2, True))
    assert panel.control.sent == [{"op": "stop_loops", "slot": "sampler"}]

"""Every page without touch: hold encoder 1's button and turn it (device/ui/panel.PAGE_ENCODER).  Before, the tabs
were touch only, so a box whose touch controller was missing or had stopped answering ("touch not available - the
encoders still work") stayed on the page it was on."""
from __future__ import annotations

from typing import Any

from device.ui.demo import demo_data
from device.ui.events import EncoderPress, EncoderTurn
from tests.ui.conftest import click, panel_on


def _titles(panel: Any) -> list[str]:
    return [p.title for p in panel.pages]


def test_push_and_turn_walks_the_pages_both_ways_and_around(pg: Any) -> None:
    panel = panel_on("Play", demo_data())
    titles = _titles(panel)
    seen = []
    panel.handle(EncoderPress(0, True))
    for _ in range(len(titles)):
        panel.handle(EncoderTurn(0, 1, 1))
        seen.append(panel.page.title)
    panel.handle(EncoderTurn(0, -2, -2))
    seen.append(panel.page.title)
    panel.handle(EncoderPress(0, False))
    assert seen == titles[1:] + titles[:1] + [titles[-2]]
    assert panel.control.sent == []                   # neither the turns nor the press reached a page


def test_a_press_alone_still_reaches_the_page_on_release(pg: Any) -> None:
    """Models: encoder 1's press makes the selected pack active, on release now."""
    data = demo_data()
    panel = panel_on("Models", data)
    page = panel.page
    page.selected = next(i for i, p in enumerate(page.packs) if p.manifest.kind == "effect" and not p.active)
    panel.handle(EncoderPress(0, True))
    assert panel.control.sent == []                   # held back while the button is down
    panel.handle(EncoderPress(0, False))
    assert panel.control.sent and panel.control.sent[-1]["op"] == "load"
    assert panel.page.title == "Models"


def test_turns_without_the_button_and_other_encoders_buttons_are_the_pages_own(pg: Any) -> None:
    panel = panel_on("Play", demo_data())
    corners = list(panel.state.corners)
    panel.handle(EncoderTurn(0, 1, 1))                # encoder 1 alone: the top-left corner's timbre
    assert panel.page.title == "Play" and panel.state.corners[0] != corners[0]
    panel.handle(EncoderPress(1, True))               # another encoder's button held: encoder 1 still turns a corner
    panel.handle(EncoderTurn(0, 1, 1))
    assert panel.page.title == "Play"
    panel.handle(EncoderPress(1, False))
    panel.handle(EncoderPress(0, False))              # a release with no press before it (held at start): nothing
    assert panel.page.title == "Play"
    click(panel, 0)                                   # a plain click on Play does nothing and moves no page
    assert panel.page.title == "Play"

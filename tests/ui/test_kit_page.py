"""The Kit page (device/ui/pages/kit.py): pads that play the sampler's kit, set from the Library page's pick; and the
six tabs it makes fitting narrow screens (device/ui/panel.tab_title)."""
from __future__ import annotations

from typing import Any

import pytest

from device.ui import draw as D
from device.ui.data import MemoryData
from device.ui.demo import demo_data, demo_status
from device.ui.events import EncoderPress, EncoderTurn, Touch
from device.ui.kit_desk import MemoryKit
from device.ui.pages.kit import NO_API
from device.ui.panel import Panel, tab_title
from device.ui.shots import RecordingControl
from tests.ui.conftest import find_text


def _panel(data: Any = None, size: tuple[int, int] = (800, 480)) -> Panel:
    panel = Panel(RecordingControl(demo_status()), data or demo_data(), size)
    panel.set_status(demo_status())
    panel.show_title("Kit")
    panel.page.layout(panel.content)
    return panel


def _pad(panel: Panel, note: int) -> Any:
    return panel.page.pad_rects[note - panel.page.first]


def _press(panel: Panel, name: str, finger: int = 9) -> None:
    panel.handle(Touch("down", finger, *panel.page.buttons[name].center))
    panel.handle(Touch("up", finger, *panel.page.buttons[name].center))


def test_a_pad_plays_its_note_on_the_sampler_alone_louder_higher_up_and_stops_when_let_go(pg: Any) -> None:
    panel = _panel()
    r = _pad(panel, 36)
    panel.handle(Touch("down", 1, r.centerx, r.y))
    panel.handle(Touch("down", 2, *_pad(panel, 38).center))              # a second finger, a second pad
    panel.handle(Touch("up", 1, r.centerx, r.y))
    panel.handle(Touch("down", 1, r.centerx, r.bottom - 2))
    sent = panel.control.sent
    assert [(m["op"], m["note"], m["slot"]) for m in sent] == [("note_on", 36, "sampler"), ("note_on", 38, "sampler"),
                                                              ("note_off", 36, "sampler"), ("note_on", 36, "sampler")]
    assert sent[0]["velocity"] == 127 and sent[3]["velocity"] <= 42 and 70 < sent[1]["velocity"] < 100


def test_an_empty_pad_plays_nothing_and_says_how_to_fill_it(pg: Any) -> None:
    panel = _panel()
    panel.handle(Touch("down", 1, *_pad(panel, 41).center))
    assert panel.control.sent == [] and panel.page.note == 41
    assert "F2 plays nothing" in panel.state.toast


def test_the_library_pick_is_assigned_then_looped_then_cleared(pg: Any) -> None:
    panel = _panel()
    panel.show_title("Library")
    library = panel.page
    library.layout(panel.content)
    panel.handle(EncoderTurn(1, 2, 2))                                    # the third sample of the first tag
    chosen = library.samples[library.sample].path
    panel.show_title("Kit")
    assert panel.state.picked == chosen
    panel.page.layout(panel.content)
    panel.handle(Touch("down", 1, *_pad(panel, 41).center))
    panel.handle(Touch("up", 1, *_pad(panel, 41).center))
    _press(panel, "assign")
    kit = panel.ctx.data.kit
    assert kit.pads()[41].path == chosen and not kit.pads()[41].loop
    surface = pg.Surface((800, 480))
    panel.draw(surface)
    assert find_text(surface, kit.pads()[41].name, 22, D.TEXT)
    _press(panel, "loop")
    assert kit.pads()[41].loop and kit.pads()[41].path == chosen
    _press(panel, "clear")
    assert 41 not in kit.pads()


def test_assign_without_a_pick_and_from_library_over_a_kit_ask_first(pg: Any) -> None:
    panel = _panel()
    kit = panel.ctx.data.kit
    before = kit.pads()
    _press(panel, "assign")
    assert "pick a sample on the Library page first" in panel.state.toast and kit.pads() == before
    kit.clear(36)
    _press(panel, "from library")
    assert 36 not in kit.pads() and "tap again" in panel.state.toast
    _press(panel, "from library")
    assert kit.pads()[36].tag == "kick" and "kit made" in panel.state.toast


def test_encoders_walk_the_pads_and_banks_and_the_second_plays_while_held(pg: Any) -> None:
    panel = _panel()
    page = panel.page
    panel.handle(EncoderTurn(0, -1, -1))                                  # below C2: the bank before
    assert page.note == 35 and page.first == 20
    panel.handle(EncoderTurn(1, 1, 1))                                    # a bank up
    assert page.note == 51 and page.first == 36
    panel.handle(EncoderTurn(0, -2, -2))
    assert page.note == 49                                               # the crash of the demo kit
    panel.handle(EncoderPress(1, True))
    panel.handle(EncoderPress(1, False))
    assert [(m["op"], m["note"]) for m in panel.control.sent] == [("note_on", 49), ("note_off", 49)]
    for _ in range(20):
        panel.handle(EncoderTurn(1, 1, 1))
    assert page.note == 127 and page.first == 112 and page.first + page.size - 1 == 127


def test_without_the_api_the_page_says_the_kit_needs_it_and_changes_nothing(pg: Any) -> None:
    panel = _panel(MemoryData(library=demo_data().library))
    _press(panel, "from library")
    assert panel.state.toast == NO_API[0]
    surface = pg.Surface((800, 480))
    panel.draw(surface)
    assert find_text(surface, D.fit(panel.ctx.fonts, NO_API, 20, 784), 20, D.DIM)


@pytest.mark.parametrize("size", [(800, 480), (480, 320), (320, 480)])
def test_the_six_tabs_show_whole_titles_at_one_size_on_every_screen(pg: Any, size: tuple[int, int]) -> None:
    panel = _panel(size=size)
    shown = [tab_title(panel.ctx.fonts, page, 28, r.width - 4) for page, r in zip(panel.pages, panel.tabs)]
    assert all(not title.endswith("...") for title, _ in shown), shown
    assert all(title in (page.title, page.tab_short) for (title, _), page in zip(shown, panel.pages))
    surface = pg.Surface(size)
    panel.draw(surface)
    common = min(s for _, s in shown)
    kit = next(i for i, p in enumerate(panel.pages) if p.title == "Kit")
    assert find_text(surface, "Kit", common, D.TEXT)
    if size[0] == 800:
        assert [t for t, _ in shown] == [p.title for p in panel.pages] and common == 28
    assert panel.tabs[kit].width * len(panel.pages) <= size[0]


def test_leaving_the_page_with_a_pad_held_lets_its_note_go(pg: Any) -> None:
    panel = _panel()
    panel.handle(Touch("down", 1, *_pad(panel, 38).center))
    panel.handle(EncoderPress(1, True))                                   # the selected pad (38) by encoder too
    panel.handle(Touch("down", 2, *_pad(panel, 36).center))
    panel.handle(Touch("down", 3, 10, 10))                                # a finger on the tab bar: Play
    assert panel.page.title == "Play"
    offs = [m["note"] for m in panel.control.sent if m["op"] == "note_off"]
    assert sorted(offs) == [36, 38]                                       # once each; the finger's up goes nowhere
    panel.handle(Touch("up", 1, 400, 300))
    assert [m["note"] for m in panel.control.sent if m["op"] == "note_off"] == offs

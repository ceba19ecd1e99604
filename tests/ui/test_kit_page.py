"""The Kit page (device/ui/pages/kit.py): pads that play the sampler's kit, set from the Library page's pick; and the
six tabs it makes fitting narrow screens (device/ui/panel.tab_title)."""
from __future__ import annotations

from typing import Any

import pytest

from device.ui import draw as D
from device.ui.data import MemoryData
from device.ui.demo import demo_data, demo_status
from device.ui.events import EncoderPress, EncoderTurn, Touch
from device.ui.pages.kit import NO_API
from device.ui.panel import Panel, tab_title
from device.ui.shots import RecordingControl
from tests.ui.conftest import find_text, pixel


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


# -- the twenty-ninth stop's QA of the page -------------------------------------------------------------------------

@pytest.mark.parametrize("size", [(800, 480), (480, 320)])
def test_pads_stay_put_under_the_finger_in_the_first_and_last_banks(pg: Any, size: tuple[int, int]) -> None:
    panel = _panel(size=size)
    page = panel.page
    for _ in range(20):
        panel.handle(EncoderTurn(1, 1, 1))                                 # to the top bank
    top = page.first
    assert top + page.size == 128
    spot = page.pad_rects[1].center
    for finger in range(3):                                              # the same spot, three times
        panel.handle(Touch("down", finger, *spot))
        panel.handle(Touch("up", finger, *spot))
        assert page.first == top and page.note == top + 1
    panel.handle(Touch("down", 7, *page.next_btn.center))                # the greyed ">" does nothing
    assert page.first == top and page.note == top + 1
    for _ in range(20):
        panel.handle(EncoderTurn(1, -1, -1))                               # to the bottom bank
    assert page.first == 0
    for finger in range(3):
        panel.handle(Touch("down", finger, *spot))
        assert page.first == 0 and page.note == 1


def test_loop_keeps_the_pads_tag(pg: Any) -> None:
    panel = _panel()
    kit = panel.ctx.data.kit
    assert kit.pads()[36].tag == "kick"
    _press(panel, "loop")
    assert kit.pads()[36].loop and kit.pads()[36].tag == "kick"
    _press(panel, "loop")
    assert not kit.pads()[36].loop and kit.pads()[36].tag == "kick"


def test_a_pad_held_twice_sounds_until_the_last_holder_lets_go(pg: Any) -> None:
    panel = _panel()
    c = _pad(panel, 36).center
    panel.handle(Touch("down", 1, *c))
    panel.handle(Touch("down", 2, *c))
    panel.handle(EncoderPress(1, True))                                   # encoder 2 holds the selected C2 too
    panel.handle(Touch("up", 1, *c))
    panel.handle(EncoderPress(1, False))
    assert [m["op"] for m in panel.control.sent] == ["note_on", "note_on", "note_on"]     # still held by finger 2
    panel.handle(Touch("up", 2, *c))
    assert [m["op"] for m in panel.control.sent] == ["note_on", "note_on", "note_on", "note_off"]


def test_the_from_library_question_lapses_after_a_while_and_after_anything_else(pg: Any, monkeypatch) -> None:
    import device.ui.pages.kit as kit_page
    panel = _panel()
    kit = panel.ctx.data.kit
    kit.assign(41, kit.pads()[36].path)
    now = [1000.0]
    monkeypatch.setattr(kit_page.time, "monotonic", lambda: now[0])
    _press(panel, "from library")
    now[0] += kit_page.CONFIRM_S + 0.1                                   # too late: asked again
    _press(panel, "from library")
    assert 41 in kit.pads() and "tap again" in panel.state.toast
    panel.handle(Touch("down", 1, *_pad(panel, 38).center))              # a pad played between the two taps
    panel.handle(Touch("up", 1, *_pad(panel, 38).center))
    _press(panel, "from library")
    assert 41 in kit.pads() and panel.page.confirming()
    _press(panel, "from library")
    assert 41 not in kit.pads()


class HeldReader:
    """A reader that runs jobs only when told (a slow box): :meth:`finish` runs them and their answers."""

    def __init__(self) -> None:
        self.jobs: list[Any] = []

    def submit(self, job: Any, done: Any, *, write: bool = False) -> None:
        self.jobs.append((job, done))

    def deliver(self) -> int:
        return 0

    def close(self) -> None:
        pass

    def finish(self) -> None:
        while self.jobs:
            job, done = self.jobs.pop(0)
            done(job(), None)


def test_a_change_on_its_way_is_said_and_taps_wait_for_it(pg: Any) -> None:
    panel = _panel()
    kit = panel.ctx.data.kit
    reader = HeldReader()
    panel.ctx.reader = reader
    kit.assign(41, kit.pads()[36].path)
    panel.page.pads = kit.pads()
    _press(panel, "from library")
    _press(panel, "from library")
    _press(panel, "from library")                                        # impatient: a third and a fourth tap
    _press(panel, "from library")
    assert len(reader.jobs) == 1 and "making the kit" in panel.state.toast and "wait" in panel.state.toast
    surface = pg.Surface((800, 480))
    panel.draw(surface)
    assert find_text(surface, "making the kit from the library...", 20, D.DIM)
    reader.finish()
    assert 41 not in kit.pads() and panel.page.changing == "" and "kit made" in panel.state.toast


def test_only_a_sample_the_musician_chose_on_the_library_page_is_the_pick(pg: Any) -> None:
    panel = _panel()
    for title in ("Library", "Kit", "Play", "Library", "Kit"):          # passing through, touching nothing
        panel.show_title(title)
    assert panel.state.picked == ""
    panel.show_title("Library")
    panel.handle(EncoderPress(1, True))                                   # played there (encoder 2)
    played = panel.page.samples[panel.page.sample].path
    assert panel.state.picked == played


def test_a_missing_pad_says_its_sample_is_gone_and_cannot_loop(pg: Any) -> None:
    from device.kit import Pad
    panel = _panel()
    page = panel.page
    page.pads[38] = Pad(38, "/box/libraries/drums/files/gone.wav", "snare", False, missing=True)
    panel.handle(Touch("down", 1, *_pad(panel, 38).center))
    assert panel.control.sent == [] and panel.state.toast == "D2: gone.wav is no longer on the box"
    _press(panel, "loop")
    assert "plays nothing to loop" in panel.state.toast


def test_without_the_api_an_empty_pad_says_the_kit_needs_it(pg: Any) -> None:
    panel = _panel(MemoryData(library=demo_data().library))
    panel.handle(Touch("down", 1, *_pad(panel, 40).center))
    assert panel.state.toast == NO_API[0]


def test_a_long_tag_is_cut_rather_than_swapped_for_the_file_name(pg: Any) -> None:
    from device.kit import Pad
    panel = _panel(size=(320, 480))
    panel.page.pads[10] = Pad(10, "/box/libraries/drums/files/k.wav", "kick drum long decay", True)
    panel.page._show(10)                                                 # A#-1: a long note name
    surface = pg.Surface((320, 480))
    panel.draw(surface)
    r = _pad(panel, 10)
    label = D.fit(panel.ctx.fonts, ("kick drum long decay",), 22, r.width - 12)
    assert label.startswith("kick") and label.endswith("...")
    assert find_text(surface, label, 22, D.TEXT)
    assert not find_text(surface, "loop", 18, D.DIM)                      # no room beside "A#-1" at 18 px
    assert find_text(surface, "loop", 14, D.DIM)                          # the word smaller (p52 FR4 #3), no dot
    panel.page.pads[10] = Pad(10, "/box/libraries/drums/files/k.wav", "kick drum long decay", True, latch=True)
    panel.draw(surface)
    assert not find_text(surface, "latch", 14, D.DIM)                     # "latch" fits neither: a dot
    assert pixel(surface, r.right - 12, r.y + 12) == D.DIM


@pytest.mark.parametrize("size", [(480, 320), (800, 480)])
def test_a_tabs_mark_sits_beside_its_title_not_on_it(pg: Any, size: tuple[int, int], monkeypatch) -> None:
    from device.ui.pages.effect import EffectPage
    monkeypatch.setattr(EffectPage, "mark", lambda self: D.BAD)
    panel = _panel(size=size)
    surface = pg.Surface(size)
    panel.draw(surface)
    shown = [tab_title(panel.ctx.fonts, p, 28, r.width - 4 - (18 if p.title == "Effect" else 0))
             for p, r in zip(panel.pages, panel.tabs)]
    common = min(s for _, s in shown)
    effect = next(i for i, p in enumerate(panel.pages) if p.title == "Effect")
    (x, y), = find_text(surface, shown[effect][0], common, D.DIM)          # whole, not crossed by the red dot
    w = pg.font.Font(None, common).size(shown[effect][0])[0]
    tab = panel.tabs[effect]
    area = pg.surfarray.pixels3d(surface.subsurface(pg.Rect(tab.x, 0, tab.width, 32)))
    red = (area[..., 0] == D.BAD[0]) & (area[..., 1] == D.BAD[1]) & (area[..., 2] == D.BAD[2])
    assert red.any() and red.nonzero()[0].min() + tab.x >= x + w + 3      # a gap between the title and its dot

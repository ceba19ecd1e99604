"""The panel after a hands-on look at every page (twenty-sixth stop). Long lists scroll by touch: a finger dragged
along the Models list or the Library's tags or samples moves through them, and a marker says where the rows on screen lie.
Before, a swipe only selected the row it started on: pack 40 of 40 took 12 taps, and in retag mode only the 8 tags
on screen could be reached by touch (a tag was chosen the moment a finger touched it)."""
from __future__ import annotations

from typing import Any

from device.ui import draw as D
from device.ui.data import MemoryData, PackEntry, Sample
from device.ui.demo import manifest
from device.ui.events import Touch
from device.ui.pages.library import ROW as LIB_ROW
from device.ui.pages.models import ROW as MODELS_ROW
from tests.ui.conftest import drawn, panel_on, pixel, tap


def _drag(panel: Any, x: float, y0: float, y1: float, steps: int = 6, finger: int = 0) -> None:
    panel.handle(Touch("down", finger, x, y0))
    for k in range(1, steps + 1):
        panel.handle(Touch("move", finger, x, y0 + (y1 - y0) * k / steps))
    panel.handle(Touch("up", finger, x, y1))


def _packs(n: int) -> MemoryData:
    return MemoryData(pack_list=[PackEntry(f"effect-{i:02d}", manifest("effect", f"pedal {i:02d}"),
                                           f"/box/packs/effect-{i:02d}/pack.hatpack", i == 0) for i in range(n)])


def test_a_drag_up_the_models_list_moves_down_it_and_a_small_wobble_is_a_tap(pg: Any) -> None:
    panel = panel_on("Models", _packs(40))
    page = panel.page
    drawn(pg, panel)
    last = page.pack_rows[-1]                                                  # row 7 of 40 on screen
    _drag(panel, last.centerx, last.centery, last.centery - 5 * MODELS_ROW)    # five rows up
    assert page.selected == len(page.pack_rows) - 1 + 5 and not panel.control.sent
    _drag(panel, last.centerx, last.centery, last.centery - 40 * MODELS_ROW)
    assert page.selected == 39                                                   # stops at the end
    from device.ui.pages.base import scroll_window
    first = scroll_window(page.selected, len(page.packs), len(page.pack_rows))
    middle = page.pack_rows[2]
    _drag(panel, middle.centerx, middle.centery, middle.centery + 5)            # a finger that wobbles: a tap
    assert page.selected == first + 2


def test_a_long_list_shows_where_its_rows_lie(pg: Any) -> None:
    panel = panel_on("Models", _packs(40))
    surface = drawn(pg, panel)
    rows = panel.page.pack_rows
    x = rows[0].right - 3
    assert pixel(surface, x, rows[0].top + 6) == D.DIM                          # at the top of the list
    assert pixel(surface, x, rows[-1].bottom - 6) == D.TRACK
    short = panel_on("Models", _packs(3))
    surface = drawn(pg, short)
    assert D.DIM != pixel(surface, short.page.pack_rows[0].right - 3, short.page.pack_rows[0].top + 6)


def _library(tags: int) -> MemoryData:
    return MemoryData(library={f"tag {t:02d}": [Sample(f"/lib/t{t:02d}_{i}.wav", 0.9 - i / 100) for i in range(3)]
                               for t in range(tags)})


def test_in_retag_mode_a_drag_scrolls_the_tags_and_a_tap_chooses_one(pg: Any) -> None:
    panel = panel_on("Library", _library(30))
    page = panel.page
    drawn(pg, panel)
    moving = page.samples[0]
    tap(panel, *page.retag_btn.center)
    assert page.retag == moving
    start = page.tag
    row = page.tag_rows[0]                                                     # the cursor's own row is the first
    _drag(panel, row.centerx, row.centery, row.centery - 20 * LIB_ROW, steps=20)   # twenty tags on
    drawn(pg, panel)
    assert page.retag == moving and page.tag == start + 20                    # nothing chosen by the drag
    from device.ui.pages.base import scroll_window
    at = scroll_window(page.tag, len(page.tags), len(page.tag_rows))
    target = page.tags[at + len(page.tag_rows) - 1]                           # the last tag on screen now
    assert page.tags.index(target) > 20
    tap(panel, *page.tag_rows[-1].center)
    assert page.retag is None
    assert panel.ctx.data.file_tags(moving.path)[0] == [target]


def test_a_drag_along_the_samples_moves_through_them_without_playing_each(pg: Any) -> None:
    data = MemoryData(library={"kick": [Sample(f"/lib/k{i:02d}.wav", 0.99 - i / 100) for i in range(30)]})
    panel = panel_on("Library", data)
    page = panel.page
    drawn(pg, panel)
    row = page.sample_rows[0]
    _drag(panel, row.centerx, row.centery, row.centery - 10 * LIB_ROW, steps=10)
    assert page.sample == 10
    assert sum(m["op"] == "sample" for m in panel.control.sent) <= 1           # the touch down's, at most


def test_dropouts_mark_the_settings_tab_while_they_happen(pg: Any) -> None:
    """Before: xruns rising (clicks heard) showed nowhere but a plain number on the Settings page."""
    from device.ui.panel import Panel
    from device.ui.shots import RecordingControl
    from tests.ui.test_fault_notice import _marked
    panel = Panel(RecordingControl(), MemoryData(), (800, 480))
    panel.show_title("Play")
    settings = next(p for p in panel.pages if p.title == "Settings")
    now = [500.0]
    settings.clock = lambda: now[0]
    base = {"xruns": 1234, "load_mean": 0.9, "load_p999": 1.8}
    panel.set_status(base)                                   # old xruns, from before the panel: not news
    assert not _marked_in(pg, panel, "Settings", D.ACCENT)
    panel.set_status({**base, "xruns": 1240})
    assert _marked_in(pg, panel, "Settings", D.ACCENT)
    panel.show_title("Settings")
    assert ("xruns", "1240: dropouts now (audio load too high)") in settings.lines()
    now[0] += 11.0                                           # none for ten seconds
    panel.set_status({**base, "xruns": 1240})
    assert not _marked_in(pg, panel, "Settings", D.ACCENT) and ("xruns", "1240") in settings.lines()
    assert not _marked(pg, panel, "Settings")                # the red of a fault is not used for it


def _marked_in(pg: Any, panel: Any, title: str, colour: tuple[int, int, int]) -> bool:
    surface = pg.Surface(panel.size)
    panel.draw(surface)
    tab = panel.tabs[[p.title for p in panel.pages].index(title)]
    area = pg.surfarray.pixels3d(surface.subsurface(pg.Rect(tab.x, 0, tab.width, 32)))
    return bool(((area[..., 0] == colour[0]) & (area[..., 1] == colour[1]) & (area[..., 2] == colour[2])).any())


def test_the_volume_row_follows_the_engine_and_a_turn_starts_from_there(pg: Any) -> None:
    """Before: the row showed the panel's own memory (a volume set over OSC was not seen, and the next turn jumped
    back from the panel's old value), and each turn past +6 dB sent +6 again."""
    from device.audio.engine import Engine, EngineConfig
    from device.ui.events import EncoderTurn
    engine = Engine(EngineConfig(rate=48000, block=128))
    engine.handle({"op": "volume", "db": -12.0})                 # over OSC, say
    assert engine.status()["volume_db"] == -12.0
    panel = panel_on("Settings", MemoryData(), status=engine.status())
    settings = panel.page
    panel.set_status(engine.status())
    assert ("volume", "-12.0 dB (knob 1)") in settings.lines()
    panel.handle(EncoderTurn(0, 1, 1))
    assert panel.control.sent[-1] == {"op": "volume", "db": -11.5}
    panel.set_status({**engine.status(), "volume_db": 6.0})     # another panel turned it up
    now = [settings.clock() + 5.0]
    settings.clock = lambda: now[0]
    panel.set_status({**engine.status(), "volume_db": 6.0})
    sent = len(panel.control.sent)
    panel.handle(EncoderTurn(0, 1, 1))                           # at the top already: nothing sent
    assert len(panel.control.sent) == sent and ("volume", "+6.0 dB (knob 1)") in settings.lines()


def test_settings_say_where_a_laptop_pairs_and_why_there_is_no_code(pg: Any) -> None:
    """Before: no address anywhere on the panel, and without the API the code read "------" with nothing saying why."""
    panel = panel_on("Settings", MemoryData(setting={"address": "http://192.168.1.20:8000"}))
    assert ("address", "http://192.168.1.20:8000") in panel.page.lines()
    assert panel.page.pairing_state()[0][-1] == "API not running"
    surface = drawn(pg, panel)
    from tests.ui.conftest import find_text
    assert find_text(surface, "http://192.168.1.20:8000", 26, D.TEXT)

"""The Library page never waits on a library database: its queries and writes run on the reader's
worker (device/ui/reader.py), the latest request winning, and their answers are shown at a later
frame.  Meanwhile the page says so and acts on no row of the list being replaced.

``Gated`` stands for a library that a tagging run holds locked: while its ``free`` event is clear
every query waits (sqlite's 30 s busy timeout, shortened to :data:`HOLD_S`) and then gives up as
sqlite does."""
from __future__ import annotations

import sqlite3
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

import pytest

import device.ui.pages.library as library_mod
import device.ui.panel as panel_mod
from device.ui import draw as D
from device.ui.app import PanelApp, resolve_board
from device.ui.data import MemoryData, PackEntry, Sample
from device.ui.demo import manifest
from device.ui.events import EncoderPress, EncoderTurn, Touch
from device.ui.pages.library import BUSY, READING
from device.ui.panel import Panel
from device.ui.reader import InlineReader, ThreadReader
from device.ui.shots import RecordingControl
from export.manifest import Knob
from tests.ui.conftest import find_text, tap

HOLD_S = 8.0          # how long a locked query waits before giving up (sqlite: 30 s)
BIG = [Sample(f"/l/big_{i}.wav") for i in range(10)]
SMALL = [Sample("/l/s_0.wav"), Sample("/l/s_1.wav")]


@dataclass
class Gated(MemoryData):
    """A library whose every query and write waits while ``free`` is clear (a tagging run holds it)."""

    free: threading.Event = field(default_factory=threading.Event)
    error: Exception | None = None                 # raised at once by every query when set
    calls: list[str] = field(default_factory=list)

    def _db(self, what: str) -> None:
        self.calls.append(what)
        if self.error is not None:
            raise self.error
        if not self.free.wait(HOLD_S):
            raise sqlite3.OperationalError("database is locked")

    def tags(self) -> dict[str, int]:
        self._db("tags")
        return super().tags()

    def samples(self, tag: str, limit: int | None = None) -> list[Sample]:
        self._db(f"samples {tag}")
        return super().samples(tag, limit)

    def unsure(self, k: int = 50) -> list[Sample]:
        self._db("unsure")
        return super().unsure(k)

    def similar(self, path: str, k: int = 8) -> list[Sample]:
        self._db("similar")
        return super().similar(path, k)

    def set_tags(self, path: str, tags: list[str]) -> None:
        self._db("set_tags")
        super().set_tags(path, tags)

    def file_tags(self, path: str) -> tuple[list[str], bool]:
        self._db("file_tags")
        return super().file_tags(path)


class Clock:
    """Stands in for the library page module's ``time``: a monotonic clock moved by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def monotonic(self) -> float:
        return self.now


@dataclass
class Rig:
    data: Gated
    reader: ThreadReader
    panel: Panel
    surface: Any

    @property
    def page(self) -> Any:
        return self.panel.page

    def frame(self) -> Any:
        """Let the worker finish what it can, then draw a frame (answers are taken here)."""
        assert self.reader.wait(5.0)
        self.panel.draw(self.surface)
        return self.surface

    def shown(self, text: str, size: int = 24, colour: tuple[int, int, int] = D.TEXT) -> bool:
        return bool(find_text(self.surface, text, size, colour))


@pytest.fixture
def rig(pg: Any) -> Iterator[Rig]:
    data = Gated(library={"big": list(BIG), "small": list(SMALL)})
    data.free.set()
    reader = ThreadReader()
    panel = Panel(RecordingControl(), data, (800, 480), reader=reader)
    yield Rig(data, reader, panel, pg.Surface((800, 480)))
    data.free.set()
    reader.close()


def _until(cond: Callable[[], Any], seconds: float = 5.0, step: Callable[[], None] | None = None) -> bool:
    """Poll ``cond`` (running ``step`` in between) until it holds or ``seconds`` pass."""
    end = time.monotonic() + seconds
    while not cond() and time.monotonic() < end:
        (step or (lambda: time.sleep(0.005)))()
    return bool(cond())


def test_a_tap_on_a_list_being_reloaded_acts_on_nothing(rig: Rig) -> None:
    rig.panel.show_title("Library")
    rig.frame()
    page = rig.page
    assert rig.shown("big_6.wav")
    row7 = page.sample_rows[6].center
    rig.data.free.clear()                                          # a tagging run locks the library
    tap(rig.panel, *page.tag_rows[1].center)   # small: asked for, not here yet
    assert page.loading() and page.tags[page.tag] == "small" and page.sample_rows == []
    for event in (Touch("down", 1, *row7), EncoderPress(1, True), Touch("down", 2, *page.play_btn.center),
                  EncoderTurn(1, 1, 1), EncoderPress(2, True), EncoderPress(3, True),
                  Touch("down", 3, *page.more_btn.center), Touch("down", 4, *page.retag_btn.center)):
        rig.panel.handle(event)                                    # big's rows, play, more, retag: nothing
    assert rig.panel.control.sent == [] and page.retag is None and page.similar_to is None
    rig.panel.draw(rig.surface)
    assert rig.shown(READING[0], 20, D.DIM) and not rig.shown("big_6.wav")
    rig.data.free.set()
    assert rig.reader.wait(5.0)
    assert page.loading() and page.samples == BIG                  # answered: shown at the next frame only
    rig.frame()
    assert not page.loading() and page.samples == SMALL and rig.shown("s_1.wav")
    rig.panel.handle(Touch("down", 0, *page.sample_rows[1].center))
    assert rig.panel.control.sent == [{"op": "sample", "path": "/l/s_1.wav", "velocity": 100}]


def test_the_page_says_the_library_is_busy_while_it_stays_locked(rig: Rig, monkeypatch: Any) -> None:
    clock = Clock()
    monkeypatch.setattr(library_mod, "time", clock)
    rig.data.free.clear()
    started = time.monotonic()
    rig.panel.show_title("Library")                                # the tags cannot be read yet
    assert time.monotonic() - started < 0.5
    rig.panel.draw(rig.surface)
    assert rig.shown(READING[0], 30, D.DIM) and not rig.shown("no tagged library on the box", 30, D.DIM)
    clock.now += library_mod.BUSY_S + 0.5
    rig.panel.draw(rig.surface)
    assert rig.shown(BUSY[0], 30, D.ACCENT)
    rig.data.free.set()
    rig.frame()
    assert rig.page.tags == ["big", "small"] and rig.shown("big_0.wav")
    rig.data.free.clear()                                          # with a list on screen: the status line
    rig.panel.handle(EncoderTurn(0, 1, 1))
    rig.panel.draw(rig.surface)
    clock.now += library_mod.BUSY_S + 0.5
    rig.panel.draw(rig.surface)
    assert rig.shown(BUSY[0], 20, D.ACCENT) and not rig.shown("big_0.wav")


def test_the_latest_request_wins(rig: Rig) -> None:
    rig.data.library = {f"t{i}": [Sample(f"/l/{i}.wav")] for i in range(6)}
    rig.panel.show_title("Library")
    rig.frame()
    rig.data.free.clear()
    rig.data.calls.clear()
    rig.panel.handle(EncoderTurn(0, 1, 1))
    rig.panel.draw(rig.surface)                                    # asks for t1: the worker waits on the lock
    assert _until(lambda: rig.data.calls == ["samples t1"])
    for _ in range(4):                                             # a frame after each detent: t2 .. t5
        rig.panel.handle(EncoderTurn(0, 1, 1))
        rig.panel.draw(rig.surface)
    rig.data.free.set()
    rig.frame()
    assert rig.data.calls == ["samples t1", "samples t5"] and rig.reader.dropped == 3
    assert rig.page.tags[rig.page.tag] == "t5" and rig.page.samples == [Sample("/l/5.wav")]


def test_a_retag_written_while_locked_is_never_dropped(rig: Rig) -> None:
    a = "/l/a.wav"
    rig.data.library = {"kick": [Sample(a), Sample("/l/b.wav")], "snare": [Sample("/l/c.wav")]}
    rig.panel.show_title("Library")
    rig.frame()
    rig.panel.handle(EncoderPress(3, True))                        # retag a.wav: its tags are read first
    rig.frame()
    assert rig.page.retag == Sample(a)
    rig.data.free.clear()
    tap(rig.panel, *rig.page.tag_rows[1].center)    # -> snare: the write waits on the lock
    rig.panel.handle(EncoderTurn(0, 1, 1))                         # and the user moves on before it is done
    rig.panel.draw(rig.surface)
    rig.data.free.set()
    rig.frame()
    assert rig.data.file_tags(a) == (["snare"], False) and rig.panel.state.toast == "a.wav -> snare"
    assert rig.page.tags[rig.page.tag] == "snare" and rig.page.samples[0] == Sample(a, 1.0, True)


def test_a_query_that_gives_up_is_a_message_and_leaves_no_stale_rows(rig: Rig) -> None:
    rig.panel.show_title("Library")
    rig.frame()
    rig.data.error = sqlite3.OperationalError("database is locked")
    tap(rig.panel, *rig.page.tag_rows[1].center)
    rig.frame()
    page = rig.page
    assert rig.panel.state.toast == "library: database is locked"
    assert not page.loading() and page.samples == [] and page.sample_rows == [] and not rig.shown("big_0.wav")
    rig.panel.handle(EncoderPress(1, True))
    assert rig.panel.control.sent == []


def test_a_first_read_that_fails_says_so_and_is_retried(rig: Rig, monkeypatch: Any) -> None:
    # the bug: the page said "no tagged library on the box" (beside the error) until the next refresh
    rig.data.error = sqlite3.OperationalError("database is locked")
    rig.panel.show_title("Library")
    rig.frame()
    assert rig.panel.state.toast == "library: database is locked"
    assert rig.shown("could not read the library (database is locked), retrying...", 30, D.BAD)
    assert not rig.shown("no tagged library on the box", 30, D.DIM)
    monkeypatch.setattr(panel_mod, "REFRESH_S", 0.0)
    rig.panel.set_status({})                                       # the periodic re-read: still locked
    rig.frame()
    assert rig.shown("could not read the library (database is locked), retrying...", 30, D.BAD)
    rig.data.error = None
    rig.panel.set_status({})                                       # ... and then it reads
    rig.frame()
    assert rig.page.tags == ["big", "small"] and rig.shown("big_0.wav")
    assert not rig.shown("could not read the library (database is locked), retrying...", 30, D.BAD)
    rig.data.library.clear()                                       # a box that really has no library says so
    rig.panel.show_title("Play")
    rig.panel.show_title("Library")
    rig.frame()
    assert rig.shown("no tagged library on the box", 30, D.DIM)


def test_a_refresh_on_its_way_leaves_the_list_usable(rig: Rig, monkeypatch: Any) -> None:
    rig.panel.show_title("Library")
    rig.frame()
    monkeypatch.setattr(panel_mod, "REFRESH_S", 0.0)
    rig.data.free.clear()
    rig.data.library["aaa"] = [Sample("/l/new.wav")]               # tagged meanwhile; read back later
    rig.panel.set_status({})                                       # the periodic re-read: waits on the lock
    rig.panel.draw(rig.surface)
    page = rig.page
    assert not page.loading() and rig.shown("big_2.wav")
    rig.panel.handle(Touch("down", 0, *page.sample_rows[2].center))
    assert rig.panel.control.sent == [{"op": "sample", "path": "/l/big_2.wav", "velocity": 100}]
    rig.data.free.set()
    rig.frame()
    assert page.tags == ["aaa", "big", "small"] and page.tags[page.tag] == "big"
    assert page.samples[page.sample].path == "/l/big_2.wav"


def test_closing_a_reader_stuck_on_a_locked_library_does_not_wait_for_it() -> None:
    gate = threading.Event()
    reader = ThreadReader()
    reader.submit(lambda: gate.wait(HOLD_S), lambda value, error: None)
    assert _until(reader.busy)
    started = time.monotonic()
    reader.close(timeout=0.1)
    assert time.monotonic() - started < 1.0
    gate.set()


def test_the_inline_reader_answers_at_once() -> None:
    got: list[Any] = []
    InlineReader().submit(lambda: 42, lambda value, error: got.append((value, error)))
    InlineReader().submit(lambda: 1 / 0, lambda value, error: got.append((value, type(error))))
    assert got == [(42, None), (None, ZeroDivisionError)]


# -- the app loop over a locked library ---------------------------------------------------------------

def _steps(app: PanelApp, seconds: float) -> float:
    """Run the app loop for ``seconds``; the longest single pass (s)."""
    longest, end = 0.0, time.monotonic() + seconds
    while time.monotonic() < end:
        t0 = time.perf_counter()
        app.step()
        longest = max(longest, time.perf_counter() - t0)
    return longest


def _tap(app: PanelApp, x: float, y: float) -> float:
    """Tap the glass at (x, y) through the simulated touch controller; the longest loop pass (s)."""
    assert app.hands is not None
    app.hands.finger(0, x, y)
    longest = _steps(app, 0.15)
    app.hands.finger(0, None)
    return max(longest, _steps(app, 0.1))


def test_the_app_loop_never_waits_on_a_locked_library(pg: Any) -> None:
    # the bug: a query on the frame loop held it until sqlite gave up (30 s), knobs and pages frozen
    fx = PackEntry("effect-0", manifest("effect", "Fx", knobs=[Knob("drive", 0.0, 24.0, 6.0, "dB")]), "/p/fx", True)
    data = Gated(library={"big": list(BIG), "small": list(SMALL)}, pack_list=[fx])     # locked from the start
    control = RecordingControl()
    app = PanelApp(control, resolve_board("sim", True), sim=True, data=data, headless=True)
    try:
        _steps(app, 0.1)
        longest = _tap(app, *app.panel.tabs[2].center)
        assert app.panel.page.title == "Library"
        frames = app.display.frames
        longest = max(longest, _steps(app, 1.2))
        assert longest < 0.25, f"a pass of the loop took {longest:.2f} s"
        assert app.display.frames - frames >= 15
        surface = pg.Surface(app.panel.size)
        app.panel.draw(surface)
        assert find_text(surface, BUSY[0], 30, D.ACCENT)
        _tap(app, *app.panel.tabs[1].center)                       # the Effect page and its knobs answer
        assert app.panel.page.title == "Effect"
        assert app.hands is not None
        app.hands.turn(0, 1)
        assert _until(lambda: control.sent, 2.0, app.step)
        assert control.sent[-1]["op"] == "knob" and control.sent[-1]["name"] == "drive"
        data.free.set()                                            # the tagging run lets go
        _tap(app, *app.panel.tabs[2].center)
        page = app.panel.page
        assert _until(lambda: page.samples == BIG and not page.loading(), 5.0, app.step)
        assert page.tags == ["big", "small"] and not app.panel.state.toast
    finally:
        data.free.set()
        app.close()

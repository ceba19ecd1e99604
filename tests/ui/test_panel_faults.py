"""The panel keeps running whatever fails (the engine, the data, a page), fingers stay with the page
they came down on, and messages show in the tab bar for a while without covering the page."""
from __future__ import annotations

import sqlite3
from typing import Any

import pytest

import device.ui.panel as panel_mod
from device.ui import draw as D
from device.ui.app import PanelApp, resolve_board
from device.ui.data import MemoryData, PackEntry, Sample
from device.ui.demo import demo_data, demo_status, manifest
from device.ui.events import EncoderTurn, Touch
from device.ui.panel import MESSAGE_SIZE, TAB_H, Panel
from device.ui.shots import RecordingControl
from export.manifest import Knob
from hatbox.errors import HatboxError
from tests.ui.conftest import click, find_text


class Refusing(RecordingControl):
    """An engine proxy whose ``send`` raises like EngineProcess._call (gone, silent or refusing)."""

    def __init__(self, error: Exception, status: dict[str, Any] | None = None) -> None:
        super().__init__(status)
        self.error = error
        self.tried: list[dict[str, Any]] = []

    def send(self, message: dict[str, Any]) -> None:
        self.tried.append(message)
        raise self.error


@pytest.mark.parametrize("error", [HatboxError("the audio engine is not running"),
                                   HatboxError("engine: knob 'drive' = 30 dB is outside its range 0..24 dB"),
                                   ConnectionResetError("pipe closed")])
def test_a_failing_send_is_a_message_and_the_panel_keeps_going(pg: Any, error: Exception) -> None:
    control = Refusing(error, demo_status())
    panel = Panel(control, demo_data(), (800, 480))
    pad = panel.page.pad
    panel.handle(Touch("down", 0, *pad.center))                # the musician touches the pad: no crash
    assert panel.state.toast == str(error) and panel.sent == 0
    panel.handle(Touch("move", 0, pad.centerx + 20, pad.centery))
    panel.handle(EncoderTurn(0, 1, 1))
    assert [m["op"] for m in control.tried] == ["xy", "xy", "corners"]
    surface = pg.Surface((800, 480))
    panel.draw(surface)
    assert find_text(surface, str(error), MESSAGE_SIZE, D.ACCENT)


def test_a_gone_engine_does_not_stop_the_app_loop(pg: Any) -> None:
    class Gone:
        def send(self, message: dict[str, Any]) -> None:
            raise HatboxError("the audio engine is not running")

        def status(self) -> dict[str, Any]:
            raise HatboxError("the audio engine is not running")

    app = PanelApp(Gone(), resolve_board("sim", True), sim=True, data=demo_data(), headless=True)
    try:
        app.run(0.1)
        pad = app.panel.page.pad
        assert app.hands is not None
        app.hands.finger(0, pad.centerx, pad.centery)
        frames = app.display.frames
        app.run(0.3)
        assert app.display.frames > frames and app.panel.state.toast == "the audio engine is not running"
    finally:
        app.close()


class Locked(MemoryData):
    """A library whose database stays locked past sqlite's busy timeout."""

    def samples(self, tag: str, limit: int | None = None) -> list[Sample]:
        raise sqlite3.OperationalError("database is locked")


def test_a_locked_library_database_is_a_message(pg: Any) -> None:
    data = Locked(library={"kick": [Sample("/l/k.wav")]})
    panel = Panel(RecordingControl(), data, (800, 480))
    panel.show_title("Library")                                # reading the samples fails here...
    assert panel.state.toast == "library: database is locked"
    panel.handle(EncoderTurn(0, 1, 1))
    panel.handle(Touch("down", 0, *panel.page.unsure_btn.center))      # ... and here
    panel.draw(pg.Surface((800, 480)))
    assert panel.page.title == "Library" and panel.state.toast == "library: database is locked"


def test_a_tap_in_the_same_frame_as_a_list_change_uses_the_list_now_on_screen(pg: Any) -> None:
    lib = {"big": [Sample(f"/l/big_{i}.wav") for i in range(10)], "small": [Sample("/l/s_0.wav"), Sample("/l/s_1.wav")]}
    panel = Panel(RecordingControl(), MemoryData(library=lib), (800, 480))
    panel.show_title("Library")
    panel.draw(pg.Surface((800, 480)))
    page = panel.page
    row7, tag2 = page.sample_rows[6].center, page.tag_rows[1].center
    panel.handle(EncoderTurn(0, 1, 1))                         # big -> small; no frame drawn in between
    panel.handle(Touch("down", 0, *row7))                      # where big's 7th sample was: nothing there now
    assert panel.control.sent == [] and not panel.state.toast
    panel.handle(Touch("down", 1, *page.tag_rows[0].center))   # big again, then small by touch...
    panel.handle(Touch("down", 2, *tag2))
    panel.handle(Touch("down", 3, *page.sample_rows[1].center))   # ... and its 2nd sample, same frame
    assert panel.control.sent == [{"op": "sample", "path": "/l/s_1.wav", "velocity": 100}]


def _effect_panel(pg: Any) -> Panel:
    pack = PackEntry("effect-0", manifest("effect", "Fx", knobs=[Knob("drive", 0.0, 24.0, 6.0, "dB")]), "/p/fx", True)
    panel = Panel(RecordingControl(), MemoryData(pack_list=[pack]), (800, 480))
    panel.show_title("Effect")
    return panel


def test_a_knob_drag_ends_when_its_page_goes_away(pg: Any) -> None:
    panel = _effect_panel(pg)
    dial = panel.page.dials[0][2].center
    panel.handle(Touch("down", 0, *dial))                      # finger 0 holds the knob
    panel.handle(Touch("down", 1, *panel.tabs[0].center))      # finger 1 switches to Play
    panel.handle(Touch("up", 1, *panel.tabs[0].center))
    panel.handle(Touch("up", 0, *dial))                        # finger 0 lifts over Play
    panel.handle(Touch("down", 0, *panel.tabs[1].center))      # then taps the Effect tab
    panel.handle(Touch("move", 0, panel.tabs[1].centerx, panel.tabs[1].centery + 1))
    panel.handle(Touch("up", 0, panel.tabs[1].centerx, panel.tabs[1].centery + 1))
    panel.handle(Touch("down", 2, *dial))                      # and the second page switch, without an up
    panel.show_title("Play")
    panel.show_title("Effect")
    panel.handle(Touch("move", 2, dial[0], dial[1] - 100))
    assert panel.state.knobs["drive"] == 6.0 and panel.control.sent == []


def test_a_finger_that_came_down_on_the_tab_bar_moves_nothing(pg: Any) -> None:
    panel = Panel(RecordingControl(), demo_data(), (800, 480))
    pad = panel.page.pad
    panel.handle(Touch("down", 0, *pad.center))                # finger 0 on the pad
    panel.handle(Touch("down", 1, *panel.tabs[4].center))      # finger 1: Settings
    panel.handle(Touch("up", 1, *panel.tabs[4].center))
    panel.handle(Touch("up", 0, *pad.center))
    panel.handle(Touch("down", 0, *panel.tabs[0].center))      # later: the Play tab
    panel.control.sent.clear()
    panel.handle(Touch("move", 0, panel.tabs[0].centerx + 1, panel.tabs[0].centery))
    panel.handle(Touch("up", 0, panel.tabs[0].centerx + 1, panel.tabs[0].centery))
    assert panel.control.sent == []
    panel.handle(Touch("down", 5, *pad.center))                # a finger on the page still plays
    panel.handle(Touch("move", 5, pad.centerx, pad.y - 10))    # dragged up over the tab bar: still the pad's
    assert [m["op"] for m in panel.control.sent] == ["xy", "xy"] and panel.control.sent[1]["y"] == 1.0


class Clock:
    """Stands in for the panel module's ``time``: a monotonic clock moved by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def monotonic(self) -> float:
        return self.now


def test_messages_expire_and_the_same_one_again_shows_again(pg: Any, monkeypatch: Any) -> None:
    clock = Clock()
    monkeypatch.setattr(panel_mod, "time", clock)
    panel = Panel(RecordingControl(), demo_data(), (800, 480))
    surface = pg.Surface((800, 480))

    def shown(text: str, colour: tuple[int, int, int] = D.ACCENT) -> bool:
        panel.draw(surface)
        return bool(find_text(surface, text, MESSAGE_SIZE, colour))

    panel.state.toast = "saved"
    assert shown("saved")
    clock.now += 3.0
    assert shown("saved")
    clock.now += 3.0                                           # a few seconds later: gone
    assert not shown("saved") and panel.state.toast == ""
    panel.state.toast = "saved"                                # the same words again: shown again
    assert shown("saved")
    panel.state.say("saved")                                   # ... and said again, for the full time again
    clock.now += 3.0
    panel.state.say("saved")
    clock.now += 3.0
    assert shown("saved")
    panel.state.offline = "engine not answering: gone"         # lasts as long as the engine is silent
    clock.now += 60.0
    assert not shown("saved") and shown("engine not answering: gone", D.BAD)


def test_engine_trouble_shows_while_it_lasts_and_live_values_go_grey(pg: Any) -> None:
    class Flaky(RecordingControl):
        up = True

        def status(self) -> dict[str, Any]:
            if not self.up:
                raise HatboxError("the audio engine did not answer")
            return demo_status()                               # notes C4 E4 G4, peak -9.5 dB

    control = Flaky(demo_status())
    app = PanelApp(control, resolve_board("sim", True), sim=True, data=demo_data(), headless=True)
    surface = pg.Surface(app.panel.size)
    trouble = "engine not answering: the audio engine did not answer"

    def on_screen() -> str:
        state = app.panel.state
        return f"{state.toast} | {getattr(state, 'offline', '')}"

    try:
        app.run(0.3)
        app.panel.draw(surface)
        assert find_text(surface, "C4 E4 G4", 26, D.TEXT)
        control.up = False
        app.run(0.4)
        assert trouble in on_screen()
        app.panel.draw(surface)
        assert not find_text(surface, "C4 E4 G4", 26, D.TEXT) and not find_text(surface, "-10 dB", 18, D.DIM)
        control.up = True
        app.run(0.4)
        assert trouble not in on_screen()
        app.panel.draw(surface)
        assert find_text(surface, "C4 E4 G4", 26, D.TEXT)
        assert not find_text(surface, trouble, MESSAGE_SIZE, D.BAD) and not find_text(surface, trouble, 22, D.ACCENT)
    finally:
        app.close()


@pytest.mark.parametrize("size", [(800, 480), (480, 800)])
@pytest.mark.parametrize("title", ["Play", "Effect", "Library", "Models", "Settings"])
def test_a_message_covers_nothing_of_the_page_and_fits_the_screen(pg: Any, size: tuple[int, int], title: str) -> None:
    panel = Panel(RecordingControl(demo_status()), demo_data(), size)
    panel.set_status(demo_status())
    panel.show_title(title)
    plain, shown = pg.Surface(size), pg.Surface(size)
    panel.draw(plain)
    panel.state.say("toast " + "x" * 200)
    panel.draw(shown)
    page_px = pg.surfarray.array3d(plain)[:, TAB_H:]
    assert (pg.surfarray.array3d(shown)[:, TAB_H:] == page_px).all()        # the page is untouched
    line = D.fit(panel.ctx.fonts, (panel.state.toast,), MESSAGE_SIZE, size[0] - 20)
    assert line.endswith("...") and find_text(shown, line, MESSAGE_SIZE, D.ACCENT)
    band = pg.surfarray.array3d(shown)[:, TAB_H - 18:TAB_H]                 # the message line
    assert (band[-8:] == D.PANEL).all()                                  # nothing runs off the right edge
    assert find_text(shown, title, 22, D.TEXT)                           # the tabs are still there


def test_pages_that_get_an_error_while_entering_or_drawing_leave_the_panel_working(pg: Any) -> None:
    class Broken(MemoryData):
        def packs(self) -> list[PackEntry]:
            raise OSError("pack store unreadable")

    panel = Panel(RecordingControl(), Broken(library={"kick": [Sample("/l/k.wav")]}), (800, 480))
    for i in range(len(panel.pages)):
        panel.handle(Touch("down", 0, panel.tabs[i].centerx, 10))
        click(panel, 0)
        panel.draw(pg.Surface((800, 480)))
    assert panel.state.toast == "pack store unreadable" and panel.page.title == "Settings"


def test_a_refused_bypass_or_knob_turn_is_undone_on_the_effect_page(pg: Any) -> None:
    # re-QA: the page kept BYPASS lit, or the new knob value, though the engine never took them
    control = Refusing(HatboxError("engine: no effect slot"), demo_status())
    panel = Panel(control, demo_data(), (800, 480))
    panel.show_title("Effect")
    surface = pg.Surface((800, 480))
    panel.draw(surface)
    page = panel.page
    before_bypass, knob = panel.state.bypass, page.knobs[0]
    before_value = page.value(knob)
    panel.handle(Touch("down", 0, *page.bypass_btn.center))
    assert control.tried[-1]["op"] == "bypass" and panel.state.bypass == before_bypass
    panel.handle(EncoderTurn(0, 1, 3))
    assert control.tried[-1]["op"] == "knob" and page.value(knob) == before_value

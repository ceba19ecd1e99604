"""p57 R1 review 1, 4 and 7 on the panel: a faulted sampler's loops were shown as playing (a green "stop loop" beside
"SAMPLER FAULT", whose tap said "stopped" and stopped nothing), Play called the loops of a sampler the player turned
off "playing", "stop loops" sent a choke of each note an older status named and took taps where it was not drawn,
and its words said "its ... it" of several loops and "a tap starts it again" of a held one."""
from __future__ import annotations

from typing import Any

from device.ui import draw as D
from device.ui.demo import demo_data, demo_status
from device.ui.events import EncoderPress, Touch
from device.ui.loops import Loop, playing_words, stopped_words
from device.ui.pages.kit_loops import SILENCED
from device.ui.panel import Panel
from device.ui.shots import RecordingControl
from tests.ui.conftest import find_text
from tests.ui.test_kit_page import _panel

FAULT = {"slot": "sampler", "reason": "runaway", "time": 13.0, "block": 5400, "name": "sampler"}
STOP = {"op": "stop_loops", "slot": "sampler"}


def _status(*notes: int, bypassed: bool = False, fault: bool = False, latched: bool = True) -> dict[str, Any]:
    status = demo_status()
    status["active"]["sampler"] = {"name": "sampler", "loops": [
        {"note": n, "file": f"Kit/loop{n}.wav", "latched": latched} for n in notes]}
    status["bypassed"] = {**status.get("bypassed", {}), "sampler": bypassed or fault}
    status["faults"], status["fault_count"] = ([FAULT], 1) if fault else ([], 0)
    return status


def _fill(surface: Any, rect: Any) -> tuple[int, int, int]:
    return tuple(surface.get_at((rect.x + 4, rect.bottom - 6)))[:3]


def _tap(panel: Panel, rect: Any) -> list[dict[str, Any]]:
    before = len(panel.control.sent)
    panel.handle(Touch("down", 1, *rect.center))
    panel.handle(Touch("up", 1, *rect.center))
    return panel.control.sent[before:]


def test_a_faulted_sampler_shows_no_loop_and_its_top_row_turns_it_back_on(pg: Any) -> None:
    panel = _panel()
    panel.set_status(_status(37, 60, fault=True))            # an engine that still said them (or one status late)
    page, surface = panel.page, pg.Surface((800, 480))
    panel.draw(surface)
    assert page.silenced()
    assert not find_text(surface, "stop 2 loops", D.BUTTON_TEXT, D.BG)
    assert _fill(surface, page.next_btn) != D.GOOD                            # no loop lit off screen either
    panel.handle(EncoderPress(2, True))                                       # encoder 3: nothing to stop, why
    assert panel.control.sent == [] and panel.state.toast == SILENCED[0]
    sent = _tap(panel, page.stop_btn)                                         # where "stop loops" would be
    assert sent == [{"op": "bypass", "slot": "sampler", "on": False}]         # "SAMPLER FAULT", as drawn
    assert "stopped" not in panel.state.toast


def test_stop_loops_takes_a_tap_only_where_it_was_drawn_and_sends_one_message(pg: Any) -> None:
    panel = _panel()
    page, surface = panel.page, pg.Surface((800, 480))
    panel.draw(surface)                                        # nothing looping: the bank's name there
    panel.set_status(_status(37, 60))                          # a status with loops, not drawn yet
    assert _tap(panel, page.stop_btn) == []
    panel.draw(surface)
    assert _tap(panel, page.stop_btn) == [STOP]
    assert panel.state.toast == "stopped 2 loops (C#2, C4): their pads start them again"
    panel.handle(EncoderPress(2, True))                        # encoder 3: the same message
    assert panel.control.sent[-1] == STOP


def test_the_stop_words_fit_one_or_several_loops_and_say_a_tap_only_of_latched_ones() -> None:
    latched, held = Loop(37, "Kit/a.wav", True), Loop(60, "Kit/b.wav", False)
    assert stopped_words([latched])[0] == "stopped the loop (C#2): a tap of its pad starts it again"
    assert stopped_words([held])[0] == "stopped the loop (C4)"
    assert stopped_words([latched, Loop(60, "", True)])[0] == "stopped 2 loops (C#2, C4): their pads start them again"
    assert stopped_words([latched, held])[0] == "stopped 2 loops (C#2, C4)"


def _play(status: dict[str, Any]) -> Panel:
    panel = Panel(RecordingControl(status), demo_data(), (800, 480))
    panel.set_status(status)
    panel.show_title("Play")
    return panel


def test_play_says_the_loops_of_a_sampler_turned_off_and_none_of_a_faulted_one(pg: Any) -> None:
    surface = pg.Surface((800, 480))
    panel = _play(_status(37, bypassed=True))
    panel.draw(surface)
    assert find_text(surface, "loop C#2 (sampler off)", 26, D.TEXT)
    assert not find_text(surface, "loop C#2 (loop37) playing", 26, D.TEXT)
    faulted = _status(37, fault=True)
    faulted["notes"] = []
    panel = _play(faulted)
    panel.draw(surface)
    assert find_text(surface, "no notes", 26, D.TEXT)
    assert playing_words([Loop(37, "Kit/a.wav", True), Loop(38, "", False)], muted=True)[0] == \
        "loops C#2 D2 (sampler off)"

"""p57 QA_B 1 and 7 on the Play page: a latched loop played while the line under the dials said "no notes" (now it
names the loop); and a corner's colour was its position's, so two corners playing trumpet were drawn red and green
(now a timbre has one colour: dial, tag edge and the pad's tint)."""
from __future__ import annotations

from typing import Any

from device.ui import draw as D
from device.ui.demo import TIMBRES, demo_data, demo_status
from device.ui.pages.play import TIMBRE_COLOURS, notes_line, timbre_colour
from device.ui.loops import sounding
from device.ui.panel import Panel
from device.ui.shots import RecordingControl
from tests.ui.conftest import find_text

LOOP = {"note": 37, "file": "Kit/VP Drum.flac", "latched": True}


def _status(loops: list[dict[str, Any]], notes: list[int] | None = None, corners: list[str] | None = None
            ) -> dict[str, Any]:
    status = demo_status()
    status["active"]["sampler"] = {"name": "sampler", "loops": loops}
    status["notes"] = [] if notes is None else notes
    if corners is not None:
        status["synth"]["corners"] = corners
    return status


def _play(status: dict[str, Any]) -> Panel:
    panel = Panel(RecordingControl(status), demo_data(), (800, 480))
    panel.set_status(status)
    panel.show_title("Play")
    return panel


def test_play_names_a_latched_loop_where_it_said_no_notes(pg: Any) -> None:
    panel = _play(_status([LOOP]))
    surface = pg.Surface((800, 480))
    panel.draw(surface)
    assert find_text(surface, "loop C#2 (VP Drum) playing", 26, D.TEXT)
    assert not find_text(surface, "no notes", 26, D.TEXT)
    panel.set_status(_status([]))
    panel.draw(surface)
    assert find_text(surface, "no notes", 26, D.TEXT)


def test_the_line_names_the_chord_and_the_loops_shorter_where_narrow() -> None:
    two = sounding(_status([LOOP, {"note": 38, "file": "Kit/Snare.wav", "latched": False}]))
    assert notes_line([60, 64], two) == ("C4 E4 + loops C#2 D2 playing", "C4 E4 + loops C#2 D2", "C4 E4 + 2 loops",
                                         "C4 E4")
    assert notes_line([], sounding(_status([LOOP])))[:2] == ("loop C#2 (VP Drum) playing", "loop C#2 playing")
    assert notes_line([], []) == ("no notes",)


def test_a_timbre_in_two_corners_is_one_colour_on_the_dials_and_the_pad(pg: Any) -> None:
    corners = ["bass", "organ", "bass", "strings"]
    panel = _play(_status([], corners=corners))
    page = panel.page
    assert panel.state.corners == corners
    colours = page.corner_colours()
    assert colours[0] == colours[2] == timbre_colour(TIMBRES.index("bass"))
    assert len({timbre_colour(i) for i in range(40)}) == 40                       # one colour a timbre
    assert TIMBRE_COLOURS[:4] == D.CORNER_COLOURS                                   # a fresh pack looks as before
    surface = pg.Surface((800, 480))
    panel.draw(surface)
    p = page.pad
    top_left, bottom_left = surface.get_at((p.x + 3, p.y + 3))[:3], surface.get_at((p.x + 3, p.bottom - 4))[:3]
    assert max(abs(a - b) for a, b in zip(top_left, bottom_left)) <= 4          # the pad's tint: the same colour
    (cx, cy), r = page.dials[2]                                                   # the bottom-left dial's ring,
    width = max(6.0, r * 0.22)                                                    # at 9 o'clock (its arc passes)
    assert surface.get_at((round(cx - r + width / 2), round(cy)))[:3] == colours[2]

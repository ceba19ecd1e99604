"""p57 QA_C 5: at 480x320 a chord held on the synth hid the loops sounding from Play's line: "C3 E3 G3" while three
loops played ("C3 E3 G3 + 3 loops", 156 px at 26 px, did not fit the 148 px there, so the chord alone was drawn).
The form that keeps both is drawn smaller now, down to play.NOTES_MIN, before the loops are dropped."""
from __future__ import annotations

from typing import Any

from device.ui import draw as D
from device.ui.demo import demo_data
from device.ui.pages.play import NOTES_MIN
from device.ui.panel import Panel
from device.ui.shots import RecordingControl
from tests.ui.conftest import find_text
from tests.ui.test_p57_F5_play_loops_colours import _status

LOOPS = [{"note": n, "file": f"Kit/loop{n}.flac", "latched": True} for n in (37, 39, 60)]
CHORD = [48, 52, 55]               # C3 E3 G3


def _drawn(pg: Any, size: tuple[int, int], loops: list[dict[str, Any]]) -> Any:
    status = _status(loops, CHORD)
    panel = Panel(RecordingControl(status), demo_data(), size)
    panel.set_status(status)
    panel.show_title("Play")
    surface = pg.Surface(size)
    panel.draw(surface)
    return surface


def _found(surface: Any, text: str) -> bool:
    return any(find_text(surface, text, s, D.TEXT) for s in range(26, NOTES_MIN - 1, -1))


def test_a_chord_and_three_loops_at_480_keep_both_named(pg: Any) -> None:
    surface = _drawn(pg, (480, 320), LOOPS)
    assert _found(surface, "C3 E3 G3 + 3 loops")


def test_at_800_the_loops_are_named_at_full_size(pg: Any) -> None:
    surface = _drawn(pg, (800, 480), LOOPS)
    assert find_text(surface, "C3 E3 G3 + loops C#2 D#2 C4", 26, D.TEXT)


def test_a_chord_alone_is_drawn_at_full_size_at_480(pg: Any) -> None:
    surface = _drawn(pg, (480, 320), [])
    assert find_text(surface, "C3 E3 G3", 26, D.TEXT)

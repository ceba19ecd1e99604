"""p54 F2: the Kit page's "from library" says what moved: the desk's first line (device/api/box_kit.made_words) in
the tab bar, shorter wordings for a narrow one that keep the words' counts, and the full list of the words that
moved, are new or went on the line over the buttons until the next touch (a refusal, the kit kept changing while it
was made, is said in red: tests/ui/test_p54_MR3b_kit_made_narrow.py)."""
from __future__ import annotations

from typing import Any

from device.ui import draw as D
from device.ui.data import MemoryData
from device.ui.demo import demo_data, demo_status
from device.ui.kit_desk import MemoryKit
from device.ui.panel import Panel
from device.ui.shots import RecordingControl
from device.ui.reader import Reader
from tests.ui.conftest import click, find_text, tap

STATUS = "kit made of drums: 3 notes; your words: 1 moved, 1 gone; 22 of the drum notes 35-59 empty"
DETAILS = ["gone: punchy (was C#4)", "moved: 808 C4 -> D4"]      # as the box lists them: gone first


class SaidKit(MemoryKit):
    """A kit whose "from library" answers ``said`` (what the box's says), or raises ``refusal``."""

    said: str = "\n".join([STATUS, *DETAILS])
    refusal: Exception | None = None

    def from_library(self, picked: str = "") -> str:
        if self.refusal is not None:
            raise self.refusal
        super().from_library(picked)
        return self.said


def _panel(size: tuple[int, int] = (800, 480), reader: Reader | None = None) -> tuple[Panel, SaidKit]:
    """The panel on its Kit page, its kit a :class:`SaidKit` of the demo library (shared with p54 MR3b's tests)."""
    kit = SaidKit({tag: [s.path for s in samples] for tag, samples in demo_data().library.items()})
    panel = Panel(RecordingControl(demo_status()), MemoryData(library=demo_data().library, kit=kit), size,
                  reader=reader)
    panel.set_status(demo_status())
    panel.show_title("Kit")
    panel.page.layout(panel.content)
    return panel, kit


def _press(panel: Panel, name: str) -> None:
    tap(panel, *panel.page.buttons[name].center)


def test_the_words_moved_are_counted_in_the_tab_bar_and_listed_over_the_buttons(pg: Any) -> None:
    panel, _kit = _panel()
    _press(panel, "from library")                                         # an empty kit: made at once
    lines, alarm = panel.state.toast_lines()
    assert lines[0] == STATUS and not alarm
    assert "kit made of drums: 3 notes; your words: 1 moved, 1 gone" in lines[1:]     # a narrow tab bar keeps them
    line = panel.page._line()
    assert line[0] == "your words: gone: punchy (was C#4); moved: 808 C4 -> D4", line
    surface = pg.Surface((800, 480))
    panel.draw(surface)
    assert find_text(surface, D.fit(panel.ctx.fonts, line, 20, 784), 20, D.ACCENT)
    r = panel.page.pad_rects[0]
    tap(panel, *r.center)                                                 # the next touch: the pad's line again
    assert not any("808 C4 -> D4" in w for w in panel.page._line())


def test_the_list_stays_after_encoder_fours_press_made_the_kit(pg: Any) -> None:
    panel, _kit = _panel()
    panel.page.focus.at = "from library"
    click(panel, 3)
    assert "808 C4 -> D4" in panel.page._line()[0]


def test_a_first_kit_says_its_notes_alone(pg: Any) -> None:
    panel, kit = _panel()
    kit.said = "kit made of drums: 3 notes"
    _press(panel, "from library")
    assert panel.state.toast == "kit made of drums: 3 notes"
    assert "your words" not in " ".join(panel.page._line())


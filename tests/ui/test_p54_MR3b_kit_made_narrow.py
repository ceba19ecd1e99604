"""p54 MR3b (review R3, findings 3, 4 and 7): what the Kit page's "from library" says, at 320 px too.

- The tab bar keeps the words' counts in its shortest wording ("3 notes; words: 1 moved, 1 gone"), where before a
  320-px one fell back to "kit made of drums: 3 notes".
- The line over the buttons lists the "gone" words (those that lost their note) first, and where the list does not
  fit it says the counts instead of a list cut before the gone words.
- A kit that kept changing while it was made is said in the panel's own short words, in red, with what to do next
  ("tap from library again"): before, the hint never reached the screen and 320 px cut "the kit was not changed".
- The list does not come back when the making ended while another page was shown.
"""
from __future__ import annotations

from typing import Any

from device.ui import draw as D
from device.ui.kit_desk import KitRefused, made_said
from device.ui.panel import Panel
from device.ui.reader import run_job
from tests.ui.conftest import find_text
from tests.ui.test_p54_F2_kit_page_words_moved import _panel, _press

NARROW = (320, 480)
STATUS = "kit made of drums: 3 notes; your words: 1 moved, 1 gone; 22 of the drum notes 35-59 empty"
MANY = ("kit made of drums: 14 notes; your words: 2 moved, 1 new, 2 gone; 3 of the drum notes 35-59 empty\n"
        "gone: dusty (was C#4), grit (was F4)\n"
        "moved: 808 C4 -> D4, punchy C#4 -> D#4\n"
        "new: keep E4")
REFUSED = ("the kit changed while it was made: yours was not made, the kit is as that change left it - "
           "tap from library again", "kit changed meanwhile: not made - tap from library again",
           "kit changed meanwhile: not made")


class HeldReader:
    """A reader that holds each job until :meth:`finish` (the box's reader, still working while the user turns to
    another page)."""

    def __init__(self) -> None:
        self.held: list[Any] = []

    def submit(self, job: Any, done: Any, *, write: bool = False) -> None:
        self.held.append((job, done))

    def finish(self) -> None:
        while self.held:
            job, done = self.held.pop(0)
            done(*run_job(job))

    def deliver(self) -> int:
        return 0

    def close(self) -> None:
        """Nothing to stop."""


def _tab_line(panel: Panel) -> str:
    """The tab bar's message as drawn (panel._draw_tabs: D.fit of the toast's wordings)."""
    return D.fit(panel.ctx.fonts, panel.state.toast_lines()[0], 20, panel.size[0] - 20)


def _page_line(panel: Panel) -> str:
    """The line over the buttons as drawn (KitPage.draw)."""
    return D.fit(panel.ctx.fonts, panel.page._line(), 20, panel.page.rect.width - 16)


def test_a_320px_tab_bar_keeps_the_words_counts(pg: Any) -> None:
    panel, kit = _panel(NARROW)
    kit.said = STATUS + "\ngone: punchy (was C#4)\nmoved: 808 C4 -> D4"
    _press(panel, "from library")
    shown = _tab_line(panel)
    assert "1 moved, 1 gone" in shown and "3 notes" in shown and not shown.endswith("..."), shown
    surface = pg.Surface(NARROW)
    panel.draw(surface)
    assert find_text(surface, shown, 20, D.ACCENT)


def test_the_shortest_tab_wording_keeps_notes_and_counts() -> None:
    status, _line = made_said(MANY)
    assert status[0] == MANY.splitlines()[0]
    assert status[-1] == "14 notes; words: 2 moved, 1 new, 2 gone", status
    assert all("2 moved, 1 new, 2 gone" in s for s in status), status        # no wording drops the counts


def test_a_kit_without_moved_words_keeps_its_shorter_wordings() -> None:
    status, line = made_said("kit made of drums: 3 notes; 22 of the drum notes 35-59 empty")
    assert status == ("kit made of drums: 3 notes; 22 of the drum notes 35-59 empty", "kit made of drums: 3 notes")
    assert line == ()


def test_a_320px_line_over_the_buttons_says_the_gone_words_or_the_counts_never_a_cut_list(pg: Any) -> None:
    panel, kit = _panel(NARROW)
    kit.said = MANY
    _press(panel, "from library")
    shown = _page_line(panel)
    assert not shown.endswith("..."), shown
    assert shown.startswith("gone: dusty") or shown == "your words: 2 moved, 1 new, 2 gone", shown
    surface = pg.Surface(NARROW)
    panel.draw(surface)
    assert find_text(surface, shown, 20, D.ACCENT)


def test_the_line_over_the_buttons_puts_the_gone_words_first_where_the_whole_list_does_not_fit() -> None:
    _status, line = made_said(MANY)
    assert line[0] == ("your words: gone: dusty (was C#4), grit (was F4); moved: 808 C4 -> D4, punchy C#4 -> D#4; "
                       "new: keep E4")
    assert "gone: dusty (was C#4), grit (was F4); also 2 moved, 1 new" in line, line
    assert line[-1] == "your words: 2 moved, 1 new, 2 gone", line


def test_a_kit_that_kept_changing_is_said_in_red_with_what_to_do_at_800px(pg: Any) -> None:
    panel, kit = _panel((800, 480))
    kit.refusal = KitRefused(*REFUSED)
    _press(panel, "from library")
    lines, alarm = panel.state.toast_lines()
    assert lines == REFUSED and alarm is True
    shown = _tab_line(panel)
    assert "tap from library again" in shown and not shown.endswith("..."), shown
    surface = pg.Surface((800, 480))
    panel.draw(surface)
    assert find_text(surface, shown, 20, D.BAD)
    assert "your words" not in " ".join(panel.page._line()) and kit.pads() == {}


def test_a_kit_that_kept_changing_keeps_not_made_at_320px(pg: Any) -> None:
    panel, kit = _panel(NARROW)
    kit.refusal = KitRefused(*REFUSED)
    _press(panel, "from library")
    shown = _tab_line(panel)
    assert shown == "kit changed meanwhile: not made", shown
    surface = pg.Surface(NARROW)
    panel.draw(surface)
    assert find_text(surface, shown, 20, D.BAD)


def test_another_refusal_still_reaches_the_tab_bar(pg: Any) -> None:
    from hatbox.errors import HatboxError
    panel, kit = _panel((800, 480))
    kit.refusal = HatboxError("no library on this box is tagged yet: nothing to make a kit of")
    _press(panel, "from library")
    assert panel.state.toast == "no library on this box is tagged yet: nothing to make a kit of"


def test_a_making_that_ends_on_another_page_does_not_show_its_list_on_return(pg: Any) -> None:
    reader = HeldReader()
    panel, kit = _panel((800, 480), reader)
    kit.said = MANY
    reader.finish()                                     # the kit read on entering
    _press(panel, "from library")
    panel.show_title("Play")                            # turned away while the box makes the kit
    reader.finish()                                     # ... which ends now
    panel.show_title("Kit")
    reader.finish()
    assert not any("your words" in w or "dusty" in w for w in panel.page._line()), panel.page._line()

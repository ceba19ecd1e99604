"""p51 beatmaker QA (K3): the Kit page's pads of one tag read "tom tom tom tom tom": a tag that repeats in the bank
shows what tells its files apart (the words of the file's name the others lack), fitting the pad at 800 and 320 px."""
from __future__ import annotations

import os
from typing import Any

import pytest

from device.kit import Pad
from device.ui.pages.kit import pad_labels

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

TOMS = {37: Pad(37, "/box/lib/kit/Tom_Lo_Hard.wav", "tom"), 38: Pad(38, "/box/lib/kit/Tom_Mid_Hard.wav", "tom"),
        39: Pad(39, "/box/lib/kit/Tom_Hi_Hard.wav", "tom"), 36: Pad(36, "/box/lib/kit/Kick.wav", "kick"),
        42: Pad(42, "/box/lib/kit/HatClosed.wav", "hihat"), 46: Pad(46, "/box/lib/kit/HatOpen.wav", "hihat")}


def test_a_repeated_tag_names_the_words_that_tell_its_files_apart() -> None:
    labels = pad_labels(TOMS.values())
    assert labels[37] == ("tom Lo", "Lo") and labels[38] == ("tom Mid", "Mid") and labels[39] == ("tom Hi", "Hi")
    assert labels[42] == ("hihat Closed", "Closed") and labels[46] == ("hihat Open", "Open")
    assert labels[36] == ("kick",)                     # a tag once in the bank: the tag alone, as before


def test_files_of_one_name_in_two_folders_show_their_whole_name() -> None:
    labels = pad_labels([Pad(60, "/a/tom.wav", "t"), Pad(61, "/b/tom.wav", "t")])
    assert labels[60] == ("t tom", "tom")


@pytest.fixture(scope="module")
def pg() -> Any:
    import pygame
    pygame.display.init()
    pygame.font.init()
    pygame.display.set_mode((1, 1))
    return pygame


@pytest.mark.parametrize("size", [(800, 480), (320, 480), (480, 320)])
def test_the_pads_draw_the_words_that_fit(pg: Any, size: tuple[int, int]) -> None:
    from device.ui import draw as D
    from device.ui.demo import demo_data, demo_status
    from device.ui.panel import Panel
    from device.ui.shots import RecordingControl
    from tests.ui.conftest import find_text
    panel = Panel(RecordingControl(demo_status()), demo_data(), size)
    panel.set_status(demo_status())
    panel.show_title("Kit")
    page = panel.page
    page.layout(panel.content)
    page.pads, page.loaded, page.note = dict(TOMS), True, 36
    surface = pg.Surface(size)
    panel.draw(surface)
    width = page.pad_rects[0].width - 12
    shown = [D.fit(panel.ctx.fonts, page._labels()[note], 22, width) for note in (37, 38, 39)]
    for words, label in zip(("Lo", "Mid", "Hi"), shown):
        assert words in label and find_text(surface, label, 22, D.TEXT), (size, label)
    assert len({label.startswith("tom ") for label in shown}) == 1, shown   # the three alike: all with the tag or none


def test_a_latched_loop_pad_says_latch(pg: Any) -> None:
    from device.ui import draw as D
    from device.ui.demo import demo_data, demo_status
    from device.ui.panel import Panel
    from device.ui.shots import RecordingControl
    from tests.ui.conftest import find_text
    panel = Panel(RecordingControl(demo_status()), demo_data(), (800, 480))
    panel.set_status(demo_status())
    panel.show_title("Kit")
    page = panel.page
    page.layout(panel.content)
    page.pads = {48: Pad(48, "/box/lib/loops/break.wav", "break", loop=True, latch=True)}
    page.loaded, page.note, page.first = True, 36, 48
    surface = pg.Surface((800, 480))
    panel.draw(surface)
    assert find_text(surface, "latch", 18, D.DIM) and not find_text(surface, "loop", 18, D.DIM)

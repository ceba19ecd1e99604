"""p51 M3 (8): the Kit page's loop button said "C3 loops while held (a tap to start, a tap to stop: hatbox box-kit
--latch C3)", which read as if the pad latched now; it says how to latch it, and that a latch goes with the loop."""
from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from device.ui.demo import demo_data, demo_status
from device.ui.events import Touch
from device.ui.panel import Panel
from device.ui.shots import RecordingControl


@pytest.fixture(scope="module")
def pg() -> Any:
    import pygame
    pygame.display.init()
    pygame.font.init()
    pygame.display.set_mode((1, 1))
    return pygame


def _loop_tapped(kit_pad: Any = None) -> str:
    panel = Panel(RecordingControl(demo_status()), demo_data(), (800, 480))
    panel.set_status(demo_status())
    panel.show_title("Kit")
    panel.page.layout(panel.content)
    if kit_pad is not None:
        panel.ctx.data.kit.notes[36] = kit_pad(panel.ctx.data.kit.notes[36])
        panel.page._read()
    for kind in ("down", "up"):
        panel.handle(Touch(kind, 9, *panel.page.buttons["loop"].center))
    return str(panel.state.toast)


def test_the_loop_button_says_how_to_latch_not_that_it_latches(pg: Any) -> None:
    assert _loop_tapped() == "C2 loops while held (tap latch to latch it)"      # p52 R1: the button beside it


def test_a_latched_pad_looped_off_says_its_latch_went(pg: Any) -> None:
    assert _loop_tapped(lambda pad: replace(pad, loop=True, latch=True)) == "C2 plays once (no longer latched)"

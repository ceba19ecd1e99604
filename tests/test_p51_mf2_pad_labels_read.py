"""p51 final read (MF2, 5): the Kit page's pad labels were kept per kit read by ``id(self.pads)``; each read makes a
new dict, and CPython hands a freed dict's address to the next one (its free list): a kit read two reads after the
labels were worked out showed the older kit's labels ("tom Lo" on a kick).  They are kept per read now."""
from __future__ import annotations

import os
from typing import Any

import pytest

from device.kit import Pad

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

TOMS = {36: Pad(36, "/box/lib/kit/Tom_Lo.wav", "tom"), 37: Pad(37, "/box/lib/kit/Tom_Hi.wav", "tom")}
KICKS = {36: Pad(36, "/box/lib/kit/Kick.wav", "kick"), 37: Pad(37, "/box/lib/kit/Snare.wav", "snare")}


@pytest.fixture(scope="module")
def page() -> Any:
    import pygame
    pygame.display.init()
    pygame.font.init()
    pygame.display.set_mode((1, 1))
    from device.ui.demo import demo_data, demo_status
    from device.ui.panel import Panel
    from device.ui.shots import RecordingControl
    panel = Panel(RecordingControl(demo_status()), demo_data(), (800, 480))
    panel.set_status(demo_status())
    panel.show_title("Kit")
    panel.page.layout(panel.content)
    panel.page.first = 36
    return panel.page


def _read(page: Any, pads: dict[int, Pad]) -> None:
    """The kit read off the frame comes back (KitPage._read's answer): a new dict of the pads (KitDesk.pads), no
    loading, the pick still there."""
    page._got((dict(pads), None, "", True), None)


def test_every_read_s_pads_get_their_own_labels(page: Any) -> None:
    stale = []
    for i in range(30):                 # labels worked out on one read, then two reads without a frame between
        _read(page, TOMS)
        assert page._labels()[36] == ("tom Lo", "Lo")
        _read(page, KICKS)
        _read(page, KICKS)
        stale += [i] if page._labels() != {36: ("kick",), 37: ("snare",)} else []
    assert not stale, f"{len(stale)} of 30 reads showed the toms' labels on the kick's pads"


def test_the_same_dict_given_again_is_a_new_read(page: Any) -> None:
    pads = dict(TOMS)
    page.pads = pads
    assert page._labels()[36] == ("tom Lo", "Lo")
    pads.clear()
    pads.update(KICKS)
    page.pads = pads
    assert page._labels()[36] == ("kick",)

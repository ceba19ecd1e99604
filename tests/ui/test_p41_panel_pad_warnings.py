"""Forty-first stop (panel QA): the sampler's warnings of a loop that clicks where it wraps and of a silent file were
said once in the tab bar, cut mid-sentence ("...it clicks each time it co..."), then left no trace on the Kit page,
and the silent file's said "note 41" where the panel says "F2".  Now a shorter wording fits the tab bar, the pad
whose file was warned of has a mark, and the warning is on the line over the buttons while that pad is selected."""
from __future__ import annotations

from typing import Any


from device.kit import Pad
from device.ui.faults import warned_sample, warning_lines

LIB = "/box/libraries/lib-a-000001/files"
SEAM = ("loops/sine.wav does not end where it starts (a step of 0.48 where the loop wraps): it clicks each time it "
        "comes round; trim it at a zero crossing, or crossfade its ends, in an audio editor")
SILENT = "silence.wav is silent (all zeros): note 41 plays nothing"


def test_short_wordings_say_what_is_wrong():
    assert "loop loops/sine.wav clicks at its loop point" in warning_lines(SEAM)
    silent = warning_lines(SILENT)
    assert silent[0] == "silence.wav is silent (all zeros): F2 plays nothing"
    assert not any("note 41" in line for line in silent)
    assert warned_sample(SEAM) == "loops/sine.wav" and warned_sample(SILENT) == "silence.wav"


def test_the_tab_bar_says_a_whole_short_wording(pg):
    from device.ui import draw as D
    from device.ui.data import MemoryData
    from device.ui.panel import Panel
    from device.ui.shots import RecordingControl
    status = {"active": {"sampler": {"name": "sampler", "warnings": []}}}
    panel = Panel(RecordingControl(status), MemoryData(), (800, 480))
    panel.set_status(status)
    panel.set_status({"active": {"sampler": {"name": "sampler", "warnings": [SEAM]}}})
    lines, alarm = panel.state.toast_lines()
    said = D.fit(panel.page.ctx.fonts, lines, 20, 780)
    assert not said.endswith("...") and "clicks at its loop point" in said


def _kit_panel(size: tuple[int, int] = (800, 480)) -> Any:
    from device.ui.data import MemoryData
    from device.ui.kit_desk import MemoryKit
    from device.ui.panel import Panel
    from device.ui.shots import RecordingControl
    kit = MemoryKit(notes={48: Pad(48, f"{LIB}/loops/sine.wav", None, True), 41: Pad(41, f"{LIB}/silence.wav"),
                           36: Pad(36, f"{LIB}/kick.wav", "kick")})
    status = {"active": {"sampler": {"name": "sampler", "warnings": [SEAM, SILENT]}}}
    panel = Panel(RecordingControl(status), MemoryData(kit=kit), size)
    panel.set_status(status)
    panel.show_title("Kit")
    return panel


def test_the_warned_pads_are_marked_and_the_selected_ones_line_says_it(pg):
    from device.ui.shots import headless_surface
    panel = _kit_panel()
    page = panel.page
    assert page.warning(page.pads[48]) == SEAM and page.warning(page.pads[41]) == SILENT
    assert page.warning(page.pads[36]) is None
    page.note = 41
    assert page._line()[0] == "silence.wav is silent (all zeros): F2 plays nothing"
    page.note = 48
    assert page._line()[0] == SEAM and "loop loops/sine.wav clicks at its loop point" in page._line()
    page.note = 36
    assert "kick" in page._line()[-1] and not any("silent" in line for line in page._line())
    for size in ((800, 480), (480, 800), (480, 320)):
        p = _kit_panel(size)
        p.page.note = 48
        p.draw(headless_surface(size))


def test_a_mark_is_drawn_on_a_warned_pad(pg):
    from device.ui.shots import headless_surface
    import pygame
    panel = _kit_panel()
    page = panel.page
    shot = headless_surface((800, 480))
    panel.draw(shot)
    def accent_in(rect: Any) -> int:
        from device.ui import draw as D
        area = pygame.surfarray.pixels3d(shot)[rect.x:rect.right, rect.centery:rect.bottom]
        return int(((area == D.ACCENT).all(axis=2)).sum())
    assert accent_in(page.pad_rects[41 - page.first]) > 0
    assert accent_in(page.pad_rects[42 - page.first]) == 0

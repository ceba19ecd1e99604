"""Forty-first stop (panel QA): docs/panel.md promises that a box without touch reaches every page and what is on it.
On the board with the fewest encoders in hardware/boards/, every button of the Kit, Library and Models pages is
reached from the Play page with the encoders alone: encoder 1 pushed and turned to the page, encoder 4 turned until
its white ring is round the button (device/ui/focus.py)."""
from __future__ import annotations

from typing import Any

import pytest

from device.ui import draw as D
from device.ui.events import EncoderPress, EncoderTurn
from device.ui.focus import BUTTON_ENCODER
from device.ui.panel import PAGE_ENCODER
from hardware.board import BOARDS_DIR, load_board


def fewest_encoders() -> int:
    """The encoders with a button of the board in hardware/boards/ that has the fewest."""
    boards = [load_board(p) for p in sorted(BOARDS_DIR.glob("*.toml"))]
    assert boards
    return min(sum(e.button is not None for e in b.encoders) for b in boards)


def _touchless(size: tuple[int, int]) -> Any:
    from device.ui.demo import demo_data, demo_status
    from device.ui.panel import Panel
    from device.ui.shots import RecordingControl
    panel = Panel(RecordingControl(demo_status()), demo_data(), size)
    panel.set_status(demo_status())
    panel.hardware_problems(["touch not available: no ft5x06 touch controller answers at I2C address 0x38"])
    return panel


def _to_page(panel: Any, title: str) -> None:
    """Push encoder 1 and turn it a page a detent until ``title`` shows."""
    panel.handle(EncoderPress(PAGE_ENCODER, True))
    for _ in range(len(panel.pages)):
        if panel.page.title == title:
            break
        panel.handle(EncoderTurn(PAGE_ENCODER, 1, 1))
    panel.handle(EncoderPress(PAGE_ENCODER, False))
    assert panel.page.title == title


def test_the_board_with_the_fewest_encoders_has_the_button_encoder() -> None:
    assert fewest_encoders() >= max(PAGE_ENCODER, BUTTON_ENCODER) + 1 == 4


@pytest.mark.parametrize("size", [(800, 480), (480, 320), (320, 480)])
@pytest.mark.parametrize("title", ["Kit", "Library", "Models"])
def test_every_button_is_ringed_by_encoder_4_on_a_panel_without_touch(pg: Any, title: str,
                                                                         size: tuple[int, int]) -> None:
    panel = _touchless(size)
    _to_page(panel, title)
    page = panel.page
    rects = page.buttons if title == "Kit" else page.button_rects() if title == "Models" else None
    if rects is None:
        from device.ui.pages.library_buttons import button_rects
        rects = button_rects(page)
    panel.handle(EncoderTurn(BUTTON_ENCODER, -len(rects), -len(rects)))
    reached = []
    for _ in rects:
        surface = pg.Surface(panel.size)
        panel.draw(surface)
        ringed = [n for n, r in rects.items() if tuple(surface.get_at((r.x - 3, r.centery)))[:3] == D.CURSOR]
        assert ringed == [page.focus.at]
        reached.append(page.focus.at)
        panel.handle(EncoderTurn(BUTTON_ENCODER, 1, 1))
    assert reached == list(rects) and panel.control.sent == []

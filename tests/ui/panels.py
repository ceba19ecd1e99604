"""Helpers the panel tests share: an encoder's click, a frame drawn now, the button encoder's ring."""
from __future__ import annotations

from typing import Any

from device.ui import draw as D
from device.ui.events import EncoderPress


def click(panel: Any, index: int) -> None:
    """Encoder ``index``'s button pressed and let go."""
    panel.handle(EncoderPress(index, True))
    panel.handle(EncoderPress(index, False))


def frame(pg: Any, panel: Any) -> Any:
    """A surface of ``panel``'s size with what it draws now."""
    surface = pg.Surface(panel.size)
    panel.draw(surface)
    return surface


def ringed(surface: Any, rect: Any) -> bool:
    """Whether ``surface`` has the button encoder's white ring round ``rect`` (its left edge, mid-height)."""
    return tuple(surface.get_at((rect.x - 3, rect.centery)))[:3] == D.CURSOR

"""Headless SDL for every UI test, helpers that read what was drawn, and a panel clock moved by hand."""
from __future__ import annotations

import os
from typing import Any

import numpy as np
import pytest

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")


@pytest.fixture(scope="session")
def pg() -> Any:
    import pygame
    pygame.display.init()
    pygame.font.init()
    pygame.display.set_mode((1, 1))
    return pygame


def find_text(surface: Any, text: str, size: int, colour: tuple[int, int, int], tol: int = 3) -> list[tuple[int, int]]:
    """Top-left corners where ``text`` (pygame's default font at ``size``, ``colour``, antialiased)
    appears in ``surface`` over a flat background that differs from ``colour``: every pixel of the
    string's box must equal the glyphs blended over that background."""
    import pygame
    tmpl = pygame.font.Font(None, size).render(text, True, colour)
    alpha = pygame.surfarray.array_alpha(tmpl).astype(np.float32) / 255.0      # [w, h]
    screen = pygame.surfarray.array3d(surface).astype(np.int16)                 # [W, H, 3]
    w, h = alpha.shape
    ink = np.argwhere(alpha >= 1.0)
    clear = np.argwhere(alpha == 0.0)
    probes = np.concatenate([ink[:: max(1, len(ink) // 8)], clear[:: max(1, len(clear) // 8)]])
    ox, oy = ink[0]
    cand = np.argwhere(np.all(screen == np.asarray(colour), axis=2)) - (ox, oy)
    cand = cand[(cand[:, 0] >= 0) & (cand[:, 1] >= 0) & (cand[:, 0] + w <= screen.shape[0])
                & (cand[:, 1] + h <= screen.shape[1])]
    bx, by = clear[0]
    bg = screen[cand[:, 0] + bx, cand[:, 1] + by].astype(np.float32)                  # [C, 3]
    a = alpha[probes[:, 0], probes[:, 1]][None, :, None]                              # [1, P, 1]
    expect = a * np.asarray(colour, np.float32) + (1 - a) * bg[:, None, :]
    got = screen[cand[:, 0, None] + probes[None, :, 0], cand[:, 1, None] + probes[None, :, 1]]
    keep = (np.abs(got - expect).max(axis=(1, 2)) <= tol) & (np.abs(bg - np.asarray(colour)).max(axis=1) > 40)
    found = []
    for (x, y), b in zip(cand[keep], bg[keep]):
        box = screen[x:x + w, y:y + h]
        full = alpha[..., None] * np.asarray(colour, np.float32) + (1 - alpha[..., None]) * b
        if np.abs(box - full).max() <= tol:
            found.append((int(x), int(y)))
    return found


class PanelClock:
    """A panel clock (``Panel.clock``, seconds) the test moves by hand: ``clock.now += 5``."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def pixel(surface: Any, x: float, y: float) -> tuple[int, int, int]:
    return tuple(surface.get_at((int(round(x)), int(round(y)))))[:3]


def panel_on(title: str, data: Any, status: dict[str, Any] | None = None,
             size: tuple[int, int] = (800, 480)) -> Any:
    """A Panel of ``size`` (w, h px) over ``data`` with a RecordingControl (its ``sent`` lists what the
    panel asked of the engine), given ``status`` first when there is one, showing the page ``title``."""
    from device.ui.panel import Panel
    from device.ui.shots import RecordingControl
    panel = Panel(RecordingControl(), data, size)
    if status is not None:
        panel.set_status(status)
    panel.show_title(title)
    return panel


def drawn(pg: Any, panel: Any) -> Any:
    """A new surface of the panel's size with the panel drawn on it."""
    surface = pg.Surface(panel.size)
    panel.draw(surface)
    return surface


def tap(panel: Any, x: float, y: float, finger: int = 0) -> None:
    """A finger down and up at (x, y): a tap (a tag in retag mode is chosen on the up, so a drag can scroll)."""
    from device.ui.events import Touch
    panel.handle(Touch("down", finger, x, y))
    panel.handle(Touch("up", finger, x, y))


def click(panel: Any, index: int) -> None:
    """Encoder ``index``'s button pressed and let go (encoder 1's press reaches the page on release: its
    push-and-turn changes pages, device/ui/panel.PAGE_ENCODER)."""
    from device.ui.events import EncoderPress
    panel.handle(EncoderPress(index, True))
    panel.handle(EncoderPress(index, False))

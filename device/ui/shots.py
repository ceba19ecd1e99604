"""Headless screenshots of every page: ``python -m device.ui.shots OUT_DIR`` (PNG per page).

Renders a :class:`~device.ui.panel.Panel` over the demo box (device/ui/demo.py) with SDL's
dummy video driver, after a few scripted events so that every page shows a real state.
"""
from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from device.ui.data import PanelData
from device.ui.events import EncoderTurn, Touch


class RecordingControl:
    """A Control that keeps what was sent and answers a fixed status."""

    def __init__(self, status: dict[str, Any] | None = None) -> None:
        self.sent: list[dict[str, Any]] = []
        self._status = status or {}

    def send(self, message: dict[str, Any]) -> None:
        self.sent.append(message)

    def status(self) -> dict[str, Any]:
        return dict(self._status)


def headless_surface(size: tuple[int, int]) -> Any:
    os.environ["SDL_VIDEODRIVER"] = "dummy"
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    import pygame
    pygame.display.init()
    pygame.font.init()
    pygame.display.set_mode((1, 1))
    return pygame.Surface(size)


def scripted_panel(data: PanelData, status: dict[str, Any], size: tuple[int, int] = (800, 480)) -> Any:
    """A panel whose pages have been touched and turned a little (what the screenshots show)."""
    from device.ui.panel import Panel
    panel = Panel(RecordingControl(status), data, size)
    panel.set_status(status)
    panel.show_title("Play")
    pad = panel.page.pad
    panel.handle(Touch("down", 0, pad.x + pad.width * 0.3, pad.y + pad.height * 0.35))
    panel.handle(EncoderTurn(3, 1, 1))
    return panel


def save_all(panel: Any, out: Path, surface: Any) -> list[Path]:
    import pygame
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, page in enumerate(panel.pages):
        panel.show(i)
        panel.draw(surface)
        path = out / f"panel_{page.title.lower()}.png"
        pygame.image.save(surface, str(path))
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    from device.ui.demo import demo_data, demo_status
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("out", type=Path)
    args = p.parse_args(argv)
    surface = headless_surface((800, 480))
    for path in save_all(scripted_panel(demo_data(), demo_status()), args.out, surface):
        print(path)
    portrait = scripted_panel(demo_data(), demo_status(), (480, 800))
    tall = headless_surface((480, 800))
    portrait.draw(tall)
    path = args.out / "panel_play_portrait.png"
    import pygame
    pygame.image.save(tall, str(path))
    print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

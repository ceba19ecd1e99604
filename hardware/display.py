"""The display through SDL (pygame-ce): KMS/DRM on the board, a window on a laptop, headless in tests.

Pages draw on :attr:`Display.panel` (panel orientation, ``Board.panel_size``);
:meth:`Display.present` turns it by the screen's rotation onto the native screen and flips.
The SDL video driver is chosen from the board's ``screen.driver`` (``kmsdrm``, ``window`` = SDL's
default for the desktop, ``dummy`` = headless) before SDL starts; ``SDL_VIDEODRIVER`` set by the
user wins for ``window``.

KMS/DRM on the board: not verified on hardware yet.
"""
from __future__ import annotations

import os
import sys
from typing import Any

from hatbox.errors import HatboxError

DRIVERS = {"kmsdrm": "kmsdrm", "fbcon": "kmsdrm", "dummy": "dummy", "window": None}
_KMS_FIX = ("add this user to the 'video' and 'render' groups (sudo usermod -aG video,render $USER, then log in "
            "again) and stop any desktop that holds the screen")
_DISPLAY_FIX = {"kmsdrm": _KMS_FIX, "fbcon": _KMS_FIX,
                "window": "no desktop to open a window on (over ssh?): run where a desktop is, or with --no-panel"}


class DisplayError(HatboxError):
    """SDL could not open the screen."""


class Display:
    """A panel-sized drawing surface and the native screen it is shown on."""

    def __init__(self, width: int, height: int, rotation: int = 0, driver: str = "dummy",
                 title: str = "hatbox") -> None:
        import pygame
        self.pygame = pygame
        self.rotation = rotation
        _select_driver(driver)
        try:
            pygame.display.init()
            pygame.font.init()
            flags = pygame.FULLSCREEN if driver in ("kmsdrm", "fbcon") else 0
            self.screen = pygame.display.set_mode((width, height), flags)
        except pygame.error as exc:
            raise DisplayError(f"SDL could not open a {width}x{height} screen with driver '{driver}' ({exc}): "
                               f"{_DISPLAY_FIX.get(driver, 'check the board file [screen] driver')}",
                               hint="on a laptop use --sim; on the board check /dev/dri permissions") from None
        pygame.display.set_caption(title)
        if driver in ("kmsdrm", "fbcon"):
            pygame.mouse.set_visible(False)
        panel = (height, width) if rotation in (90, 270) else (width, height)
        self.panel: Any = pygame.Surface(panel).convert()
        self.frames = 0

    def present(self) -> None:
        """Show the panel on the screen (rotated), then flip."""
        self.screen.blit(self.native_image(), (0, 0))
        self.pygame.display.flip()
        self.frames += 1

    def native_image(self) -> Any:
        """The panel as the native screen shows it (a new Surface unless rotation is 0)."""
        if self.rotation == 0:
            return self.panel
        return self.pygame.transform.rotate(self.panel, -self.rotation)

    def save(self, path: str) -> None:
        """Write the panel (panel orientation) as PNG."""
        self.pygame.image.save(self.panel, str(path))

    def close(self) -> None:
        self.pygame.display.quit()


def _select_driver(driver: str) -> None:
    if driver not in DRIVERS:
        raise DisplayError(f"unknown display driver {driver!r} (one of: {', '.join(DRIVERS)})")
    sdl = DRIVERS[driver]
    if sdl is not None:
        os.environ["SDL_VIDEODRIVER"] = sdl
    elif _no_desktop():
        raise DisplayError(f"cannot open a window: {_DISPLAY_FIX['window']}",
                           hint="DISPLAY and WAYLAND_DISPLAY are not set; set SDL_VIDEODRIVER to choose a driver "
                                "yourself")
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")


def _no_desktop() -> bool:
    """Whether a ``window`` has nowhere to go: on Linux with neither an X nor a Wayland display and no driver the
    user chose (SDL would fall back to an off-screen or KMS driver, and a panel nobody sees would look like a hang)."""
    env = os.environ
    return (sys.platform.startswith("linux") and not env.get("SDL_VIDEODRIVER")
            and not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"))


def open_display(screen: Any, *, driver: str | None = None, title: str = "hatbox") -> Display:
    """A :class:`Display` for a board's ``Screen`` (``driver`` overrides the board's)."""
    return Display(screen.width, screen.height, screen.rotation, driver or screen.driver, title)

"""The panel: a tab bar over five pages; events in, control messages out, frames drawn.

:class:`Panel` is pure UI: it knows nothing of pins, threads or timing.  Messages go to the
Control's ``send`` as soon as an event produces them (never batched to the next frame).
"""
from __future__ import annotations

import time
from typing import Any

from device.control import Control
from device.ui import draw as D
from device.ui.data import PanelData
from device.ui.events import Event, Touch
from device.ui.pages import PAGES, Context, Page, PanelState
from hatbox.errors import HatboxError

TAB_H = 48
REFRESH_S = 2.0           # the page on screen re-reads its lists this often (with the status)
_UNSEEN = object()        # no synth pad read back yet


class Panel:
    """``handle(event)`` sends what the current page makes of it; ``draw(surface)`` paints a frame."""

    def __init__(self, control: Control, data: PanelData, size: tuple[int, int] = (800, 480)) -> None:
        import pygame
        self.pygame = pygame
        self.control = control
        self.state = PanelState()
        self.ctx = Context(data=data, fonts=D.Fonts(), state=self.state)
        self.pages: list[Page] = [cls(self.ctx) for cls in PAGES]
        self.size = size
        self.current = 0
        self.sent = 0
        self._pad_source: Any = _UNSEEN
        self._refreshed = time.monotonic()
        self.tabs = [pygame.Rect(i * size[0] // len(self.pages), 0, size[0] // len(self.pages), TAB_H)
                     for i in range(len(self.pages))]
        self.content = pygame.Rect(0, TAB_H, size[0], size[1] - TAB_H)
        self.show(0)

    @property
    def page(self) -> Page:
        return self.pages[self.current]

    def show(self, index: int) -> None:
        self.current = index % len(self.pages)
        try:
            self.page.enter()
        except HatboxError as exc:
            self.state.toast = str(exc).splitlines()[0]
        self.page.layout(self.content)

    def show_title(self, title: str) -> None:
        self.show([p.title for p in self.pages].index(title))

    def set_status(self, status: dict[str, Any]) -> None:
        """Take the engine's latest status.  The pad (xy, corners) is read back from it when the
        synth is new to the panel (first status, panel restart, another synth pack); after that
        the panel's own values, which it sends, are the newer ones."""
        self.state.status = status
        now = time.monotonic()
        if now - self._refreshed >= REFRESH_S:
            self._refreshed = now
            try:
                self.page.refresh()
            except HatboxError as exc:
                self.state.toast = str(exc).splitlines()[0]
        pad, synth = status.get("synth"), (status.get("active") or {}).get("synth")
        source = synth.get("path") if isinstance(synth, dict) else None
        if not pad:
            self._pad_source = _UNSEEN
        elif source != self._pad_source:
            self._pad_source = source
            self.state.xy = (float(pad["xy"][0]), float(pad["xy"][1]))
            self.state.corners = [str(n) for n in pad["corners"]]

    def handle(self, event: Event) -> None:
        if isinstance(event, Touch) and event.kind == "down" and event.y < TAB_H:
            for i, r in enumerate(self.tabs):
                if r.collidepoint(event.x, event.y):
                    self.show(i)
            return
        try:
            messages = self.page.handle(event)
        except HatboxError as exc:
            self.state.toast = str(exc).splitlines()[0]
            return
        for m in messages:
            self.control.send(m)
            self.sent += 1

    def draw(self, surface: Any) -> None:
        surface.fill(D.BG)
        self.page.layout(self.content)
        self.page.draw(surface)
        self._draw_tabs(surface)

    def _draw_tabs(self, surface: Any) -> None:
        f = self.ctx.fonts
        self.pygame.draw.rect(surface, D.PANEL, (0, 0, self.size[0], TAB_H))
        for i, (r, page) in enumerate(zip(self.tabs, self.pages)):
            if i == self.current:
                self.pygame.draw.rect(surface, D.ACCENT, (r.x, r.bottom - 4, r.width, 4))
            f.draw(surface, page.title, r.center, 28, D.TEXT if i == self.current else D.DIM, "center")
        if self.state.toast:
            self.pygame.draw.rect(surface, D.PANEL, (0, self.size[1] - 30, self.size[0], 30))
            f.draw(surface, self.state.toast[:90], (10, self.size[1] - 15), 22, D.ACCENT, "midleft")



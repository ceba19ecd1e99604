"""Settings: pairing code, audio device, MIDI, block size, CPU load and xruns, output volume."""
from __future__ import annotations

from typing import Any

import pygame

from device.control import msg
from device.ui import draw as D
from device.ui.events import EncoderTurn, Event
from device.ui.pages.base import Message, Page

VOLUME_RANGE = (-60.0, 6.0)
LOAD_W = 260                 # px of the CPU load meters
LOAD_BESIDE_MIN_W = 760      # narrower pages (portrait) put the meters under the rows


class SettingsPage(Page):
    title = "Settings"

    def handle(self, event: Event) -> list[Message]:
        if isinstance(event, EncoderTurn) and event.index == 0:
            st = self.ctx.state
            st.volume_db = min(VOLUME_RANGE[1], max(VOLUME_RANGE[0], st.volume_db + 0.5 * event.steps))
            return [msg("volume", db=st.volume_db)]
        return []

    def lines(self) -> list[tuple[str, str]]:
        """(label, value) rows from the settings provider and the engine's status."""
        s, st = self.ctx.data.settings(), self.ctx.state.status
        block = st.get("block", s.get("block", "?"))
        rate = st.get("rate", s.get("rate", "?"))
        live = not self.ctx.state.offline          # the engine's figures are stale while it does not answer
        return [("audio device", s.get("audio_device", "default")),
                ("MIDI", s.get("midi", "none")),
                ("block", f"{block} samples @ {rate} Hz"),
                ("latency", f"{float(st.get('latency_ms', 0.0)):.1f} ms" if live else "-"),
                ("xruns", str(st.get("xruns", 0)) if live else "-"),
                ("faults", str(st.get("fault_count", len(st.get("faults", [])))) if live else "-"),
                ("volume", f"{self.ctx.state.volume_db:+.1f} dB")]

    def draw(self, surface: Any) -> None:
        """The pairing code and the rows on the left; the CPU load meters beside them where the screen is
        wide enough (landscape), else under them (portrait). Long values are cut to their column."""
        f, r = self.ctx.fonts, self.rect
        beside = r.width >= LOAD_BESIDE_MIN_W
        code = self.ctx.data.settings().get("pairing_code", "------")
        f.draw(surface, "pairing code", (r.x + 20, r.y + 14), 24, D.DIM)
        f.draw(surface, code, (r.x + 20, r.y + 40), 72, D.ACCENT)
        y = r.y + 110
        value_w = (r.right - LOAD_W - 60 if beside else r.right - 16) - (r.x + 200)
        for label, value in self.lines():
            f.draw(surface, label, (r.x + 20, y), 26, D.DIM)
            f.draw(surface, D.fit(f, (value,), 26, value_w), (r.x + 200, y), 26, D.TEXT)
            y += 36
        box = (pygame.Rect(r.right - LOAD_W - 40, r.y + 20, LOAD_W, 200) if beside
               else pygame.Rect(r.x + 20, y + 24, r.width - 40, 200))
        self._draw_load(surface, box)

    def _draw_load(self, surface: Any, box: Any) -> None:
        st, f = self.ctx.state.status, self.ctx.fonts
        f.draw(surface, "CPU load (audio)", box.topleft, 24, D.DIM)
        live = not self.ctx.state.offline
        for i, key in enumerate(("load_mean", "load_p999")):
            load = float(st.get(key, 0.0)) if live else 0.0
            bar = pygame.Rect(box.x, box.y + 40 + 70 * i, box.width, 26)
            pygame.draw.rect(surface, D.TRACK, bar)
            colour = D.GOOD if load < 0.5 else D.ACCENT if load < 0.85 else D.BAD
            pygame.draw.rect(surface, colour, (bar.x, bar.y, round(bar.width * min(1.0, load)), bar.height))
            figure = f"{load:.0%}" if live else "-"
            f.draw(surface, f"{'mean' if i == 0 else 'p99.9'} {figure}", (bar.x, bar.bottom + 4), 22,
                   D.TEXT if live else D.DIM)

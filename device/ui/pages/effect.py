"""Effect: the active effect pack's knobs (units and ranges from its manifest) and bypass."""
from __future__ import annotations

from typing import Any

from device.control import msg
from device.ui import draw as D
from device.ui.data import active_pack
from device.ui.events import EncoderPress, EncoderTurn, Event, Touch
from device.ui.pages.base import Message, Page, hit
from export.manifest import Knob

STEPS_PER_SWEEP = 100          # detents from min to max (before acceleration)
DRAG_PX_PER_SWEEP = 300        # touch: vertical pixels from min to max


def format_value(knob: Knob, value: float) -> str:
    """"6.5 dB", "1.2 kHz", "100 %": three significant digits, k above 1000."""
    if abs(value) >= 1000:
        return f"{value / 1000:.3g} k{knob.unit}" if knob.unit else f"{value / 1000:.3g}k"
    text = f"{value:.3g}"
    return f"{text} {knob.unit}" if knob.unit else text


class EffectPage(Page):
    title = "Effect"

    def __init__(self, ctx: Any) -> None:
        super().__init__(ctx)
        self.name = ""
        self.knobs: list[Knob] = []
        self.bank = 0                 # encoders 1-4 drive knobs bank*4 .. bank*4+3
        self.dials: list[tuple[tuple[float, float], int, Any]] = []
        self.bypass_btn: Any = None
        self._drag: dict[int, tuple[int, float]] = {}

    def enter(self) -> None:
        pack = active_pack(self.ctx.data, "effect")
        self.name = f"{pack.manifest.name} {pack.manifest.version}" if pack else ""
        self.knobs = list(pack.manifest.knobs) if pack else []
        engine = self.ctx.state.status.get("knobs") or {}
        for k in self.knobs:
            self.ctx.state.knobs.setdefault(k.name, float(engine.get(k.name, k.default)))

    def value(self, knob: Knob) -> float:
        return self.ctx.state.knobs.get(knob.name, knob.default)

    def layout(self, rect: Any) -> None:
        import pygame
        super().layout(rect)
        per_row = 4
        r = min(rect.width // (2 * per_row) - 22, 62)
        self.dials = []
        for i, _ in enumerate(self.knobs[:8]):
            cx = rect.x + rect.width * (i % per_row + 0.5) / per_row
            cy = rect.y + 70 + r + (i // per_row) * (2 * r + 60)
            self.dials.append(((cx, cy), r, pygame.Rect(cx - r, cy - r, 2 * r, 2 * r + 30)))
        self.bypass_btn = pygame.Rect(rect.right - 150, rect.y + 8, 136, 44)

    # -- events -----------------------------------------------------------------------
    def handle(self, event: Event) -> list[Message]:
        if isinstance(event, EncoderTurn):
            i = self.bank * 4 + event.index
            return self._nudge(i, event.steps / STEPS_PER_SWEEP) if event.index < 4 and i < len(self.knobs) else []
        if isinstance(event, EncoderPress) and event.pressed and event.index == 3 and len(self.knobs) > 4:
            self.bank = 1 - self.bank
        if isinstance(event, Touch):
            return self._touch(event)
        return []

    def _nudge(self, i: int, dfrac: float) -> list[Message]:
        knob = self.knobs[i]
        frac = knob.normalize(self.value(knob)) + dfrac
        value = knob.denormalize(frac)
        self.ctx.state.knobs[knob.name] = value
        return [msg("knob", slot="effect", name=knob.name, value=value)]

    def _touch(self, ev: Touch) -> list[Message]:
        if ev.kind == "down" and hit(self.bypass_btn, ev.x, ev.y) and self.knobs:
            self.ctx.state.bypass = not self.ctx.state.bypass
            return [msg("bypass", slot="effect", on=self.ctx.state.bypass)]
        if ev.kind == "down":
            for i, (_, _, box) in enumerate(self.dials):
                if box.collidepoint(ev.x, ev.y):
                    self._drag[ev.id] = (i, ev.y)
                    self.bank = i // 4
            return []
        if ev.kind == "up":
            self._drag.pop(ev.id, None)
            return []
        if ev.id in self._drag:
            i, y0 = self._drag[ev.id]
            self._drag[ev.id] = (i, ev.y)
            return self._nudge(i, (y0 - ev.y) / DRAG_PX_PER_SWEEP)
        return []

    # -- drawing ----------------------------------------------------------------------
    def draw(self, surface: Any) -> None:
        f = self.ctx.fonts
        if not self.knobs:
            f.draw(surface, "no effect pack active", self.rect.center, 30, D.DIM, "center")
            return
        f.draw(surface, self.name, (self.rect.x + 16, self.rect.y + 16), 32, D.TEXT)
        D.button(surface, f, self.bypass_btn, "BYPASS" if self.ctx.state.bypass else "bypass", self.ctx.state.bypass)
        for i, (center, r, _) in enumerate(self.dials):
            knob = self.knobs[i]
            frac = knob.normalize(min(knob.max, max(knob.min, self.value(knob))))
            D.dial(surface, f, center, r, frac, knob.name, format_value(knob, self.value(knob)),
                   D.DIM if self.ctx.state.bypass else D.ACCENT, selected=i // 4 == self.bank and len(self.knobs) > 4)

"""The button encoder: on a page with several buttons, encoder 4's turn picks one and its press does it, as a tap.

A panel without touch (none fitted, or a controller that stopped answering) reached only what the encoders were
bound to: the Kit page's assign / loop / clear / from library, the Library page's "unsure first" and the Models
page's roll back needed a finger (forty-first stop's QA).  Encoder 4 is the page's button encoder as on Settings
(its press: "new code"): on the Kit, Library and Models pages its turn moves a ring from button to button (a detent
each, stopping at either end) and its press does the button in the ring.  Until it is turned, and again each time the
page is shown, the ring is on the page's ``home`` button: the one encoder 4's press did before (the Library page's
retag), so every binding there was stays.  The ring is drawn whatever the panel's touch, so the encoder's button is
always shown: white round the button, with the encoder's number in a disc at its bottom-left corner.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from device.ui import draw as D
from device.ui.events import EncoderPress, EncoderTurn, Event

BUTTON_ENCODER = 3       # encoder 4 (0-based, the board's order): every board in hardware/boards/ has four
RING_PX = 3              # px: the ring's width, drawn just outside the button
BADGE_R = 11             # px: the disc with the encoder's number


@dataclass
class ButtonFocus:
    """Which of a page's buttons (``names``, in their order on screen) encoder 4's press does: ``at``, from ``home``
    until the encoder is turned."""

    names: tuple[str, ...]
    home: str
    at: str = field(default="")

    def __post_init__(self) -> None:
        self.at = self.at or self.home

    def turn(self, delta: int) -> str:
        """Move the ring ``delta`` buttons (clockwise: the next on screen), stopping at the first and last."""
        i = self.names.index(self.at) if self.at in self.names else 0
        self.at = self.names[min(len(self.names) - 1, max(0, i + delta))]
        return self.at

    def reset(self) -> None:
        """The ring back on the home button (the page is shown again)."""
        self.at = self.home


def turned(event: Event) -> int:
    """The detents the button encoder was turned by in ``event`` (0 for any other event)."""
    return event.delta if isinstance(event, EncoderTurn) and event.index == BUTTON_ENCODER else 0


def pressed(event: Event) -> bool:
    """Whether ``event`` is the button encoder's press (not its release)."""
    return isinstance(event, EncoderPress) and event.index == BUTTON_ENCODER and event.pressed


def released(event: Event) -> bool:
    """Whether ``event`` is the button encoder's release."""
    return isinstance(event, EncoderPress) and event.index == BUTTON_ENCODER and not event.pressed


def draw_focus(surface: Any, fonts: D.Fonts, rect: Any) -> None:
    """The ring round ``rect`` (the button encoder 4's press does) and the encoder's number at its corner."""
    import pygame
    if rect is None:
        return
    ring = rect.inflate(2 * (RING_PX + 1), 2 * (RING_PX + 1))
    pygame.draw.rect(surface, D.CURSOR, ring, RING_PX, border_radius=10)
    centre = (ring.x + BADGE_R - 3, ring.bottom - BADGE_R + 2)     # below: a status line is often just above
    pygame.draw.circle(surface, D.CURSOR, centre, BADGE_R)
    fonts.draw(surface, str(BUTTON_ENCODER + 1), (centre[0], centre[1] + 1), 18, D.BG, "center")

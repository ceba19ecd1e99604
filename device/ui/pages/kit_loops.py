"""The Kit page's loops that sound (device/ui/pages/kit.py; p57 QA_B 1: a latched loop played while its pad looked
idle, and nothing on the panel stopped it but that pad).  From the engine's status (device/ui/loops.py):

- a pad whose loop sounds is lit green (a finger's pad is lit orange), whatever started it: a tap, MIDI, OSC;
- the bank buttons "<" / ">" are lit while a loop sounds in a bank that way (a loop off screen shows too);
- "stop loops" sits in the top row, right of the bank's name, while any loop sounds: a tap (or encoder 3's press,
  for a panel without touch) stops every one of them (:func:`device.ui.loops.stop_message`: one ``stop_loops``, the
  loops sounding when the sampler takes it).  A tap counts only where the button was drawn last (p57 R1 4: a status
  with loops that came between the frame and the tap made a tap on the bank's name stop loops never shown);
- while a fault silences the sampler, none of this shows: its voices do not run, and turning it back on drops them
  (p57 R1 1: a green "stop loop" beside "SAMPLER FAULT" said "stopped" and stopped nothing)."""
from __future__ import annotations

from typing import Any

import pygame

from device.ui import draw as D
from device.ui.loops import Loop, sounding, stopped_words

STOP_W = 200             # px: the "stop loops" button at most (half the top row's middle where that is less)
STOP_ENCODER = 2         # encoder 3's press (0-based): stops every loop


class KitLoops:
    """The loops of the status on hand, read once per status (not per pad and frame)."""

    def __init__(self) -> None:
        self._read: tuple[Any, list[Loop], set[int]] = (None, [], set())   # the status read, its loops, their notes
        self.drawn: list[Loop] = []           # the loops the last frame showed ("stop loops" drawn where they are)
        self.stop_drawn: Any = None           # the "stop loops" rect as the last frame drew it (None: not drawn)

    def shown(self, rect: Any, loops: list[Loop]) -> None:
        """The frame drew "stop loops" at ``rect`` for ``loops`` (none: it drew no button)."""
        self.drawn, self.stop_drawn = list(loops), rect if loops else None

    def of(self, status: Any) -> list[Loop]:
        """The loops ``status`` says sound, lowest note first."""
        return self._of(status)[1]

    def notes(self, status: Any) -> set[int]:
        """The notes whose loops sound (made once a status, not once a pad and frame)."""
        return self._of(status)[2]

    def _of(self, status: Any) -> tuple[Any, list[Loop], set[int]]:
        """What ``status`` says of the loops, read once a status."""
        if self._read[0] is not status:
            loops = sounding(status)
            self._read = (status, loops, {loop.note for loop in loops})
        return self._read



def off_screen(loops: list[Loop], first: int, size: int) -> tuple[bool, bool]:
    """Whether one of ``loops`` sounds below the bank on screen (``first``, ``size`` notes), and above it."""
    notes = {loop.note for loop in loops}
    return any(n < first for n in notes), any(n >= first + size for n in notes)


def stop_rect(prev_btn: Any, next_btn: Any) -> Any:
    """Where "stop loops" goes: the right of the top row's middle, beside ">"."""
    middle = next_btn.x - 8 - (prev_btn.right + 8)
    width = min(STOP_W, middle // 2)
    return pygame.Rect(next_btn.x - 8 - width, next_btn.y, width, next_btn.height)


def middle_rect(prev_btn: Any, next_btn: Any, stop_btn: Any, looping: bool) -> Any:
    """The top row's middle (the bank's name, or "SAMPLER FAULT"): between "<" and ">", left of "stop loops" while
    it shows."""
    right = stop_btn.x - 8 if looping else next_btn.x - 8
    return pygame.Rect(prev_btn.right + 8, prev_btn.y, right - (prev_btn.right + 8), prev_btn.height)


def draw_stop(surface: Any, fonts: Any, rect: Any, loops: list[Loop]) -> None:
    """The "stop loops" button, lit green as the pads whose loops it stops."""
    count = f"stop {len(loops)} loops" if len(loops) > 1 else "stop loop"
    D.button(surface, fonts, rect, (count, "stop loops", "stop"), on=True, lit=D.GOOD)


SILENCED = ("a fault silenced the sampler: no loop plays - tap SAMPLER FAULT to turn it back on",
            "sampler silenced: no loop plays")


def stop_said(loops: list[Loop], silenced: bool = False) -> tuple[str, ...]:
    """What the tab bar says once ``loops`` were stopped (none: that nothing was playing; ``silenced``: that a fault
    silenced the sampler, so no loop plays)."""
    return SILENCED if silenced else stopped_words(loops) if loops else ("no loop is playing",)

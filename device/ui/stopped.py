"""The screen the panel shows once the engine has stopped on an error (the audio device gone, ...).

On the box the panel is the only screen, and with the engine gone nothing on any page works: no
sound, no knob reaches anything.  So instead of the pages and a red line in the tab bar, the whole
screen says it, big enough to read from where the musician stands: "THE BOX HAS STOPPED", the
engine's own message (:attr:`device.audio.server.EngineProcess.error`), what to do about it (its hint)
and when the panel closes: after :data:`STOPPED_S` seconds, or at once on a tap or an encoder press.
``hatbox device run`` then ends with exit status 2 (1 when the engine stopped on a bug) and the same
message, also when SIGTERM or Ctrl-C ends it while this screen shows (hatbox/cmd_device.py), so a service
manager that restarts the box on a failure (systemd ``Restart=on-failure``) brings the sound back without
anyone at a keyboard.
"""
from __future__ import annotations

import math
from typing import Any

from device.ui import draw as D

STOPPED_S = 10.0          # how long the stop screen stays up before the panel closes (a tap closes it sooner)
TITLE = "THE BOX HAS STOPPED"
TITLE_SIZE, ERROR_SIZE, HINT_SIZE, FOOT_SIZE = 48, 30, 26, 24
ERROR_LINES, HINT_LINES = 5, 3    # the most lines each is given (the rest ends in "...")


def closing_words(left_s: float) -> str:
    """The stop screen's last line: how long until the panel closes, ``left_s`` seconds from now."""
    return f"closing in {max(0, math.ceil(left_s))} s - tap to close now"


class StopScreen:
    """The engine's error (one line; "" when it said none), its hint, and when the panel closes.

    ``until``: the clock time (the panel's clock, seconds) at which :meth:`over` turns true;
    :meth:`dismiss` (a tap, an encoder press) makes it true at once."""

    def __init__(self, error: str, hint: str, until: float) -> None:
        self.error = error.strip() or "the audio engine ended"
        self.hint = hint.strip()
        self.until = until
        self.dismissed = False

    def dismiss(self) -> None:
        self.dismissed = True

    def over(self, now: float) -> bool:
        """Whether the panel should close now: the time is up or the musician tapped."""
        return self.dismissed or now >= self.until

    def draw(self, surface: Any, fonts: D.Fonts, now: float) -> None:
        """The whole ``surface``: the title in red, the error, the hint, the countdown."""
        w, h = surface.get_size()
        room = w - 40
        surface.fill(D.BG)
        y = 28
        title = D.fit(fonts, (TITLE, "STOPPED"), TITLE_SIZE, room)
        y = fonts.draw(surface, title, (w // 2, y), TITLE_SIZE, D.BAD, "midtop").bottom + 24
        for size, colour, text, most in ((ERROR_SIZE, D.TEXT, self.error, ERROR_LINES),
                                         (HINT_SIZE, D.DIM, self.hint, HINT_LINES)):
            for line in D.wrap(fonts, text, size, room, most):
                y = fonts.draw(surface, line, (20, y), size, colour).bottom + 6
            y += 18
        foot = D.fit(fonts, (closing_words(self.until - now),), FOOT_SIZE, room)
        fonts.draw(surface, foot, (w // 2, h - 24), FOOT_SIZE, D.ACCENT, "midbottom")

"""The Library page's buttons by name, for a tap and for encoder 4 (the button encoder, device/ui/focus.py).

Encoder 4's turn puts the ring on "unsure first", play, "more like this" or retag (their order on screen), and its
press does that button as a tap does; until it is turned, and each time the page is shown, the ring is on retag,
which encoder 4's press did before.  So a panel without touch turns the "unsure first" list on and off too.
Encoder 2's press (play) and 3's (more like this) stay as they were.  In retag mode over a sample that carries a
correction, "unsure first" is "tagger's tags": the correction goes (p57 QA_B 6)."""
from __future__ import annotations

from typing import Any

from device.ui.pages.base import Message

BUTTONS = ("unsure first", "play", "more like this", "retag")   # left to right (portrait: row by row)
HOME = "retag"                                                   # what encoder 4's press does until it is turned


def button_rects(page: Any) -> dict[str, Any]:
    """The page's buttons by name, as laid out now (None before the first layout)."""
    return {"unsure first": page.unsure_btn, "play": page.play_btn, "more like this": page.more_btn,
            "retag": page.retag_btn}


def press_button(page: Any, name: str) -> list[Message]:
    """Button ``name`` of the Library ``page`` tapped, or pressed with encoder 4 while its ring is on it."""
    if name == "play":
        return page._audition()
    if name == "more like this":
        page._more_like_this()
    elif name == "retag":
        page._toggle_retag()
    elif name == "unsure first" and page.undoable():     # in retag mode over a correction: "tagger's tags"
        page._back_to_tagger()
    elif name == "unsure first":
        page._toggle_review()
    return []

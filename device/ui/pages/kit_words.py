"""What the Kit page's buttons and empty pads say (device/ui/pages/kit.py, split from it at its 600-line limit): the
loop and latch buttons' words once they toggled a pad, and an empty pad's tap."""
from __future__ import annotations

from device.kit import Pad


def loop_said(where: str, pad: Pad) -> tuple[str, ...]:
    """What the loop button says once it toggled ``pad`` (on note ``where``, e.g. "C3"): it loops while held now (how
    to latch it is said, with the latch button beside it: the pad does not latch yet; p51 M3, "a tap to start, a tap
    to stop" read as if it did; p52 R1, it named `hatbox box-kit --latch` from the laptop), or plays once (a latch it
    had goes with its loop).  Longest first, then shorter wordings for a narrow tab bar (PanelState.say)."""
    if pad.loop:
        return (f"{where} plays once (no longer latched)", f"{where} plays once, not latched") if pad.latch else \
            (f"{where} plays once",)
    return f"{where} loops while held (tap latch to latch it)", f"{where} loops while held"


def latch_said(where: str, pad: Pad) -> tuple[str, ...]:
    """What the latch button says once it toggled ``pad``'s latch (a looping pad on note ``where``), in the words
    `hatbox box-kit --latch` says it with; then shorter wordings that keep "latched" (a 320-px tab bar cut the long
    one before it: p52 final read FR4 #2)."""
    if pad.latch:
        return (f"{where}: its loop plays while held (no longer latched)",
                f"{where} no longer latched: plays while held", f"{where} no longer latched")
    return (f"{where}: a tap starts its loop, the next tap stops it (latched)",
            f"{where} latched: tap starts, tap stops", f"{where} latched")


def empty_pad_said(where: str, picked: str) -> tuple[str, ...]:
    """What a tap on an empty pad (on note ``where``, e.g. "F2") says: how to fill it, with the Library page's pick
    (``picked``, a path; "" for none) named where there is one (p55 QA_B 5: it said to pick a sample with one picked);
    then the narrow tab bar's words: the instruction without the pick's name (p55 R3 review 5: a long name left
    "F#2 plays nothing" alone on a 480-px screen), then the bare fact."""
    if picked:
        return (f"{where} plays nothing: tap assign to put {Pad(0, picked).name} here",
                f"{where}: tap assign to put it here", f"{where} plays nothing")
    return f"{where} plays nothing: pick a sample on the Library page, then assign", f"{where} plays nothing"

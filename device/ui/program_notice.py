"""What the panel says of a MIDI program change (p55 QA_B 2: a foot switch's program change switched the pack with
nothing on the screen, and one with nothing mapped was said only in box.log; with no laptop the panel is the only
place to see either).

The box's program switcher (device/midi_programs.py ``ProgramSwitcher.add_status``) puts what the last program change
did in the engine status as ``midi_program``: ``{program, channel, at, result, pack, slot, message, ago_s}``.
:class:`ProgramNotices` takes each outcome once, new to the panel, and :func:`program_lines` words it for the tab
bar's message line, longest first: "program 1: fuzzbox 0.2.0 active", "program 7: nothing mapped".
"""
from __future__ import annotations

import math
from typing import Any, Callable

from device.midi_programs import PLAYING, REFUSED, SUPERSEDED, SWITCHED, UNMAPPED

FRESH_S = 4.0       # an outcome older than this when the panel first sees it is from before the panel: not news
QUIET = (SUPERSEDED,)       # a burst's earlier program changes: the last one is said


def program_lines(outcome: dict[str, Any], named: Callable[[str], str]) -> tuple[tuple[str, ...], bool]:
    """The wordings (longest first) of a program change's ``outcome`` and whether they alarm (red: the program's
    pack was refused or is gone).  ``named(pack id)`` is the pack's "name version" ("" when unknown)."""
    message = str(outcome.get("message") or "")
    head = said(outcome)
    result = outcome.get("result")
    pid = outcome.get("pack")
    pack = (named(str(pid)) or str(pid)) if pid else ""
    if result == SWITCHED:
        return (f"{head}: {pack} active",), False
    if result == PLAYING:
        return (f"{head}: {pack} is active already",), False
    if result == UNMAPPED:
        return (f"{head}: nothing mapped, the box plays on as before", f"{head}: nothing mapped"), False
    if result == REFUSED and pack:            # the switcher's words, then without the pack's id, then short ones
        return (message, message.replace(f" ({pid})", ""), f"{head}: {pack} not switched in: the box plays on",
                f"{head}: not switched in"), True
    if result == REFUSED:
        return (message, f"{head}: its pack is gone: nothing switched", f"{head}: nothing switched"), True
    return (message or f"{head}: not switched",), False


def said(outcome: dict[str, Any]) -> str:
    """"program 3" or "program 3 on channel 10": the switcher's own words at the head of its message (the channel
    where the mapping is a channel's own), else made of the outcome's program."""
    message = str(outcome.get("message") or "")
    head = message.split(": ", 1)[0]
    return head if head.startswith("program ") else f"program {outcome.get('program', '?')}"


class ProgramNotices:
    """Which program change the panel has said: :meth:`take` answers a status's ``midi_program`` once, when it is new
    to the panel; one the panel first sees older than :data:`FRESH_S` (the panel started after it) is not said."""

    def __init__(self) -> None:
        self._seen: tuple[Any, ...] | None = None

    def take(self, status: dict[str, Any]) -> dict[str, Any] | None:
        """The status's program change outcome when it is news to the panel, else None (none, said already, a burst's
        superseded one, or one from before the panel)."""
        outcome = status.get("midi_program") if isinstance(status, dict) else None
        if not isinstance(outcome, dict):
            return None
        key = tuple(outcome.get(k) for k in ("at", "program", "channel", "result", "message"))
        if key == self._seen:
            return None
        first, self._seen = self._seen is None, key
        if outcome.get("result") in QUIET or (first and not fresh(outcome)):
            return None
        return outcome


def fresh(outcome: dict[str, Any]) -> bool:
    """Whether the outcome is at most :data:`FRESH_S` old by the box's own clock (``ago_s``)."""
    ago = outcome.get("ago_s")
    return isinstance(ago, (int, float)) and not isinstance(ago, bool) and math.isfinite(ago) and ago <= FRESH_S

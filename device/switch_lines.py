"""The log lines of the box's program switches (device/midi_programs.py ``ProgramSwitcher``): :class:`SwitchLines`.

Each switch is a change (device.logs ``AS_SWITCH``: box.log and switches.log, the switches' own share beside
changes.log, written when it happens, never folded into a count that waits for a timer), within a budget per
source (device.logs :class:`LineBudget`: :data:`CHANGE_LINES` a minute, the rule OSC's volume and bypass lines
follow).  A set list's switches (a few a
minute) are all written at once.  Past the budget a switch is counted, not written, and the count goes out with the
next line its source is allowed, so a power cut loses at most the count; the switcher's stop writes what is held.
Before (p55 review), OSC, open to the network with no sign-in, wrote 20 switch lines a second and rolled the
pairings and installs out of changes.log in under three minutes; and (p56) a flood that never stopped, at 6 lines
a minute, still rolled them out after some 4 hours: the switches' own file (switches.log) takes that now.

The sources: MIDI (the box's ports), a paired device (the API's fire route, by its name), and OSC: every OSC sender
shares one budget, as their addresses are not signed in and a flood can forge as many as it likes (the count names
the first :data:`SENDERS_NAMED` of them).
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

from device.logs import AS_SWITCH, CHANGE_LINES, LineBudget

SENDERS_NAMED = 4           # senders named in a count at most (the rest counted)
OTHERS_KEPT = 1000          # senders beyond those remembered to be counted at most (a forged flood has no end of them)
OSC_SOURCE = "OSC"          # the budget every OSC sender's switches share ("OSC 192.0.2.7")

log = logging.getLogger("hatbox.midi")


def budget_key(source: str) -> str:
    """The budget a switch from ``source`` ("MIDI", "OSC 192.0.2.7", "'studio-mac'") counts in: "OSC" for any OSC
    sender, else the source itself."""
    return OSC_SOURCE if source.split(" ", 1)[0] == OSC_SOURCE else source


@dataclass
class _Held:
    """A source's budget and the switches held past it: how many, since when (monotonic s), from whom, the last."""

    budget: LineBudget = field(default_factory=LineBudget)
    count: int = 0
    since: float = 0.0
    senders: list[str] = field(default_factory=list)
    others: set[str] = field(default_factory=set)      # senders beyond SENDERS_NAMED (OTHERS_KEPT at most)
    last: str = ""                  # the last held switch's line

    def hold(self, line: str, source: str, now: float) -> None:
        if not self.count:
            self.since = now
        self.count, self.last = self.count + 1, line
        if source in self.senders:
            return
        if len(self.senders) < SENDERS_NAMED:
            self.senders.append(source)
        elif len(self.others) < OTHERS_KEPT:
            self.others.add(source)

    def words(self, now: float) -> str:
        """"14 switches not written one by one (from OSC 192.0.2.7 and 2 more, over 52 s: at most 6 switch lines a
        minute from each source)"; forgets them."""
        more = f"{'at least ' if len(self.others) >= OTHERS_KEPT else ''}{len(self.others)} more"
        senders = ", ".join(self.senders) + (f" and {more}" if self.others else "")
        said = (f"{self.count} switch{'es' if self.count > 1 else ''} not written one by one (from {senders}, over "
                f"{max(0.0, now - self.since):.0f} s: at most {CHANGE_LINES} switch lines a minute from each source)")
        self.count, self.senders, self.others = 0, [], set()
        return said


class SwitchLines:
    """Writes a switch's line (:meth:`said`) within its source's budget, counting the rest; :meth:`flush` at the
    switcher's stop writes the counts held.  Called from the switcher's one worker thread and its stop."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.held: dict[str, _Held] = {}
        self.lock = threading.Lock()

    def said(self, line: str, source: str) -> bool:
        """Write ``line`` (a switch's words with who sent it, "program 1: ... switched in ...") as "MIDI <line>",
        with the count held before it; past its source's budget, count it instead.  True when written."""
        with self.lock:
            now, held = self.clock(), self.held.setdefault(budget_key(source), _Held())
            if not held.budget.room(now):
                held.hold(line, source, now)
                return False
            before = f" (before it, {held.words(now)})" if held.count else ""
            log.info("MIDI %s%s", line, before, extra=AS_SWITCH)
        return True

    def flush(self) -> int:
        """Write each source's held count with its last switch ("the last: ..."); returns the lines written."""
        with self.lock:
            now, waiting = self.clock(), [held for held in self.held.values() if held.count]
            for held in waiting:
                last = held.last
                log.info("MIDI program switches: %s; the last: %s", held.words(now), last, extra=AS_SWITCH)
        return len(waiting)

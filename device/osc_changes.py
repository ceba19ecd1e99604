"""The box's log lines for what OSC changed that a player cannot see at a glance: the output volume and a slot's
bypass (:class:`OscChanges`), with the sender's address.

A fader sends some 50 messages a second, so a change is said once it settles: one info line when no message of it
came for :data:`SETTLE_S`, or every :data:`LONGEST_S` while it keeps moving, with how many messages it took and
every sender of them ("OSC from 192.0.2.7: output volume set to -60 dB (48 messages over 0.9 s)").  Before
(forty-eighth stop's QA) a stranger on the studio's Wi-Fi set the volume to -60 dB and bypassed two slots, and the
box's log said nothing.  The lines are info (box.log), not warnings: TouchOSC on the player's own phone does this
all evening.  At most :data:`CHANGE_LINES` lines a minute (a sender waiting just over :data:`SETTLE_S` between
messages would write one each time, each in other words, which box.log's repeat collapse cannot merge): a change
that settles past that is held, later messages of it counted in, and said once the minute allows, with how many
changes it holds.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from device.knob_words import volume_number
from device.logs import CHANGE_LINES, LineBudget
from device.logs import CHANGE_WINDOW_S as CHANGE_WINDOW_S      # the budget's window, as the tests read it here

SETTLE_S = 1.0          # s without a message for it after which a change is said
LONGEST_S = 10.0        # s a change that keeps moving goes unsaid at most
KEPT_SENDERS = 4        # senders named in one line at most (the rest counted)

log = logging.getLogger("hatbox.osc")


@dataclass
class _Burst:
    """One change being made: its latest words, the senders, how many messages, from when to when (monotonic s)."""

    words: str
    senders: list[str]
    first: float
    last: float
    count: int = 1
    others: int = 0          # senders beyond KEPT_SENDERS
    changes: int = 1         # changes in it: a message after it had settled starts another (said while held)
    held: bool = False       # it settled while CHANGE_LINES lines had been said in the window


def change_key(control: dict[str, Any]) -> str:
    """What a control message changes, among those said (:func:`change_words`): "volume", "bypass effect"; "" for
    any other (a note, a knob: heard and seen in the music and on the panel)."""
    op = control.get("op")
    if op == "volume":
        return "volume"
    return f"bypass {control.get('slot')}" if op == "bypass" else ""


def change_words(control: dict[str, Any]) -> str:
    """The change ``control`` makes, in words: "output volume set to -60 dB" (as `hatbox status` and the API's log
    line write it: "-12.3 dB", "0 dB"), "effect slot bypassed", "effect slot back in (bypass off)"."""
    if control.get("op") == "volume":
        return f"output volume set to {volume_number(control['db'])} dB"     # never "-0 dB"
    slot = control.get("slot")
    return f"{slot} slot bypassed" if control.get("on") else f"{slot} slot back in (bypass off)"


@dataclass
class OscChanges:
    """Collects the volume and bypass changes OSC made (:meth:`heard`) and says each once it settles
    (:meth:`settle`, called by the server's thread between packets; :meth:`flush` at its stop)."""

    clock: Callable[[], float] = time.monotonic
    _bursts: dict[str, _Burst] = field(default_factory=dict)
    _budget: LineBudget = field(default_factory=LineBudget)     # CHANGE_LINES lines a CHANGE_WINDOW_S at most

    def heard(self, control: dict[str, Any], sender: str) -> None:
        """``control`` was sent to the engine from ``sender`` (an IP address)."""
        key = change_key(control)
        if not key:
            return
        now, burst = self.clock(), self._bursts.get(key)
        if burst is None:
            self._bursts[key] = _Burst(change_words(control), [sender], now, now)
            return
        if now - burst.last >= SETTLE_S:             # it had settled (held back by the rate): another change
            burst.changes += 1
        burst.words, burst.last, burst.count = change_words(control), now, burst.count + 1
        if sender not in burst.senders:
            if len(burst.senders) < KEPT_SENDERS:
                burst.senders.append(sender)
            else:
                burst.others += 1

    def settle(self) -> int:
        """Say the changes that settled (or kept moving for :data:`LONGEST_S`); returns the lines said."""
        now, said = self.clock(), 0
        for key, burst in list(self._bursts.items()):
            if now - burst.last >= SETTLE_S or now - burst.first >= LONGEST_S:
                if not self._budget.room(now):
                    burst.held = True
                    continue
                said += self._say(key, burst, moving=now - burst.last < SETTLE_S)
        return said

    def flush(self) -> int:
        """Say every change not said yet (the server's stop); returns the lines said."""
        return sum(self._say(key, burst) for key, burst in list(self._bursts.items()))

    def _say(self, key: str, burst: _Burst, moving: bool = False) -> int:
        del self._bursts[key]
        senders = ", ".join(burst.senders) + (f" and {burst.others} more" if burst.others else "")
        log.info("OSC from %s: %s%s", senders, burst.words, _count_words(burst, moving))
        return 1


def _count_words(burst: _Burst, moving: bool) -> str:
    """" (48 messages over 0.9 s)", " (3 changes, 40 messages over 52.0 s; held back: at most 6 OSC change lines a
    minute)": what the line of ``burst`` stands for ("" for one message said at once)."""
    parts = [f"{burst.changes} changes"] if burst.changes > 1 else []
    if burst.count > 1:
        parts.append(f"{burst.count} messages over {burst.last - burst.first:.1f} s")
    if moving:
        parts.append("still moving")
    said = ", ".join(parts)
    if burst.held:
        said += f"{'; ' if said else ''}held back: at most {CHANGE_LINES} OSC change lines a minute"
    return f" ({said})" if said else ""

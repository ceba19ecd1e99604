"""A slot's bypass as a page shows it: the engine's report, the user's tap, and the fault behind it.

The engine bypasses any slot on a ``bypass`` message (``Slot.set_bypass`` in device/audio/engine.py:
a bypassed effect plays its input dry, a bypassed synth or sampler is silent) and on its own when
the slot's unit faults; its status says which are bypassed (``status["bypassed"]``, {slot: bool}).
:class:`SlotBypass` follows that report with every status: a tap wins over the statuses that have
not caught up with it, until the engine reports the tapped value, or a fault newer than the tap
(shown at once), or :data:`HOLD_STATUSES` newer statuses have come without it (the engine did not
take it).  The Effect page keeps one for the pack it shows (device/ui/pages/effect.py: only the
statuses that name that pack count, ``SlotBypass.pack``); the Play page keeps one for the synth and
one for the sampler.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from device.control import msg
from device.ui.faults import FaultKey, fault_key, newer, slot_fault

HOLD_STATUSES = 5      # statuses newer than a tap that may not show it yet (~0.5 s at 10 Hz)


@dataclass(frozen=True)
class Tap:
    """A bypass tap sent to the engine, and what the panel knew then."""

    on: bool                       # the value sent
    seq: int                       # the status the panel had (``PanelState.status_seq``)
    fault: FaultKey | None         # the newest fault of the slot that status reported
    before: FaultKey | None        # the fault mark before the tap (put back if the engine refuses it)


def plays(status: dict[str, Any], slot: str, pack: str) -> bool:
    """Whether the pack the engine plays (or fades to) in ``slot`` is the one at path ``pack``
    (``status["active"][slot]["path"]``; right after a switch the status may still name the old one)."""
    playing = (status.get("active") or {}).get(slot)
    return isinstance(playing, dict) and playing.get("path") == pack


def slot_report(status: dict[str, Any], slot: str, pack: str | None = None) -> bool | None:
    """Whether the engine bypasses ``slot`` (the user's bypass or a fault's); None when the status
    does not say (no answer yet, or a control without ``bypassed``), or, given a ``pack`` path, when
    the status does not name that pack in the slot (:func:`plays`)."""
    bypassed = status.get("bypassed")
    if not isinstance(bypassed, dict) or slot not in bypassed:
        return None
    if pack is not None and not plays(status, slot, pack):
        return None
    return bool(bypassed[slot])


class SlotBypass:
    """The bypass of one slot as shown: :attr:`on` (bypassed) and :attr:`fault` (the engine fault
    that bypassed it, newer than the user's last tap; None when the user's own bypass or none).
    :attr:`pack`: the path of the pack whose bypass is shown; statuses that name another pack in the
    slot are not followed (None: whatever the slot plays)."""

    def __init__(self, slot: str, pack: str | None = None) -> None:
        self.slot = slot
        self.pack = pack
        self.on = False
        self.fault: dict[str, Any] | None = None
        self._tap: Tap | None = None                # a tap the statuses have not caught up with
        self._mark: FaultKey | None = None          # the slot's newest fault when the user last tapped

    def reset(self, on: bool = False) -> None:
        """Shown ``on`` (default: not bypassed, how the engine starts a pack it switches to), no
        fault, nothing held."""
        self.on, self.fault, self._tap, self._mark = on, None, None, None

    def follow(self, status: dict[str, Any], seq: int) -> None:
        """Show the engine's report in ``status`` (the panel's ``seq``-th); a status that does not
        say changes nothing, nor does one that has not caught up with a tap."""
        report = slot_report(status, self.slot, self.pack)
        if report is None:
            return
        fault = slot_fault(status, self.slot)
        if self._tap is not None and not self._caught_up(self._tap, report, fault, seq):
            return
        self._tap = None
        self.on = report
        self.fault = fault if report and newer(fault, self._mark) else None

    @staticmethod
    def _caught_up(tap: Tap, report: bool, fault: dict[str, Any] | None, seq: int) -> bool:
        """The report is newer than ``tap``: it shows the tapped value, or a fault after the tap, or
        :data:`HOLD_STATUSES` statuses have come since without it (not taken)."""
        return report == tap.on or newer(fault, tap.fault) or seq - tap.seq >= HOLD_STATUSES

    def tap(self, status: dict[str, Any], seq: int) -> dict[str, Any]:
        """The button: the other value, shown at once; returns the message to send.  The fault shown
        goes (the user acts on it: a fault after this tap is shown again)."""
        self.on = not self.on
        mark = slot_fault(status, self.slot)
        self._tap = Tap(self.on, seq, fault_key(mark) if mark else None, self._mark)
        self._mark, self.fault = self._tap.fault, None
        return msg("bypass", slot=self.slot, on=self.on)

    def refused(self, message: dict[str, Any], status: dict[str, Any], seq: int) -> None:
        """The engine did not take ``message`` (a tap's): show what it plays again."""
        self.on = not message.get("on")
        if self._tap is not None:
            self._mark, self._tap = self._tap.before, None
        self.follow(status, seq)


__all__ = ["HOLD_STATUSES", "SlotBypass", "Tap", "plays", "slot_report"]

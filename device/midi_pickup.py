"""MIDI pick-up (soft takeover), per physical control: :class:`PickUp`, which device/midi.py's ``MidiMap`` asks
whether a control change may move the knob (or pad axis) it is bound to.

A physical control is (source, channel, CC number) (:data:`Control`): the source is the port the message came in
on (a controller's sequencer port, or the box's own ``hatbox`` port that DAWs connect to), the channel 0..15.
Before the forty-second stop the state was kept by CC number alone, so a second controller's fader (or the same CC
on another channel) resting elsewhere took over a knob the first had picked up, and jumped it on first touch
(15 dB on the factory drive; QA p42).  Now a control that never passed through the knob's value does not move it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

PICKUP = 0.02                            # a CC within this fraction of the knob's range of it picks it up
IN_STEP = 1e-6                           # a knob still at what its CC last set (fraction of its range)
Control = tuple[str, int, int]           # (source port, MIDI channel 0..15, CC number): one physical control
Target = tuple[str, str]                 # (slot, knob name), or ("pad", "x" | "y")


@dataclass
class PickUp:
    """Where each physical control was last (``last``: a fraction of 0..127) and which control set each target's
    value now (``held``: target -> (control, the fraction it set)).  Not thread-safe: the map's caller holds the
    hub's lock."""

    last: dict[Control, float] = field(default_factory=dict)
    held: dict[Target, tuple[Control, float]] = field(default_factory=dict)

    def moved(self, control: Control, fraction: float) -> float | None:
        """``control`` is at ``fraction`` now; returns where it was before (None: first value seen from it)."""
        previous, self.last[control] = self.last.get(control), fraction
        return previous

    def takes(self, control: Control, target: Target, current: float | None, previous: float | None,
              fraction: float) -> bool:
        """Whether ``control``, moving from ``previous`` to ``fraction`` (None: its first value), may move
        ``target``, whose value now is ``current`` (a fraction of its travel; None: unknown): it is in step (it
        set that value and has not moved since), or it reaches the value now (within :data:`PICKUP`, or crossing
        it), or the value is unknown.  A control that moved while its knob was away (a pack without that knob
        played meanwhile: QA p46 stage, the drive jumped 18.9 -> 0.2 dB on the first nudge back) is no longer in
        step: it picks the knob up again like any other."""
        if current is None:
            return True
        if self._in_step(control, target, current, previous):
            return True
        if abs(fraction - current) <= PICKUP:
            return True
        return previous is not None and (previous - current) * (fraction - current) <= 0.0

    def _in_step(self, control: Control, target: Target, current: float, previous: float | None) -> bool:
        """``control`` set ``target`` to ``current`` and was still there before this move (``previous``)."""
        held = self.held.get(target)
        return held is not None and held[0] == control and abs(held[1] - current) <= IN_STEP \
            and previous is not None and abs(previous - held[1]) <= IN_STEP

    def claims(self, control: Control, target: Target, current: float | None, previous: float | None,
               fraction: float) -> bool:
        """Whether ``control`` :meth:`takes` ``target`` (arguments as there); when it does, it :meth:`took` it:
        the one pick-up step of a knob and of the pad's axes (device/midi.py's ``MidiMap._knob``)."""
        if not self.takes(control, target, current, previous, fraction):
            return False
        self.took(target, control, fraction)
        return True

    def took(self, target: Target, control: Control, fraction: float) -> None:
        """``control`` set ``target`` to ``fraction`` of its travel: in step with it while it stays there."""
        self.held[target] = (control, fraction)

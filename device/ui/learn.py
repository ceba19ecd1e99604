"""MIDI learn on the box itself: the Effect page binds a hardware control to a knob without a laptop.

The box's control (hatbox/cmd_device.py ``BoxControl``) carries the box's MIDI map as ``control.midi``, a
:class:`device.midi.MidiHub` (the one the MIDI input translates through and the HTTP API's ``/midi`` routes
change).  :class:`MidiLearn` is what the Effect page knows of it:

- it reads the hub's :meth:`~device.midi.MidiHub.snapshot` once a frame (:meth:`MidiLearn.poll`; the hub's
  lock is held for its copy only, about 40 us), for the CCs bound to each knob and what is armed;
- with learn mode on (:meth:`MidiLearn.toggle`), a tapped knob is armed (:meth:`MidiLearn.tap`:
  ``MidiHub.arm``); the MIDI input's thread binds the next control change to it, and the next poll sees
  the armed learn gone and the new binding: "CC 74 -> drive";
- learn mode off, the page left, or the effect pack switched cancels a learn armed here
  (:meth:`MidiLearn.cancel`: ``MidiHub.cancel(only=...)``, which disarms it under the hub's lock only if it
  is still the one armed), never one armed elsewhere (the API) for another knob, even one armed a moment
  before;
- a learn armed elsewhere (``POST /midi/learn``) for a knob of the slot shows as one armed here does
  (:meth:`MidiLearn.waiting`, :meth:`MidiLearn.elsewhere`), is never cancelled here, and its binding is
  said as one learned here is ("CC 74 -> drive", :meth:`MidiLearn.poll`) when a poll sees it armed and a
  later one sees it gone with a CC newly learned for its knob (armed and bound between two polls, a frame
  apart, it goes unsaid: the hub's snapshot keeps no record of a learn that came and went; cancelled, or
  bound to a CC the knob had learned already, it goes unsaid too);
- the hub's warnings (learned bindings that could not be saved) are said once each
  (:meth:`MidiLearn.warning`).

Nothing here waits: arming, cancelling and reading the snapshot only take the hub's lock, which the MIDI
thread holds for the translation of one message.  A control without ``midi`` (the demo's RecordingControl,
an older box) has no learn at all; a hub whose MIDI input is not open ("MIDI is off") offers none either,
and a tap on the page's "MIDI off" button says why (the hub's ``note``)."""
from __future__ import annotations

from typing import Any, Callable

MIDI_OFF = "MIDI is off"


class MidiLearn:
    """MIDI learn for the knobs of ``slot`` over the hub ``hub()`` returns (None: the box has no MIDI map)."""

    def __init__(self, hub: Callable[[], Any], slot: str = "effect") -> None:
        self._hub, self.slot = hub, slot
        self.on = False                            # learn mode: a tapped knob is armed
        self.armed: str | None = None              # the knob armed from here, waiting for a CC
        self.bound: tuple[int, str] | None = None  # the last binding learned from here: (CC, knob)
        self.snap: dict[str, Any] | None = None    # the hub's last snapshot (None: no hub, or it failed)
        self.problem = ""                          # why the last snapshot failed ("" when it did not)
        self._before: set[int] = set()             # CCs learned for the armed knob when it was armed
        self._other: tuple[str, set[int]] | None = None   # a knob seen armed elsewhere, and its learned CCs then
        self._warned: set[str] | None = None       # the hub's warnings said so far (None: no snapshot yet)

    def hub(self) -> Any:
        """The box's MidiHub, or None (a control without ``midi``)."""
        try:
            return self._hub()
        except Exception:  # noqa: BLE001 - a control that cannot say has no MIDI
            return None

    def available(self) -> bool:
        """Whether the box has a MIDI map at all (the page shows its learn button)."""
        return self.hub() is not None

    def midi_on(self) -> bool:
        """Whether a MIDI input is open (a CC can come to bind)."""
        return self.snap is not None and self.snap.get("midi") == "on"

    def why_off(self) -> str:
        """Why there is no MIDI learn now, in the hub's words."""
        if self.problem:
            return f"MIDI learn: {self.problem}"
        note = self.snap.get("note") if self.snap is not None else ""
        return str(note) if note else MIDI_OFF

    # -- reading ----------------------------------------------------------------------
    def poll(self) -> str | None:
        """Read the hub's snapshot (once a frame).  Returns what to say when a learn armed here has ended
        since the last poll: "CC 74 -> drive", or that it was cancelled or moved elsewhere; or when one
        armed elsewhere has bound a CC (:meth:`_other_ended`): the same "CC 74 -> drive"; else None.
        MIDI gone off ends learn mode (what to say: why)."""
        if not self._read():
            self.on, self.armed, self._other = False, None, None
            return None
        if not self.midi_on():
            was_on = self.on
            self.cancel()
            self.on, self._other = False, None
            return self.why_off() if was_on else None
        here = self._ended() if self.armed is not None else None
        return self._other_ended() or here

    def _read(self) -> bool:
        """Take the hub's snapshot into :attr:`snap` (None when it fails: :attr:`problem` says why); False
        when there is no hub."""
        hub = self.hub()
        if hub is None:
            self.snap = None
            return False
        try:
            snap = hub.snapshot()
        except Exception as exc:  # noqa: BLE001 - the page shows "MIDI off" and why, never fails
            text = str(exc).strip().splitlines()
            self.snap, self.problem = None, text[0] if text else type(exc).__name__
        else:
            self.snap, self.problem = (snap if isinstance(snap, dict) else None), ""
        return True

    def _ended(self) -> str | None:
        """The learn armed here, if the hub has it no more: what became of it, in words."""
        learning = (self.snap or {}).get("learning")
        if isinstance(learning, dict) and (learning.get("slot"), learning.get("knob")) == (self.slot, self.armed):
            return None
        knob, self.armed = str(self.armed), None
        if isinstance(learning, dict):
            return f"MIDI learn for {knob} replaced by {learning.get('slot')}.{learning.get('knob')} (armed elsewhere)"
        learned = self.ccs(knob, learned_only=True)
        new = sorted(set(learned) - self._before) or learned
        if not new:
            return f"MIDI learn for {knob} cancelled"
        return self._learned(new[0], knob)

    def _other_ended(self) -> str | None:
        """The learn armed elsewhere (:meth:`elsewhere`) the last poll saw, if the hub has it no more and a CC
        is newly learned for its knob: "CC 74 -> drive", as :meth:`_ended` says it; else None.  Remembers the
        one armed elsewhere now, with the CCs its knob has learned already."""
        knob, was = self.elsewhere(), self._other
        if knob is None:
            self._other = None
        elif was is None or was[0] != knob:
            self._other = (knob, set(self.ccs(knob, learned_only=True)))
        if was is None or was[0] == knob:
            return None
        new = sorted(set(self.ccs(was[0], learned_only=True)) - was[1])
        return self._learned(new[0], was[0]) if new else None

    def _learned(self, cc: int, knob: str) -> str:
        """``cc`` has been learned for ``knob`` (armed here or elsewhere): the page shows it as just bound;
        what to say."""
        self.bound = (cc, knob)
        return f"CC {cc} -> {knob}"

    def elsewhere(self) -> str | None:
        """The knob of the slot armed for MIDI learn elsewhere (the API), not here; None when there is none
        (or MIDI is off)."""
        learning = (self.snap or {}).get("learning")
        if not self.midi_on() or not isinstance(learning, dict) or learning.get("slot") != self.slot:
            return None
        knob = learning.get("knob")
        return str(knob) if knob is not None and knob != self.armed else None

    def waiting(self, knob: str) -> bool:
        """Whether ``knob`` waits for a CC: armed here, or elsewhere (:meth:`elsewhere`)."""
        return knob == self.armed or (self.armed is None and knob == self.elsewhere())

    def warning(self) -> str | None:
        """The hub's newest warning not said yet (from the last snapshot), once per text; of those the
        first snapshot holds (from before the page was shown) only the newest.  None: nothing new."""
        if self.snap is None:
            return None
        texts = [str(t) for t in self.snap.get("warnings") or [] if t]
        fresh = texts if self._warned is None else [t for t in texts if t not in self._warned]
        self._warned = (self._warned or set()) | set(texts)
        return fresh[-1] if fresh else None

    def ccs(self, knob: str, learned_only: bool = False) -> list[int]:
        """The CCs that turn ``knob`` of the slot now (all of them, or the learned ones), in order."""
        rows = (self.snap or {}).get("bindings") or []
        return sorted(int(b["cc"]) for b in rows if isinstance(b, dict) and b.get("slot") == self.slot
                      and b.get("knob") == knob and (not learned_only or b.get("source") == "learned"))

    def cc_label(self, knob: str) -> str:
        """What a knob shows under its name: "CC 74", "CC 21, 70"; "" when none turns it or MIDI is off."""
        if not self.midi_on():
            return ""
        ccs = self.ccs(knob)
        return f"CC {', '.join(str(c) for c in ccs)}" if ccs else ""

    # -- acting -----------------------------------------------------------------------
    def toggle(self) -> str | None:
        """The learn button: learn mode on, or off (cancelling a learn armed here).  With MIDI off,
        nothing changes and the answer says why; else what to say (None: the page's line says it)."""
        if self.snap is None:
            self._read()                        # a tap before the page's first frame
        if not self.on and not self.midi_on():
            return self.why_off()
        if self.on:
            knob = self.armed
            self.cancel()
            self.on, self.bound = False, None
            return f"MIDI learn off (learn for {knob} cancelled)" if knob is not None else "MIDI learn off"
        self.on, self.bound = True, None
        return None

    def tap(self, knob: str) -> str:
        """A knob tapped in learn mode: arm it (the armed one again: cancel it).  Returns what to say."""
        hub = self.hub()
        if self.snap is None:
            self._read()
        if hub is None or not self.midi_on():
            return self.why_off()
        if self.armed == knob:
            self.cancel()
            return f"MIDI learn for {knob} cancelled"
        names = hub.knob_names(self.slot)
        if knob not in names:
            return (f"the {self.slot} pack the box plays has no knob '{knob}': nothing armed"
                    if names else f"no {self.slot} pack is playing: nothing armed")
        self._before = set(self.ccs(knob, learned_only=True))
        hub.arm(self.slot, knob)
        self.armed, self.bound = knob, None
        return f"{knob}: move a control on your MIDI controller..."

    def cancel(self) -> None:
        """Disarm the learn armed here, if the hub still has it: in one step under the hub's lock, so one
        armed elsewhere since (the API), even a moment before, stays armed."""
        knob, self.armed = self.armed, None
        hub = self.hub() if knob is not None else None
        if hub is not None:
            hub.cancel(only=(self.slot, knob))

    def leave(self) -> None:
        """The page is left: learn mode ends, a learn armed here is cancelled, one armed elsewhere is
        forgotten (its binding, if it comes while another page is shown, goes unsaid)."""
        self.cancel()
        self.on, self.bound, self._other = False, None, None

    def lines(self) -> tuple[tuple[str, ...], str] | None:
        """What the page's line under the pack's name says in learn mode, or while a knob of the slot is
        armed elsewhere (longest wording first), and how ("armed", "bound", "idle"); None when neither."""
        other = self.elsewhere() if self.armed is None else None
        if other is not None:
            return (f"{other}: move a control on your MIDI controller... (armed elsewhere)",
                    f"{other}: move a control on your MIDI controller...", f"{other}: move a MIDI control...",
                    "move a MIDI control..."), "armed"
        if not self.on:
            return None
        if self.armed is not None:
            k = self.armed
            return (f"{k}: move a control on your MIDI controller... (tap {k} again to cancel)",
                    f"{k}: move a control on your MIDI controller...", f"{k}: move a MIDI control...",
                    "move a MIDI control..."), "armed"
        if self.bound is not None:
            cc, k = self.bound
            return (f"CC {cc} -> {k}: tap another knob, or learn to finish", f"CC {cc} -> {k}"), "bound"
        return ("MIDI learn: tap a knob, then move a control on your controller", "tap a knob, then move a control",
                "tap a knob"), "idle"

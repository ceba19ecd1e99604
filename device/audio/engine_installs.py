"""What each slot of the engine plays, on the control side: packs installed (and unloaded), and the knobs the player
set carried from one pack to the next.

:class:`SlotInstalls` is a part of :class:`device.audio.engine.Engine` (its base class), split out of it for size: its
methods run on the control side (API, UI, MIDI, OSC, the Swapper's worker thread) under the engine's locks and post
what the audio thread must do (:meth:`SlotInstalls._switch_to`) through :meth:`Engine.post`; none of them runs per
block.  Its own state (what each slot has installed and switched to, the knobs carried) it makes itself
(:meth:`SlotInstalls._init_installs`, which ``Engine.__init__`` calls); what it takes from the engine is listed in the
class.  A slot's bypass is the engine's: a pack switched in, or an unload, asks it to forget it
(``Engine._forget_bypass``).
"""
from __future__ import annotations

import contextlib
import threading
from collections import deque
from dataclasses import replace
from typing import Any, Callable

from device.audio.held import (KnobMemory, Note, Performance, SetKnob, carried_notes, dial_of, in_units, knob_spec,
                               untold)
from device.audio.slot import Slot
from hatbox.errors import KnobError, first_line


class SlotInstalls:
    """Installs, unloads and knob turns of :class:`device.audio.engine.Engine` (see the module docstring)."""

    # the engine's (device/audio/engine.py):
    slots: dict[str, Slot]
    blocks: int                                 # blocks the audio thread has run
    swap_blocks: deque[int]                     # block where each effect swap began
    timed_notes: bool
    performance: Performance                    # what is held on the synth
    knobs_changed: Callable[[], None]
    knobs_from: Callable[[str], None]
    post: Callable[[Callable[[], None]], None]  # work for the audio thread, run at its next block
    _forget_bypass: Callable[[str], None]       # a slot's bypass is over: a pack switched in plays, or it is empty
    _knob_lock: threading.Lock
    _route_lock: threading.Lock
    # its own (:meth:`_init_installs`):
    knob_memory: KnobMemory                     # the knobs the player set: a pack switched in keeps them
    carried: dict[str, list[SetKnob]]           # slot -> the knobs its last install carried (in its units)
    _loading: dict[str, dict[str, float]]       # slot -> knobs turned while its new pack is prepared
    _incoming: dict[str, Any]                   # slot -> the unit installed last (None: unloaded)
    _incoming_info: dict[str, Any]              # slot -> its info
    _knob_info: dict[str, dict[str, Any]]       # slot -> info of the pack the knobs were set on (kept emptied)
    _installs: dict[str, int]                   # slot -> installs and unloads posted (control side)
    _switched: dict[str, int]                   # slot -> those switched to (audio thread)

    def _init_installs(self) -> None:
        """Make this part's own state (listed in the class): nothing installed, no knob set."""
        self.knob_memory = KnobMemory()
        self.carried = {}
        self._loading, self._incoming, self._incoming_info, self._knob_info = {}, {}, {}, {}
        self._installs, self._switched = {}, {}

    def install(self, slot: str, unit: Any, info: dict[str, Any] | None) -> None:
        """Crossfade a prepared unit (already warmed) into ``slot`` at the next block.  The knobs the player set on
        the pack it replaces, and those turned since :meth:`begin_load`, are set on it first, and it is brought to
        rest there (:meth:`_carry`; a knob it lacks, in another unit, or a value outside its range, is left at its
        default with a note in ``info["warnings"]``), and from now on knob messages for ``slot`` turn it, also
        before the audio thread has switched to it (the status shows it from now on too)."""
        if hasattr(unit, "timed"):                          # a synth switched in keeps the box's note timing
            unit.timed = self.timed_notes
        self.knobs_from(str((info or {}).get("path", "")))  # (a box that started empty learns its knob file)
        with self._knob_lock:                               # off the locks: the new unit comes to rest at the
            early = self.knob_memory.plan(slot, self._loading.get(slot) or {})       # knobs set so far
        self._settle(unit, self._carry(slot, unit, info, early)[1])
        with self._route_lock if slot == "synth" else contextlib.nullcontext():   # a note comes before (replayed)
            with self._knob_lock:                                                  # or after (routed here)
                plan = self.knob_memory.plan(slot, self._loading.pop(slot, None) or {})
                notes, kept = self._carry(slot, unit, info, plan)        # again: a knob turned meanwhile counts
                if notes:
                    info = with_notes(info, notes)
                self.knob_memory.installed(slot, str((info or {}).get("name", "")), unit, kept)
                self._knob_info[slot] = dict(info or {})
                self.carried[slot] = kept
                count = self._installs.get(slot, 0) + 1
                self._installs[slot], self._incoming[slot], self._incoming_info[slot] = count, unit, info
                self._forget_bypass(slot)                   # a pack switched in plays (Slot.switch)
                if slot == "synth" and hasattr(unit, "handle"):  # the chord held, the pedal, the bend, the pad go on
                    for message in self.performance.replay():
                        unit.handle(message)
                self.post(self._switch_to(slot, unit, info, count))    # in the lock: in the order of a bypass's
        self.knobs_changed()

    def _switch_to(self, slot: str, unit: Any, info: dict[str, Any] | None, count: int) -> Callable[[], None]:
        """What the audio thread runs to switch ``slot`` to ``unit`` (None: empty), the slot's ``count``-th install."""
        def start() -> None:
            target = self.slots[slot]
            target.switch(unit, info)
            self._switched[slot] = count
            if unit is not None and target.is_effect:
                self.swap_blocks.append(self.blocks)
        return start

    def _carry(self, slot: str, unit: Any, info: dict[str, Any] | None,
               plan: list[SetKnob]) -> tuple[list[Note], list[SetKnob]]:
        """Set the knobs of ``plan`` (:meth:`KnobMemory.plan`) on a new ``unit``, each in the unit's units (a
        knob set in Hz goes to one in kHz: held.in_units); returns the notes on those it does not take and the
        ones it took (in its units, on its dials): one note for all those a pack without knobs keeps (carried_notes)."""
        dropped, kept = [], []
        old, new = self.knob_memory.packs.get(slot, ""), str((info or {}).get("name", "the new pack"))
        for knob in plan:
            fit = in_units(knob, unit, new)
            why = fit if isinstance(fit, str) else self._refusal(unit, fit.name, fit.value)
            if why is not None:
                if untold(knob, unit):      # not again for a knob an earlier switch dropped (p52 QA2: held.untold)
                    dropped.append((knob, why))
            elif isinstance(fit, SetKnob):          # on the new pack's dial: the start line's words (knob_store)
                kept.append(replace(fit, dial=dial_of(knob_spec(unit, fit.name)) or fit.dial))
        return carried_notes(dropped, unit, old, new, self.knob_memory.knobs.get(slot)), kept

    @staticmethod
    def _settle(unit: Any, plan: list[SetKnob]) -> None:
        """A new effect comes to rest at the knobs carried over (a few ms, loader's thread: EffectProcessor.settle)."""
        if plan and callable(getattr(unit, "settle", None)):
            unit.settle()

    def set_timed_notes(self, on: bool) -> None:
        """Place notes to the sample (the engine process on a sound card or a paced run, before its clock starts): in
        the sources installed from now on and in those in already (a start-up synth pack, the sampler)."""
        self.timed_notes = bool(on)
        with self._knob_lock:
            units = [*self._incoming.values(), *(u for slot in self.slots.values() for u in slot.units())]
        for unit in units:
            if hasattr(unit, "timed"):
                unit.timed = self.timed_notes

    def kept_knobs(self) -> dict[str, tuple[dict[str, Any], list[SetKnob]]]:
        """``{slot: (info of the pack installed last, the knobs the player set there, also once emptied)}`` of
        :attr:`knob_memory`, for the slots that have any (control side: device/knob_store.py saves it)."""
        with self._knob_lock:
            return {slot: (dict(self._knob_info.get(slot) or {}), list(knobs.values()))
                    for slot, knobs in self.knob_memory.knobs.items() if knobs}

    def recall_knobs(self, slot: str, pack: str, knobs: list[SetKnob]) -> None:
        """Before the box's start-up packs load: ``knobs`` were set on pack ``pack`` in ``slot`` when it stopped; the
        next pack installed there carries them (:meth:`KnobMemory.recall`, :meth:`install`)."""
        with self._knob_lock:
            self.knob_memory.recall(slot, pack, knobs)

    def hold_knobs(self, slot: str, knobs: list[SetKnob], info: dict[str, Any] | None = None) -> None:
        """``knobs`` were kept for packs of ``slot`` other than the one it plays, or it is empty (``info``: the pack's
        they were set on, when none was installed); kept for a pack that has them (:meth:`KnobMemory.hold`)."""
        with self._knob_lock:
            self.knob_memory.hold(slot, knobs)
            if info:
                self._knob_info.setdefault(slot, dict(info))

    def begin_load(self, slot: str) -> None:
        """A pack for ``slot`` is being prepared (device/audio/server.py, around the Swapper's load): knobs
        turned from now until it is installed are kept for it (and still turn the pack playing now)."""
        with self._knob_lock:
            self._loading[slot] = {}

    def end_load(self, slot: str) -> None:
        """The load for ``slot`` is over: installed (its knobs already went to it) or refused (they are
        dropped; the pack playing had them)."""
        with self._knob_lock:
            self._loading.pop(slot, None)

    @staticmethod
    def _refusal(unit: Any, name: str, value: float) -> str | None:
        """Set knob ``name`` to ``value`` on ``unit``; None, or why the unit refused it (its KnobError's words)."""
        try:
            SlotInstalls._turn(unit, name, value)
            return None
        except KnobError as exc:
            return first_line(exc)

    @staticmethod
    def _turn(unit: Any, name: str, value: float) -> None:
        """A unit with ``set_knob`` checks the name itself; one that only ``handle``s messages (a synth) takes only the
        knobs it declares (held.knob_spec): a synth without knobs took any knob message and the memory kept it."""
        if hasattr(unit, "set_knob"):
            unit.set_knob(name, value)
        elif hasattr(unit, "handle"):
            if knob_spec(unit, name) is None:
                raise KnobError(f"it has no knob '{name}'")
            unit.handle({"op": "knob", "name": name, "value": value})

    def _on_knob(self, msg: dict[str, Any]) -> None:
        """Turn a knob of the unit that plays in the slot when the audio thread next runs: the unit installed
        last (even before the audio thread has switched to it), else the one the slot plays or fades to.
        While a pack for the slot loads the turn is also kept for it (:meth:`install`); a knob the playing
        pack lacks is then only kept, not refused.  A turn the unit took is remembered (:attr:`knob_memory`): the
        next pack switched into the slot carries it on where it can."""
        name, value, slot_name = str(msg["name"]), float(msg["value"]), msg["slot"]
        with self._knob_lock:
            kept = self._loading.get(slot_name)
            unit = self._knob_unit(slot_name)
            if unit is not None:
                try:
                    self._turn(unit, name, value)
                    self.knob_memory.saw(slot_name, unit, name, value)
                    self.knobs_changed()
                except KnobError:
                    known = [str(k).lower() for k in getattr(unit, "knob_names", [])]
                    if kept is None or name.lower() in known:
                        raise                          # no load, or a value the playing pack refuses
            elif kept is None:
                raise KnobError(f"no pack in the {slot_name} slot to turn knob '{name}' on")
            if kept is not None:
                kept[name] = value

    def _knob_unit(self, slot_name: str) -> Any:
        """The unit a knob message for ``slot_name`` turns (None: the slot is empty)."""
        if self._installs.get(slot_name, 0) != self._switched.get(slot_name, 0):
            return self._incoming.get(slot_name)
        return self.slots[slot_name].target_unit      # (None while an unload fades it out)

    def holds(self, unit: Any) -> bool:
        """Whether ``unit`` is still the engine's: a slot plays it, fades to it or has it waiting, or it is the unit
        installed last in a slot, not switched to yet (control side; the loader's cache neither keeps nor hands out
        such a unit, device/audio/unit_cache.py)."""
        for slot in self.slots.values():
            if unit is slot.target_unit or any(unit is u for u in slot.units()):
                return True
        with self._knob_lock:
            return any(unit is u for u in self._incoming.values())

    def _pending(self) -> dict[str, tuple[Any, dict[str, Any] | None]]:
        """``{slot: (unit, info)}`` for the slots whose last install or unload (:meth:`_on_unload`: unit None) the
        audio thread has not switched to yet (control side)."""
        with self._knob_lock:
            return {name: (self._incoming.get(name), self._incoming_info.get(name))
                    for name, count in self._installs.items() if count != self._switched.get(name, 0)}

    def playing_info(self, slot: str) -> dict[str, Any]:
        """Info of the unit installed last in ``slot`` ({}: none, or unloaded), control side."""
        with self._knob_lock:
            return dict(self._incoming_info.get(slot) or {})

    def _on_unload(self, msg: dict[str, Any]) -> None:
        """Empty the slot: its unit fades out from the next block, and from now on the status shows the slot
        empty (no info, no knobs) and a knob message for it is refused, as after the fade (its knobs are kept)."""
        slot = msg["slot"]
        with self._knob_lock:
            count = self._installs.get(slot, 0) + 1
            self._installs[slot], self._incoming[slot], self._incoming_info[slot] = count, None, None
            self._forget_bypass(slot)
            self.post(self._switch_to(slot, None, None, count))
        self.knobs_changed()


def with_notes(info: dict[str, Any] | None, notes: list[Note]) -> dict[str, Any]:
    """``info`` of a pack switched in with ``notes`` added to its ``warnings`` (the full texts: the log, the API,
    `hatbox status`) and their shorter wordings beside them, ``warning_lines`` ``{text: [shorter, ...]}`` (the
    panel's tab bar, device/ui/faults.py ``slot_warning_shorts``: R2 review 3, made here from the knobs rather than
    read back out of the text)."""
    info = dict(info or {})
    info["warnings"] = [*info.get("warnings", []), *(n.text for n in notes)]
    shorter = {n.text: list(n.shorter) for n in notes if n.shorter}
    if shorter:
        info["warning_lines"] = {**info.get("warning_lines", {}), **shorter}
    return info

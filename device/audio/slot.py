"""One place in the engine's graph (device/audio/engine.py): the unit playing there now and, during a crossfade,
the next one; an effect slot's bypass, its panic fade and its slot guard.  Used only by the audio thread, apart from
the read-only properties the engine's status reads.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from device.audio.protect import NONFINITE, RUNAWAY, DcBlocker, ProtectConfig, SlotGuard, Tripped

MAX_BLOCK = 8192                # samples: the largest block the engine (and so a slot) runs
PANIC_FADE_S = 0.005            # a panic fades an effect's output to its dry input over this, clears its state
LIVE_FLOOR_DB = -50.0           # dBFS RMS: a live input this loud is being played (a panic leaves its effect be)
LIVE_HOLD_S = 0.05              # s: a panic judges the live input over about this much of it (LiveLevel)
_NO_INFO: dict[str, Any] = {}   # the info of a unit installed without any (no dict made per block)
FAULT_FADE_S = 0.005            # a unit bypassed on a fault: from its last good sample to the dry (or silence)
# An effect's output loses its DC below this (Hz), as a pedal's output capacitor takes it off, before the slot mixes
# it with anything: a model's DC follows its input and knobs (the factory drive: -0.05 on a chord at 24 dB, +0.13 on
# a clipped input), and the output stage's 2 Hz blocker, after the volume, turned every bypass crossfade and volume
# move into a sub-bass thump of -20 to -28 dBFS (live QA of the forty-first stop).
EFFECT_DC_HZ = 5.0


def fade_curve(n: int) -> np.ndarray:
    """Raised-cosine fade-in [n] float32 from 0 to 1 (fade-out is 1 - it; they sum to 1)."""
    t = (np.arange(n, dtype=np.float64) + 1.0) / n
    return (0.5 - 0.5 * np.cos(np.pi * t)).astype(np.float32)


class LiveLevel:
    """The live input as the effects receive it (after the input gain and a capture session's mute) over about the
    last ``hold`` seconds: the audio thread adds each block's energy (:meth:`add`, into arrays made here: no
    allocation), the control side reads its RMS when a panic comes (:meth:`db`, against :data:`LIVE_FLOOR_DB`).  One
    block alone misjudged a soft low E: 64-128 samples of an 82 Hz wave near its zero crossing read ~10 dB under its
    level."""

    def __init__(self, rate: int, block: int, hold: float = LIVE_HOLD_S) -> None:
        size = max(1, int(np.ceil(hold * rate / max(1, block))))      # blocks in the window
        self._energy = np.zeros(size, np.float64)                      # each block's sum of squares
        self._count = np.zeros(size, np.int64)                         # and its samples
        self._at = 0

    def add(self, x: np.ndarray) -> None:
        """Audio thread: ``x`` [N] is this block of the live input as the effects get it (zeros: none)."""
        i = self._at % self._energy.shape[0]
        self._energy[i] = float(np.dot(x, x)) if x.shape[0] else 0.0
        self._count[i] = x.shape[0]
        self._at += 1

    def db(self) -> float:
        """RMS over the window, dBFS (-inf before the first block, or of digital silence); control side."""
        energy, count = float(self._energy.sum()), int(self._count.sum())
        return 10.0 * float(np.log10(energy / count)) if count and energy > 0.0 else float("-inf")


class Slot:
    """One place in the graph: the unit playing now and, during a crossfade, the next one.

    A slot is an effect (``run`` maps input -> output; empty or bypassed = the dry input) or a
    source (``run`` renders; empty = silence).  Every change (swap, unload, bypass) crossfades
    over ``fade`` samples, so the output never steps.  A bypassed source is muted: it goes on
    rendering, unheard, so that the keys held, the pedal and a note struck as it comes back
    carry on (the forty-first stop's QA: bringing it back reset it, which lost all three); one
    bypassed on a fault stops, and restarts from rest when it comes back.
    """

    def __init__(self, name: str, is_effect: bool, rate: int, fade: int, block: int,
                 protect: ProtectConfig, release: Callable[[Any], None]) -> None:
        self.name, self.is_effect = name, is_effect
        self.unit: Any = None
        self.info: dict[str, Any] | None = None
        self.bypassed = False
        self.guard = SlotGuard(rate, protect)
        self._release = release
        self._curve = fade_curve(fade)
        self._next: tuple[Any, dict[str, Any] | None, bool] | None = None
        self._queued: tuple[Any, dict[str, Any] | None, bool] | None = None   # a change waiting for the fade's end
        self.fault_pack = ""        # the pack whose fault run() returned last (the incoming one during a swap)
        self.fault_why: Tripped | None = None   # which guard rule that fault's "runaway" came from (else None)
        self._pos = 0
        self._a = np.zeros(MAX_BLOCK, np.float32)
        self._b = np.zeros(MAX_BLOCK, np.float32)
        self._quiet_curve = fade_curve(max(1, int(round(PANIC_FADE_S * rate))))
        self._quiet: str | None = None       # a panic's fade of the effect's output: "out", "in", or None
        self._quiet_pos = 0                   # samples into that fade
        self._gain = np.zeros(MAX_BLOCK, np.float32)
        self._fault_curve = fade_curve(max(1, int(round(FAULT_FADE_S * rate))))
        self._fault_left = 0                  # samples of a fault's fade still to go
        self._held = 0.0                      # the slot's last output sample (where a fault's fade starts)
        self._fault_from = 0.0
        self._faulted: Any = None             # the unit bypassed on its last fault (a source: not run while bypassed)
        self._rate = int(rate)
        self._dc: dict[int, tuple[Any, DcBlocker]] = {}   # an effect unit's DC blocker (by id; the unit kept with it)
        self._muted = np.zeros(MAX_BLOCK, np.float32)   # where a muted source renders

    @property
    def active(self) -> bool:
        return self.unit is not None and not self.bypassed

    @property
    def faulted_unit(self) -> Any:
        """The unit bypassed on this slot's last fault, until it is turned back on (None: none); a source that
        faulted is not run while it is bypassed."""
        return self._faulted

    def switch(self, unit: Any, info: dict[str, Any] | None, bypassed: bool = False) -> None:
        """Crossfade to ``unit`` (None: empty) from the next block, never with a step: during a crossfade, a
        change back to the side fading out turns the fade round where it is; any other change waits for the
        fade to end (a change already waiting is replaced, its unit released)."""
        target = (unit, info, bypassed)
        if self._next is None:
            self._start(target)
            return
        if self._same(target, self._next):               # already fading there: nothing waits any more
            self._next = target
            self._drop_queued()
        elif self._same(target, (self.unit, self.info, self.bypassed)):
            self._drop_queued()
            self._turn_round(target)
        else:
            self._drop_queued(keep=unit)
            self._queued = target

    @staticmethod
    def _same(a: tuple[Any, Any, bool], b: tuple[Any, Any, bool]) -> bool:
        """Whether two sides sound the same way: the same unit (or both empty), bypassed alike."""
        return a[0] is b[0] and (a[0] is None or bool(a[2]) == bool(b[2]))

    def _start(self, target: tuple[Any, dict[str, Any] | None, bool]) -> None:
        """Begin the crossfade from what plays now to ``target``; an effect coming back from its bypass, and any
        unit from a fault's, restarts from its rest state (device/audio/effect.py ``EffectProcessor.reset``); a
        source the player muted comes back as it went on (:meth:`_run_muted`)."""
        unit, _info, bypassed = target
        if self._same(target, (self.unit, self.info, self.bypassed)):
            self.info = target[1]
            return
        if unit is not None and unit is self.unit and self.bypassed and not bypassed and \
                (self.is_effect or unit is self._faulted):
            unit.reset()
            self._dc_reset(unit)
            self.guard.reset()
            self._faulted = None
        self._next, self._pos = target, 0

    def _turn_round(self, target: tuple[Any, dict[str, Any] | None, bool]) -> None:
        """Fade back to ``target`` (what played before this fade) from where the fade is: the incoming side
        becomes the one fading out (the raised-cosine curve is symmetric, so nothing steps).  In an order that
        keeps both units in :meth:`units` for a control thread reading meanwhile (``target`` waits in
        ``_queued`` while the sides swap)."""
        incoming = self._next
        assert incoming is not None
        self._queued = target
        self.unit, self.info, self.bypassed = incoming
        self._pos = max(0, self._curve.shape[0] - self._pos)
        self._next = target
        self._queued = None

    def _drop_queued(self, keep: Any = None) -> None:
        """Forget the change waiting for the fade to end; its unit is released unless it plays (or is ``keep``)."""
        queued, self._queued = self._queued, None
        if queued is not None and queued[0] is not None and queued[0] not in (self.unit, keep) \
                and (self._next is None or queued[0] is not self._next[0]):
            self._release(queued[0])

    def units(self) -> list[Any]:
        """The units sounding now: the current one and, during a crossfade, the incoming one (and the one waiting
        for that fade to end: it hears the notes played meanwhile too)."""
        unit, pending, queued = self.unit, self._next, self._queued   # one read each: called from control threads
        out: list[Any] = [] if unit is None else [unit]
        for side in (pending, queued):
            nxt = side[0] if side is not None else None
            if nxt is not None and all(nxt is not u for u in out):
                out.append(nxt)
        return out

    def _target(self) -> tuple[Any, dict[str, Any] | None, bool]:
        """What this slot will play once its fades are over: (unit, info, bypassed)."""
        queued, pending = self._queued, self._next    # one read each: called from control threads
        if queued is not None:
            return queued
        return pending if pending is not None else (self.unit, self.info, self.bypassed)

    @property
    def target_unit(self) -> Any:
        """The unit this slot plays or is fading to (None: empty)."""
        return self._target()[0]

    @property
    def target_info(self) -> dict[str, Any] | None:
        """Info of the pack this slot plays or is fading to."""
        return self._target()[1]

    @property
    def target_bypassed(self) -> bool:
        return bool(self._target()[2])

    def set_bypass(self, on: bool) -> None:
        """Fade to the dry signal (on) or back to the unit, whose state restarts from its rest state; during a
        fade, as :meth:`switch` does."""
        unit, info, bypassed = self._target()
        if bool(on) != bool(bypassed):
            self.switch(unit, info, bool(on))

    def clear(self) -> None:
        """Panic, on the audio thread (an effect slot; a source slot has nothing to do): fade the slot's
        output to its dry input over :data:`PANIC_FADE_S`, then at the next block boundary put every unit
        it holds back to its rest state (``reset``: a reverb's or delay's tail is gone) and fade back in.
        A panic during the fade back in fades out again from where it is.  Whether a panic clears the effect at all
        (not one the live input plays through, unless it is the second panic in a row) the engine decides
        (device/audio/engine.py ``Engine._on_panic``)."""
        if not self.is_effect or (self.unit is None and self._next is None):
            return
        if self._quiet == "out":
            return
        fade = self._quiet_curve.shape[0]
        self._quiet_pos = fade - min(self._quiet_pos, fade) if self._quiet == "in" else 0
        self._quiet = "out"

    def _quiet_start(self) -> None:
        """At a block boundary: a panic's fade-out is over, so the units' state is cleared now."""
        if self._quiet == "out" and self._quiet_pos >= self._quiet_curve.shape[0]:
            for unit in self.units():
                unit.reset()
                self._dc_reset(unit)
            self.guard.reset()
            self._quiet, self._quiet_pos = "in", 0

    def _quiet_mix(self, x: np.ndarray | None, out: np.ndarray) -> None:
        """Apply a panic's fade: ``out`` [N] moves towards the dry input ``x`` [N] (or silence)."""
        n, fade = out.shape[0], self._quiet_curve.shape[0]
        g = self._gain[:n]
        pos = min(self._quiet_pos, fade)
        take = min(n, fade - pos)
        ramp = self._quiet_curve[pos:pos + take]
        if self._quiet == "out":
            np.subtract(1.0, ramp, out=g[:take])
            g[take:] = 0.0
        else:
            g[:take] = ramp
            g[take:] = 1.0
        if x is not None:
            out -= x
            out *= g
            out += x
        else:
            out *= g
        self._quiet_pos += n
        if self._quiet == "in" and self._quiet_pos >= fade:
            self._quiet, self._quiet_pos = None, 0

    def run(self, x: np.ndarray | None, out: np.ndarray) -> str | None:
        """Fill ``out`` [N] from input ``x`` [N] (effects) or nothing (sources); returns a fault.

        A unit that faults is bypassed at once (its block is replaced by the dry signal or
        silence); a crossfade in progress carries on towards the other side.  A panic's fade
        (:meth:`clear`) goes over whatever the slot plays.
        """
        if self._quiet is None:
            return self._run(x, out)
        self._quiet_start()
        fault = self._run(x, out)
        self._quiet_mix(x, out)
        return fault

    def _run(self, x: np.ndarray | None, out: np.ndarray) -> str | None:
        fault = self._run_unit(self.unit, self.info, self.bypassed, x, out)
        if fault:
            self.bypassed, self._faulted = True, self.unit
            self.fault_pack = self._pack_name(self.info)
            self.fault_why = self._why(fault)
            self._fault_from, self._fault_left = self._held, self._fault_curve.shape[0]
        if self._fault_left:
            self._fault_fade(out)
        if self._next is not None:
            fault = self._run_next(x, out, fault)
        self._held = float(out[-1]) if out.shape[0] else self._held
        return fault

    def _fault_fade(self, out: np.ndarray) -> None:
        """A unit bypassed on a fault: ``out`` [N] (the dry input, or silence, that replaced it) goes on from the
        slot's last good output sample over :data:`FAULT_FADE_S` (the audio QA of the fortieth stop: an effect that
        played the input inverted and faulted switched to the dry at once, a step of 0.83 on a 0.5 sine, 29 times
        the sine's own largest)."""
        pos, take = self._fault_curve.shape[0] - self._fault_left, min(out.shape[0], self._fault_left)
        part = out[:take]
        part -= self._fault_from
        part *= self._fault_curve[pos:pos + take]
        part += self._fault_from
        self._fault_left -= take

    def _run_next(self, x: np.ndarray | None, out: np.ndarray, fault: str | None) -> str | None:
        """During a crossfade: the next unit into the second buffer, mixed into ``out``; returns the fault."""
        nxt = self._b[:out.shape[0]]
        unit, info, bypassed = self._next
        fault_next = self._run_unit(unit, info, bypassed, x, nxt)
        if fault_next:
            self._next, self._faulted = (unit, info, True), unit
            if not fault:
                self.fault_pack = self._pack_name(info)
                self.fault_why = self._why(fault_next)
        self._mix(out, nxt)
        return fault or fault_next

    def _why(self, fault: str) -> Tripped | None:
        """The guard's rule for ``fault`` just returned (its :class:`~device.audio.protect.Tripped`), for a runaway."""
        return self.guard.tripped if fault == RUNAWAY else None

    @staticmethod
    def _pack_name(info: dict[str, Any] | None) -> str:
        return str((info or {}).get("name", ""))

    def _mix(self, out: np.ndarray, nxt: np.ndarray) -> None:
        n, fade = out.shape[0], self._curve.shape[0]
        take = min(n, fade - self._pos)
        w = self._curve[self._pos:self._pos + take]
        out[:take] += w * (nxt[:take] - out[:take])
        out[take:] = nxt[take:]
        self._pos += take
        if self._pos >= fade:
            self._finish()

    def _finish(self) -> None:
        unit, info, bypassed = self._next  # type: ignore[misc]
        keep = {id(u) for u in (unit, self.unit, (self._queued or (None,))[0]) if u is not None}
        for gone in [k for k in self._dc if k not in keep]:
            del self._dc[gone]                        # a unit the slot let go: its blocker goes with it
        if unit is not self.unit:
            if self._queued is None or self.unit is not self._queued[0]:
                self._release(self.unit)
            self.guard.reset()
        queued = self._queued
        if queued is None or self._same(queued, (unit, info, bypassed)):
            self.unit, self.info, self.bypassed, self._next = unit, queued[1] if queued else info, bypassed, None
            self._queued = None
            return
        # the change that waited, from the next block; started before it stops waiting, so a control thread
        # reading meanwhile always finds it in units() and target_unit
        self.unit, self.info, self.bypassed = unit, info, bypassed
        self._start(queued)
        self._queued = None

    def _run_unit(self, unit: Any, info: dict[str, Any] | None, bypassed: bool, x: np.ndarray | None,
                  out: np.ndarray) -> str | None:
        if unit is None or bypassed:
            self._dry(x, out)
            return self._run_muted(unit, out.shape[0])
        if self.is_effect:
            return self._run_effect(unit, info or _NO_INFO, x, out)
        unit.render(out)
        fault = self.guard.check(out, dc=getattr(unit, "guard_dc", True))
        if fault:
            out.fill(0.0)
        return fault

    def _run_muted(self, unit: Any, n: int) -> str | None:
        """A source bypassed by the player renders ``n`` samples unheard (its voices, held keys, pedal and the notes
        struck meanwhile go on, as behind a mixer's mute), unless it faulted, or another side of the slot plays it
        (during a bypass's crossfade it is rendered once a block); returns its fault (it then stops)."""
        if unit is None or self.is_effect or unit is self._faulted or self._heard(unit):
            return None
        muted = self._muted[:n]
        unit.render(muted)
        fault = self.guard.check(muted, dc=getattr(unit, "guard_dc", True))
        if fault:
            self._faulted = unit
        return fault

    def _heard(self, unit: Any) -> bool:
        """Whether a side of the slot (the current one, the incoming one) plays ``unit`` unbypassed."""
        nxt = self._next
        return (self.unit is unit and not self.bypassed) or (nxt is not None and nxt[0] is unit and not nxt[2])

    def _run_effect(self, unit: Any, info: dict[str, Any], x: np.ndarray | None, out: np.ndarray) -> str | None:
        """``info``'s ``gain_max`` and ``tail_max``: the unit's linear gain and tail limits, measured when it was
        loaded (device.audio.swap.effect_gain_limit; absent: the guard's defaults)."""
        before = getattr(unit, "faults", 0)
        y = unit.process(x)
        fault = NONFINITE if getattr(unit, "faults", 0) != before else \
            self.guard.check(y, x, info.get("gain_max"), tail_max=info.get("tail_max"))
        if fault:
            self._dry(x, out)
        else:
            out[:] = y
            self._dc_block(unit).process(out)
        return fault

    def _dc_block(self, unit: Any) -> DcBlocker:
        """Effect ``unit``'s DC blocker (:data:`EFFECT_DC_HZ`), made the first time the unit plays here, started at
        its rest output (``rest_dc``: what it puts out on silence), so a unit that rests off zero does not step."""
        found = self._dc.get(id(unit))
        if found is not None and found[0] is unit:
            return found[1]
        blocker = DcBlocker(self._rate, EFFECT_DC_HZ)
        blocker.reset(float(getattr(unit, "rest_dc", 0.0)))
        self._dc[id(unit)] = (unit, blocker)
        return blocker

    def forget_dc_blocker(self, unit: Any) -> None:
        """Drop effect ``unit``'s DC blocker (the audio thread): the next time it plays here it gets a new one at its
        rest output, as a fresh unit does (a unit back from the loader's cache, device/audio/swap.py)."""
        self._dc.pop(id(unit), None)

    def _dc_reset(self, unit: Any) -> None:
        """``unit`` restarted from rest: its DC blocker starts again at its rest output."""
        if self.is_effect:
            self._dc_block(unit).reset(float(getattr(unit, "rest_dc", 0.0)))

    def _dry(self, x: np.ndarray | None, out: np.ndarray) -> None:
        if self.is_effect and x is not None:
            out[:] = x
        else:
            out.fill(0.0)

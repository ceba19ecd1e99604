"""The graph the box always runs, one block at a time, on a mono float32 bus.

::

    live input ──┐
    synth  ──────┼─> mix ─> effect slot ─> volume ─> protective output stage ─> out
    sampler ─────┘

Threads: :meth:`Engine.process` is the audio thread's only entry point.  :meth:`Engine.handle`
is called from the control side (API, UI, MIDI, OSC, the server's pipe reader): cheap,
thread-safe messages (notes, knobs, xy, all_notes_off, panic) go straight to the unit that owns
them (sources queue them for their next render; no effect state is ever reset from here: a panic
only raises a flag, and the audio thread clears the effects at its next block, :meth:`device.audio.slot.Slot.clear`);
anything that changes the graph (a prepared pack, bypass, unload, volume) is queued and applied
by the audio thread at the next block boundary.
Loading a pack (reading, golden check, warming) runs on :class:`device.audio.swap.Swapper`'s
worker thread; the audio thread then crossfades it in (see :class:`device.audio.slot.Slot`).  A knob turned while a
pack loads (:meth:`Engine.begin_load` .. :meth:`Engine.end_load`) turns the pack playing and is kept
for the new one, which gets it as it is installed (or a note in its status ``warnings`` when it has
no such knob); once installed, knobs go to the new pack even before the audio thread switches to it.

Per block the engine times its own compute (``perf_counter``) and keeps a window of loads
(compute time / block duration) for the status: mean and 99.9th percentile (the meters, faults and per-slot status
pieces are in device/audio/engine_status.py; installs, unloads and knob turns, with the knobs carried from one pack
to the next, in device/audio/engine_installs.py).
"""
from __future__ import annotations

import contextlib
import logging
import math
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Callable, Protocol

import numpy as np

from device.audio.held import Performance
from device.audio.engine_installs import SlotInstalls
from device.audio.engine_status import Fault, LoadMeter, PeakHold, active_info, slot_knobs, synth_status
from device.audio.protect import OutputStage, ProtectConfig, db_to_lin, lin_to_db
from device.audio.smoothing import GainGlide
from device.audio.slot import LIVE_FLOOR_DB, MAX_BLOCK, PANIC_FADE_S, LiveLevel, Slot, fade_curve  # noqa: F401
from device.kept_play import bypass_set, volume_set, who_of

log = logging.getLogger("hatbox.engine")
EFFECT_SLOTS = ("effect",)
SOURCE_SLOTS = ("synth", "sampler")
SAMPLER_OPS = ("sample", "choke")   # messages for the sampler alone
MAX_FAULTS = 32
MAX_XRUN_BLOCKS = 32       # the status's xrun_blocks: the blocks of the last this many xruns, oldest first
METER_HOLD_S = 1.0         # the status's peaks and limiter figure: the most over the last this many seconds
PEAK_MINUTE_S = 62         # the status's peak_minute_db: the loudest output peak over the last this many whole seconds
                           # and the one under way (a headless box's minute line, read on a 2 s poll, misses none)
VOLUME_GLIDE_S = 0.01      # a volume change glides over this whatever the block size (one block clicked at 1-16)
STOP_SILENT_BLOCKS = 1     # fade_out: after its glide, one silent block, so a sound card drains silence when it stops


def glide_blocks(rate: int, block: int) -> int:
    """Blocks of ``block`` samples at ``rate`` Hz that the VOLUME_GLIDE_S glide spans (the one rule for the end glide:
    Engine.fade_out adds STOP_SILENT_BLOCKS to it; a file take's own end, device/audio/take_end.py, glides in it)."""
    return math.ceil(VOLUME_GLIDE_S * rate / block)
PANIC_AGAIN_S = 2.0        # a panic this soon after the one before clears the effect whatever the live input plays
PANIC_BURST_S = 0.1        # a panic this soon after the one before is part of its burst (a DAW's panic button sends
                           # CC 120 on every channel)
                                # on the audio thread, then fades back in from the rest state


class SecondsPeak(PeakHold):
    """The largest per-block value over the last ``seconds`` whole seconds (of ``per_second`` blocks each) and the
    second under way: a peak over a minute in ``seconds`` floats (a :class:`PeakHold` of each second's largest),
    whatever the block size.  The audio thread adds one float a block and allocates nothing; any number of readers
    take :meth:`held` without taking anything from each other (p60 QA_B: the box's minute line said -120 dBFS 43 s
    after a -1 dBFS chord, as it read the 1 s meter)."""

    def __init__(self, seconds: int, per_second: int) -> None:
        super().__init__(seconds)                      # each whole second's largest, the oldest overwritten
        self.per_second = max(1, per_second)
        self.now = 0.0                                 # the second under way's largest so far
        self.blocks = 0                                # blocks added

    def add(self, value: float) -> None:
        """One block's value (the audio thread): the second's largest goes into the ring before ``now`` restarts."""
        if value > self.now:
            self.now = value
        self.blocks += 1
        if self.blocks % self.per_second == 0:
            super().add(self.now)
            self.now = 0.0

    def held(self) -> float:
        """The largest value over the window (0.0 before the first block): ``now`` read first, so a second that
        ends meanwhile is in the ring by the time the ring is read."""
        now = self.now
        return max(now, super().held())


class Unit(Protocol):
    """What a slot holds: an effect processor or a source (docs/HELPERS.md)."""

    def reset(self) -> None: ...


@dataclass
class EngineConfig:
    """Engine settings. ``rate`` Hz, ``block`` samples (the largest block process() takes)."""

    rate: int = 48000
    block: int = 128
    xfade_s: float = 0.02           # crossfade for swaps, bypass and unload
    live_input: bool = True         # mix the capture signal into the bus
    input_gain_db: float = 0.0
    volume_db: float = 0.0
    stats_blocks: int = 1 << 14     # load window for mean / p99.9 (~44 s at 128 / 48 kHz)
    protect: ProtectConfig = field(default_factory=ProtectConfig)

    @property
    def block_seconds(self) -> float:
        return self.block / self.rate


class Engine(SlotInstalls):
    """The box's audio graph. ``process(inp, out)`` per block; ``handle(msg)`` from any thread; installs, unloads and
    knob turns in :class:`device.audio.engine_installs.SlotInstalls`."""

    def __init__(self, config: EngineConfig | None = None) -> None:
        self.cfg = config or EngineConfig()
        self._check_block()
        self._make_graph()
        self._make_counters()
        self._make_levels()
        self._make_buffers()
        self._make_control_side()

    def _check_block(self) -> None:
        """ValueError for a block size outside 1..MAX_BLOCK samples."""
        if not 1 <= self.cfg.block <= MAX_BLOCK:
            raise ValueError(f"block must be 1..{MAX_BLOCK} samples, got {self.cfg.block}")

    def _make_graph(self) -> None:
        """The slots (sources, then effects, each crossfading over ``xfade_s``), the output stage and the inbox of
        work posted to the audio thread."""
        fade = max(1, int(round(self.cfg.xfade_s * self.cfg.rate)))
        self.graveyard: deque[Any] = deque()
        self.slots = {name: Slot(name, name in EFFECT_SLOTS, self.cfg.rate, fade, self.cfg.block,
                                 self.cfg.protect, self._bury)
                      for name in (*SOURCE_SLOTS, *EFFECT_SLOTS)}
        self.output = OutputStage(self.cfg.rate, self.cfg.protect)
        self.inbox: deque[Callable[[], None]] = deque()

    def _make_counters(self) -> None:
        """The load meter, faults, block and xrun counts, and the effect swaps' blocks."""
        self.meter = LoadMeter(self.cfg.stats_blocks)
        self.faults: deque[Fault] = deque(maxlen=MAX_FAULTS)
        self.fault_count = 0
        self.blocks = 0
        self.xruns = 0
        self.xrun_blocks: deque[int] = deque(maxlen=MAX_XRUN_BLOCKS)   # the last ones, oldest first
        self.swap_blocks: deque[int] = deque(maxlen=1024)   # block where each effect swap began
        self.latency_ms = 0.0
        self.timed_notes = False           # installed sources place notes to the sample (the engine process sets it)
        self.input_peak = 0.0                           # this block's capture peak (see _mix_sources)
        self.clock: Callable[[], float] = time.monotonic   # seconds, for the time between panics (_on_panic)
        self._panic_at = -math.inf                      # when the last burst of panics began (clock; control side)
        self._panic_last = -math.inf                    # when its latest panic came (a burst slides on with each)

    def _make_levels(self) -> None:
        """The meters (peak holds over METER_HOLD_S), input gain and the output volume's glide."""
        held = int(np.ceil(METER_HOLD_S * self.cfg.rate / max(1, self.cfg.block)))   # blocks in the meters' window
        self.peaks, self.input_peaks, self.limiting = PeakHold(held), PeakHold(held), PeakHold(held)
        self.loudest = SecondsPeak(PEAK_MINUTE_S, int(np.ceil(self.cfg.rate / max(1, self.cfg.block))))
        self.live_level = LiveLevel(self.cfg.rate, self.cfg.block)     # what the effects get, for a panic
        self.live_input = self.cfg.live_input
        self._gain = db_to_lin(self.cfg.input_gain_db)
        self._volume = GainGlide(self.cfg.rate, VOLUME_GLIDE_S, db_to_lin(self.cfg.volume_db), MAX_BLOCK)
        # the output volume last asked for (dB) and who set it where its message said (device/kept_play.py who_of):
        # one value, set and read as one (p57 R4: a status read between two assignments mixed the panel's and OSC's)
        self.volume_said: tuple[float, dict[str, Any]] = (float(self.cfg.volume_db), {})

    def _make_buffers(self) -> None:
        """The mix bus and scratch buffers (MAX_BLOCK float32 each: the audio thread never allocates)."""
        self._bus = np.zeros(MAX_BLOCK, np.float32)
        self._tmp = np.zeros(MAX_BLOCK, np.float32)
        self._silence = np.zeros(MAX_BLOCK, np.float32)

    def _make_control_side(self) -> None:
        """Locks and what the control side keeps: panic, knobs while packs load, the performance on the synth,
        installs posted and switched, capture and the loader's prewarm hook."""
        self.lock = threading.Lock()       # guards status snapshots, not the audio path
        self._stopping = False
        self._panic = False                # set by a panic (control side), honoured by process() (audio thread)
        # knobs while packs load (control side only; the audio thread just counts what it switched in):
        self._knob_lock = threading.Lock()
        self._route_lock = threading.Lock()    # notes routed to the sources vs a synth installed and replayed to
        self.performance = Performance()   # what is held on the synth: a synth switched in carries on from it
        self._init_installs()              # what each slot has installed, the knobs carried (engine_installs.py)
        self.knobs_changed: Callable[[], None] = lambda: None   # called as it changes (device/knob_store.py keeps it)
        self.knobs_from: Callable[[str], None] = lambda path: None   # before a pack (path) installs (its store's knobs)
        self._bypass_asked: dict[str, dict[str, Any]] = {}  # slot bypassed by the player -> who, {} unsaid (kept_play)
        self.pad_moved: Callable[[], None] = lambda: None   # the pad moved (kept on a slower cadence: knob_store.py)
        self.capture: Any = None           # capture mode's run (device/audio/capture.py), after the output stage
        self.input_mute: Any = None        # a capture session's mute of the live input (capture.InputMute)
        self.on_prewarm: Callable[[str, str], None] = lambda slot, path: None   # the loader's (device/audio/swap.py)

    # ------------------------------------------------------------------ audio thread
    def process(self, inp: np.ndarray | None, out: np.ndarray) -> None:
        """Run one block: ``inp`` [N] float32 capture (or None), ``out`` [N] filled in place."""
        t0 = time.perf_counter()
        n = out.shape[0]
        self._drain()
        if self._panic:                    # raised only when the effect is to be cleared (_on_panic)
            self._panic = False
            for name in EFFECT_SLOTS:
                self.slots[name].clear()
        bus = self._mix_sources(inp, n)
        bus = self._run_effects(bus)
        self._apply_volume(bus)
        self.output.process(bus)
        out[:] = bus
        capture = self.capture
        if capture is not None:            # capture mode: the capture signal out, the input recorded
            capture.render(inp, out)
        self.peaks.add(self.output.peak)
        self.loudest.add(self.output.peak)
        self.input_peaks.add(self.input_peak)
        self.input_peak = 0.0
        self.limiting.add(1.0 - self.output.take_gain_min())     # the limiter's deepest cut in this block
        self.blocks += 1
        self.meter.add((time.perf_counter() - t0) * self.cfg.rate / max(n, 1))

    def _drain(self) -> None:
        while self.inbox:
            self.inbox.popleft()()

    def _mix_sources(self, inp: np.ndarray | None, n: int) -> np.ndarray:
        bus = self._bus[:n]
        if inp is not None and self.live_input:
            np.multiply(inp, self._gain, out=bus)
            self.input_peak = max(float(inp.max()), -float(inp.min())) if n else 0.0   # (no |inp| made)
        else:
            bus.fill(0.0)
        if self.input_mute is not None:            # a capture session: gear in the loop must not howl between captures
            self.input_mute.apply(bus)
        self.live_level.add(bus)                   # the live input as the effects get it (a panic judges it)
        tmp = self._tmp[:n]
        for name in SOURCE_SLOTS:
            slot = self.slots[name]
            if slot.unit is None and slot._next is None:
                continue
            self._check(slot, slot.run(None, tmp))
            bus += tmp
        return bus

    def _run_effects(self, bus: np.ndarray) -> np.ndarray:
        for name in EFFECT_SLOTS:
            slot = self.slots[name]
            if slot.unit is None and slot._next is None:
                continue
            out = self._tmp[:bus.shape[0]]
            self._check(slot, slot.run(bus, out))
            bus[:] = out
        return bus

    def _apply_volume(self, bus: np.ndarray) -> None:
        self._volume.apply(bus)

    def fade_in(self) -> None:
        """Before the first block: the output rises from silence over VOLUME_GLIDE_S (a live input or a held
        note at start does not click on the speakers)."""
        self._volume.start_from(0.0)

    def fade_out(self, block: int) -> int:
        """The box is stopping: the output glides to silence; returns how many more blocks of ``block`` samples
        to run for it to get there and give one silent block (device/audio/block_loop.run_loop runs them)."""
        self._stopping = True                  # a volume message meanwhile does not undo it
        self._volume.target = 0.0
        return glide_blocks(self.cfg.rate, block) + STOP_SILENT_BLOCKS

    def _check(self, slot: Slot, fault: str | None) -> None:
        if not fault:
            return
        self.faults.append(Fault(slot.name, fault, time.time(), self.blocks, slot.fault_pack, slot.fault_why))
        self.fault_count += 1

    def note_xrun(self) -> None:
        """The I/O loop missed a deadline or the device reported an xrun around this block (the audio thread: the
        deque, built once with its maxlen, drops its oldest as it takes the newest; p45 soak QA: a list that kept
        the first 32 showed, after days, only the first minutes)."""
        self.xruns += 1
        self.xrun_blocks.append(self.blocks)

    def _bury(self, unit: Any) -> None:
        """Hand a retired unit to the loader thread (it is freed there, not here)."""
        if unit is not None:
            self.graveyard.append(unit)

    # ------------------------------------------------------------------ control side
    def post(self, action: Callable[[], None]) -> None:
        """Run ``action`` on the audio thread at the next block boundary."""
        self.inbox.append(action)

    def handle(self, msg: dict[str, Any]) -> None:
        """Act on a validated control message (device/control.py); "load" is the Swapper's."""
        op = msg["op"]
        handler = getattr(self, f"_on_{op}", None)
        if handler is not None:
            handler(msg)
        else:
            self._to_sources(msg)

    def _to_sources(self, msg: dict[str, Any]) -> None:
        """Hand a note-side message to the sources (the sampler alone for "sample" and "choke"; a note that names a
        ``slot``, one from MIDI's drum channel say, to that source alone).

        ``all_notes_off`` (MIDI CC 123, sent by DAWs on every transport stop) and ``panic`` (CC 120)
        go here too, as every source's own business: the first releases every note as a note-off
        would (the sustain pedal still holds them), the second fades every voice out within ~5 ms.
        Neither is handed to an effect or the output stage: resetting their state from this (control)
        thread raced the audio thread and stepped the live signal (0.19 on the factory drive).
        An effect's state restarts only on the audio thread (bypass off, a fault, a panic: :meth:`_on_panic`)."""
        targets = ("sampler",) if msg["op"] in SAMPLER_OPS else (msg["slot"],) if "slot" in msg else SOURCE_SLOTS
        with self._route_lock if "synth" in targets else contextlib.nullcontext():   # (a sampler's decode: unheld)
            if "synth" in targets:              # a key is held on the synth only where a synth unit plays it
                self.performance.see(msg, heard=bool(self.slots["synth"].units() or self._incoming.get("synth")))
            for name in targets:
                units = self.slots[name].units()    # during a swap both hear the note: none is lost
                waiting = self._incoming.get(name)  # installed, not switched to yet: it hears it too (QA: a note-off
                if waiting is not None and all(waiting is not u for u in units):   # in between stuck on it)
                    units.append(waiting)
                for unit in units:
                    if hasattr(unit, "handle"):
                        unit.handle(msg)

    def _on_panic(self, msg: dict[str, Any]) -> None:
        """Every source fades its voices out (:meth:`_to_sources`), and the effect has its state cleared on the audio
        thread at its next block (a flag: :meth:`process`, :meth:`Slot.clear`), so a reverb's or delay's tail stops
        too: it fades to its dry input within ~5 ms, restarts from rest, fades back.  Not while someone plays the
        live input through it (:attr:`live_level`, after the input gain and mute, over the last ~50 ms: p53 QA, a
        guitar through the factory drive dipped 5 dB for ~75 ms), unless this panic comes within
        :data:`PANIC_AGAIN_S` of the one before (a runaway effect under the slot guard's limits, and MIDI cannot
        bypass): the log says when one was left playing.  A panic within :data:`PANIC_BURST_S` of the one before is
        part of its burst (a DAW's sixteen channels, each with its note-offs, take well over 0.1 s over DIN MIDI: the
        window slides on with each), and "again" is counted from a burst's start."""
        self._to_sources(msg)
        now = self.clock()
        in_burst, self._panic_last = now - self._panic_last < PANIC_BURST_S, now
        if in_burst:
            return
        again, self._panic_at = now - self._panic_at <= PANIC_AGAIN_S, now
        level = self.live_level.db()
        if again or level < LIVE_FLOOR_DB:
            self._panic = True
        elif any(self.slots[name].target_unit is not None and not self.slots[name].target_bypassed
                 for name in EFFECT_SLOTS):
            log.info("panic left the effect playing: the live input is at %.1f dBFS; panic again to reset it", level)

    def _on_bypass(self, msg: dict[str, Any]) -> None:
        """Bypass (or turn back on) a slot at the next block; kept across a restart with the knobs (p55 QA_B), with who
        sent it where the message says (``by``, ``source``: kept_play.who_of).  Posted in the knob lock, so the audio
        thread takes it in the order of an install's (p55 review: the file disagreed with what played)."""
        slot, on = msg["slot"], bool(msg["on"])
        with self._knob_lock:
            if on:
                self._bypass_asked[slot] = who_of(msg, time.time())
            else:
                self._bypass_asked.pop(slot, None)
            self.post(lambda: self.slots[slot].set_bypass(on))
        self.knobs_changed()

    def _on_xy(self, msg: dict[str, Any]) -> None:
        """The pad's position, to the sources (:meth:`_to_sources`); kept across a restart, on its own cadence."""
        self._to_sources(msg)
        self.pad_moved()

    def _forget_bypass(self, slot: str) -> None:
        """``slot``'s bypass is over (called in the knob lock by an install or an unload: a pack switched in plays,
        an empty slot keeps no bypass)."""
        self._bypass_asked.pop(slot, None)

    def kept_bypass(self) -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
        """``{slot: (info of the pack installed there last, who bypassed it)}`` of the slots the player bypassed
        (control side: knobs.json keeps them, device/kept_play.py; a pack switched in since plays: not listed)."""
        with self._knob_lock:
            return {slot: (dict(self._incoming_info.get(slot) or {}), dict(who))
                    for slot, who in self._bypass_asked.items()}

    def _on_volume(self, msg: dict[str, Any]) -> None:
        db = float(msg["db"])                   # what the status reports (the panel, OSC and MIDI set it)
        self.volume_said = (db, who_of(msg, time.time()))   # who: kept with it across a restart ({}: nobody)
        self.knobs_changed()                    # kept across a restart with the knobs (device/knob_store.py, p48)
        if not self._stopping:                  # the box is stopping: its output glides to silence
            self._volume.target = db_to_lin(db)     # glides there over VOLUME_GLIDE_S

    def _on_shutdown(self, msg: dict[str, Any]) -> None:
        """Handled by the server loop; the graph itself has nothing to do."""

    def _on_prewarm(self, msg: dict[str, Any]) -> None:
        """Prepare a pack into the loader's cache, not installed (device/audio/unit_cache.py): queued, returns at
        once."""
        self.on_prewarm(str(msg["slot"]), str(msg["path"]))

    def _on_load(self, msg: dict[str, Any]) -> None:
        raise RuntimeError("'load' goes through device.audio.swap.Swapper (off the audio thread)")

    # ------------------------------------------------------------------ status
    def status(self) -> dict[str, Any]:
        """The status dict of device/control.py (plus a few engine extras)."""
        peak, in_peak = self.peaks.held(), self.input_peaks.held()    # over the last METER_HOLD_S: no reader
        #                                                                takes them from another
        pending = self._pending()
        gone = {name for name, (unit, _info) in pending.items() if unit is None}     # unloaded, before the audio
        sides = self._sides(pending)                                                # thread's next block
        bypassed = {n: s.target_bypassed and n not in gone for n, s in self.slots.items()}
        active = {name: active_info(*side) for name, side in sides.items()}
        self._say_loops(active, sides["sampler"][1])
        knobs = slot_knobs({name: side[1] for name, side in sides.items()})
        volume_db, volume_who = self.volume_said
        return {**self.meter.summary(), "xruns": self.xruns, "xrun_blocks": list(self.xrun_blocks),
                "swap_blocks": list(self.swap_blocks), "latency_ms": self.latency_ms,
                "blocks": self.blocks, "active": active, "peak_db": lin_to_db(peak),
                "peak_minute_db": lin_to_db(self.loudest.held()),
                "input_peak_db": lin_to_db(in_peak), "faults": [f.as_dict() for f in self.faults],
                "fault_count": self.fault_count, "slot_knobs": knobs,
                "knobs": dict(knobs.get("effect", {})),
                "bypassed": bypassed, **bypass_set(self.kept_bypass(), bypassed, time.time()),
                "volume_db": volume_db, **volume_set(volume_db, volume_who, time.time()),
                "limiter_db": -lin_to_db(1.0 - self.limiting.held()),
                "rate": self.cfg.rate, "block": self.cfg.block, **synth_status(sides["synth"][1])}

    def _say_loops(self, active: dict[str, Any], sampler: Any) -> None:
        """The sampler's loops playing, in ``active["sampler"]["loops"]`` (p57 QA_B 1) when there are any, as its
        warnings are; none of a sampler a fault stopped running (frozen, dropped as it is turned back on: p57 R1 1)."""
        if active.get("sampler") is None or sampler is self.slots["sampler"].faulted_unit:
            return
        loops = getattr(sampler, "sounding_loops", list)()
        if loops:
            active["sampler"]["loops"] = loops

    def _sides(self, pending: dict[str, tuple[Any, dict[str, Any] | None]]
               ) -> dict[str, tuple[dict[str, Any] | None, Any]]:
        """``{slot: (info, unit)}`` of what each slot plays or is fading to, or, from the moment a pack is installed
        or unloaded (:meth:`install`, :meth:`_on_unload`: ``pending``, :meth:`_pending`) until the audio thread
        switches, what it will switch to: a reader right after a load (BoxControl's knob values, which MIDI pick-up
        reads) sees the new pack."""
        out = {}
        for name, slot in self.slots.items():
            unit, info = pending.get(name, (slot.target_unit, slot.target_info))
            out[name] = (info if unit is not None else None, unit)
        return out

    def last_words(self) -> dict[str, Any]:
        """What the engine process tells the parent as it finishes (device/audio/server.py ``_finish``): its faults,
        and (``dropouts``) its dropout count with what times it, a status hatbox/dropout_log.py takes."""
        return {"faults": [f.as_dict() for f in self.faults], "dropouts": {
            "xruns": self.xruns, "load_max": self.meter.summary()["load_max"], "blocks": self.blocks,
            "block": self.cfg.block, "rate": self.cfg.rate}}

    def load_summary(self) -> dict[str, float]:
        """Mean / p99.9 / max of the per-block loads so far (fractions of the block duration)."""
        return self.meter.summary()


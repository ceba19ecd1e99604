"""Hot-swap: packs are loaded, checked and warmed off the audio thread, then crossfaded in.

:class:`Swapper` owns one worker thread.  For each ``load`` it:

1. reads and verifies the pack (export.pack.read_pack: checksums, manifest);
2. checks the handshake: the pack's kind fits the slot, its sample rate is the engine's;
3. builds the unit (device/audio/effect.EffectProcessor or device/audio/synth.SynthSource)
   and reproduces the pack's golden snapshot with that unit's own onnxruntime session;
4. warms it: ``warm_s`` seconds of quiet noise in engine-sized blocks (first-call allocations
   and kernel selection happen here, not in the audio thread), timing each block; a pack
   whose mean compute exceeds ``budget`` x the block duration is refused (PackError
   "realtime"); then the unit is reset;
5. effects: measures the largest gain the pack gives at the corners of its knobs' range
   (:func:`calibrate_gain`) and sets its runaway limit from that or the recorded gear's gain the
   trainer stored in the pack, whichever is larger (:func:`effect_gain_limit`,
   device/audio/protect.py), so the engine does not take a drive at full drive for a runaway model
   (a pack without the gear's figure: the probe's, :data:`NO_GEAR_ALLOWANCE_DB` wider);
6. hands it to :meth:`Engine.install`, which crossfades it in at the next block boundary (a synth unit first
   told to take over, at its first block, from the unit the slot plays then: :func:`follow_slot`).

Retired units come back through ``engine.graveyard`` and are dropped here, so their
onnxruntime sessions are freed on this thread, never on the audio thread (a big model's memory given back outside
the GIL, a step at a time: device/audio/unit_release.py); the last few of each slot are kept at
rest instead (device/audio/unit_cache.py: at most 4 and 64 MiB of them, estimated), so that a load of the very same
pack file again skips steps 1-5 and installs at once (a set list's program changes: ``info["cached"]`` true).
:meth:`Swapper.prewarm` prepares a pack into that cache without installing it, when the loader has nothing else to
do.

A load that fails is refused and the slot plays on as before: a PackError (or any HatboxError) in its own
words; any other exception (a bug) is logged with its traceback (logger ``hatbox.engine``) and refused
with :data:`UNEXPECTED`.  Either way the engine status's ``loads`` lists it (``ok`` false, ``error``) and
the thread serves the next load; a ``done`` callback that raises is logged too, never the thread's end.
"""
from __future__ import annotations

import gc
import logging
import queue
from collections import deque
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np

from device.audio.engine import Engine
from device.audio.protect import ProtectConfig, db_to_lin, gain_limit_db, max_block_gain_db, tail_limit_db
from device.audio.synth import compile_kernels
from device.audio.unit_cache import PER_SLOT, PER_SLOT_BYTES, UnitCache, content_key, unit_bytes
from device.audio.unit_release import let_go
from export.manifest import kind_phrase
from export.pack import Pack, read_pack
from hatbox.errors import HatboxError, PackError, first_line

SLOT_KINDS = {"effect": "effect", "synth": "synth"}
YIELD_S = 0.0005
UNEXPECTED = ("loading {path} into the {slot} slot stopped on an unexpected error ({what}), a bug in hatbox; "
              "the {slot} slot plays on as before, and the box's log has the details - please report it")
log = logging.getLogger("hatbox.engine")


@dataclass
class LoadResult:
    """What a load request ended with: ``info`` on success, ``error`` (a message) otherwise."""

    slot: str
    path: str
    info: dict[str, Any] | None = None
    error: str | None = None
    callback: Callable[["LoadResult"], None] | None = None
    done: threading.Event = field(default_factory=threading.Event)


def handshake(pack: Pack, slot: str, rate: int) -> None:
    """Refuse a pack that does not fit ``slot`` of an engine running at ``rate`` Hz."""
    m = pack.manifest
    want = SLOT_KINDS.get(slot)
    if want is None:
        raise PackError(f"the {slot} slot does not take packs", check="handshake")
    if m.kind != want:
        raise PackError(f"pack '{m.name}' is {kind_phrase(m.kind)}; the {slot} slot needs {kind_phrase(want)}",
                        check="handshake")
    if m.kind == "effect" and m.sample_rate != rate:
        from device.validate import rate_hint
        raise PackError(f"pack '{m.name}' runs at {m.sample_rate} Hz but the engine runs at {rate} Hz",
                        check="handshake", hint=rate_hint(m.sample_rate, rate))


def build_unit(pack: Pack, slot: str, rate: int, threads: int = 1) -> Any:
    """The engine unit for a pack (the classes owned by the effect and synth parts)."""
    if slot == "effect":
        from device.audio.effect import EffectProcessor
        return EffectProcessor(pack, threads=threads)
    from device.audio.synth import SynthSource
    return SynthSource(pack, rate, threads=threads)


def follow_slot(unit: Any, slot: Any) -> None:
    """A synth unit about to be installed in ``slot`` (device/audio/slot.Slot) takes over, at its first block, from
    the unit the slot plays then (its voices as they are: the notes held go on, no new attack;
    device/audio/synth_carry.py).  Nothing for a unit without ``follow`` (an effect)."""
    follow = getattr(unit, "follow", None)
    if slot is not None and callable(follow):
        follow(lambda: slot.unit)


def session_of(unit: Any) -> Any:
    model = getattr(unit, "model", None)
    return getattr(model, "session", None) or getattr(unit, "session", None)


def golden_check(unit: Any, pack: Pack) -> float:
    """Reproduce the pack's golden snapshot with the unit's own session; max abs error."""
    from device.audio.runtime import check_golden
    ins, outs = pack.golden()
    atol, rtol = pack.golden_tolerance()
    try:
        return check_golden(session_of(unit), ins, outs, atol, rtol)
    except PackError:
        raise
    except Exception as exc:  # noqa: BLE001 - onnxruntime raises private types on bad feeds
        raise PackError(f"golden check failed to run: {first_line(exc)}", check="golden") from None


class Preempted(Exception):
    """A pre-warm (:meth:`Swapper.prewarm`) gave way to a load that came meanwhile."""


def never() -> bool:
    return False


def warm(unit: Any, slot: str, block: int, rate: int, seconds: float, abort: Callable[[], bool] = never) -> float:
    """Run ``seconds`` of quiet noise through ``unit`` in ``block``-sample blocks, then reset it (:class:`Preempted`
    as soon as ``abort()`` is true).

    Returns the mean compute time as a fraction of the block duration.
    """
    rng = np.random.default_rng(0)
    n_blocks = max(8, int(seconds * rate / block))
    x = (0.05 * rng.standard_normal(block)).astype(np.float32)
    out = np.zeros(block, np.float32)
    times = np.empty(n_blocks)
    for i in range(n_blocks):
        t = time.perf_counter()
        if slot == "effect":
            unit.process(x)
        else:
            unit.render(out)
        times[i] = time.perf_counter() - t
        time.sleep(YIELD_S)             # leave the GIL to the audio thread between blocks
        if abort():
            raise Preempted
    unit.reset()
    return float(np.mean(times[n_blocks // 4:])) * rate / block


def gain_probe_signal(rate: int, seconds: float = 0.2) -> np.ndarray:
    """[3 * seconds * rate] float32: white noise, a 110 Hz sawtooth and a 440 Hz sine, one after
    the other, each decaying by 60 dB from -6 dBFS over ``seconds`` (an effect's quiet tails are
    where its gain shows)."""
    n = int(seconds * rate)
    t = np.arange(n) / rate
    env = 0.5 * 10.0 ** (-3.0 * t / seconds)
    noise = np.random.default_rng(0).uniform(-1.0, 1.0, n)
    saw = 2.0 * ((110.0 * t) % 1.0) - 1.0
    sine = np.sin(2 * np.pi * 440.0 * t)
    return np.concatenate([env * noise, env * saw, env * sine]).astype(np.float32)


def knob_corners(knobs: list[Any]) -> list[dict[str, float]]:
    """Knob settings that bound an effect's gain: the defaults, then every corner of the knobs'
    range (up to 4 knobs), or each knob at its ends with the others at default plus all at their
    minimum and all at their maximum (more knobs)."""
    default = {k.name: k.default for k in knobs}
    if len(knobs) <= 4:
        corners = [{k.name: (k.max if (i >> j) & 1 else k.min) for j, k in enumerate(knobs)}
                   for i in range(2 ** len(knobs))]
    else:
        corners = [{**default, k.name: end} for k in knobs for end in (k.min, k.max)]
        corners += [{k.name: k.min for k in knobs}, {k.name: k.max for k in knobs}]
    return [default] + [c for c in corners if c != default] if knobs else [default]


# The probe runs the unit in chunks of at least this many samples (p59 F1): an effect's output does not depend on the
# chunk it is processed in beyond float rounding (its model's state is explicit and carried across calls, its knobs
# glide per sample: device/audio/effect.py), so the probe's output is that of block 1 in chunks of 256 (the factory
# drive, a GRU: equal to the bit at chunks 1, 128, 256 and 1000; the TCN architectures differ by up to 5.4e-7, the
# guard's dB by under 5e-6: p59 R1) and the guard's gain is still measured per
# ``block``.  `hatbox render --block 1` ran the probe one sample a call: calibrate_gain on the factory drive took
# 10.4 s at block 1, now 0.27 s, the same 38.59 dB (old and new alternating in one process, medians of 3, under
# load; block 128: 0.30 -> 0.24 s, 20.46 dB).
PROBE_CHUNK = 256


def calibrate_gain(unit: Any, block: int, rate: int, protect: ProtectConfig = ProtectConfig(),
                   abort: Callable[[], bool] = never, pause: float = YIELD_S) -> float:
    """The largest block gain (dB, as the engine's guard measures it per ``block`` samples) of effect ``unit`` on
    :func:`gain_probe_signal`, over :func:`knob_corners`; the unit is left reset at its defaults.
    -inf when no output block passes the guard's floor.  ``pause``: seconds slept every 4 blocks' worth of samples to
    leave the GIL to the audio thread (0: none, for `hatbox render`, which has no audio thread: p52 review R4 #3)."""
    x = gain_probe_signal(rate)
    n = (x.shape[0] // block) * block
    knobs = list(getattr(unit, "knobs", []))
    worst = -np.inf
    # at rest at each setting (EffectProcessor.settle: a pre-roll of silence, knobs jump), else state zeroed
    rest = getattr(unit, "settle", None) or unit.reset
    for setting in knob_corners(knobs):
        if knobs:
            unit.set_knobs(setting)
        rest()
        y = probe_output(unit, x[:n], block, abort, pause)
        worst = max(worst, max_block_gain_db(x[:n], y, block, db_to_lin(protect.gain_floor_db),
                                                  protect, rate))
    if knobs:
        unit.set_knobs({k.name: k.default for k in knobs})
    rest()
    return float(worst)


def probe_output(unit: Any, x: np.ndarray, block: int, abort: Callable[[], bool] = never,
                 pause: float = YIELD_S) -> np.ndarray:
    """``unit``'s output [N] float32 for ``x`` [N], run in chunks of ``max(block, PROBE_CHUNK)`` samples; sleeps
    ``pause`` s (when > 0) and asks ``abort`` (:class:`Preempted`) after every 4 blocks' worth of samples (rounded
    down to whole chunks, at least one), about as often as when it ran block by block (at blocks under 64: less)."""
    chunk = max(block, PROBE_CHUNK)
    every = max(1, 4 * block // chunk)                 # chunks between pauses
    y = np.empty(x.shape[0], np.float32)
    for i, s in enumerate(range(0, x.shape[0], chunk)):
        y[s:s + chunk] = unit.process(x[s:s + chunk])
        if i % every == every - 1:
            if pause > 0:
                time.sleep(pause)                   # leave the GIL to the audio thread
            if abort():
                raise Preempted
    return y


# dB a pack with no gear-gain figure (trained before 2026-12-01) is allowed over its probe's gain: the probe's test
# tones find less gain in a neural model than ordinary guitar draws from it (a DS-1 profile 14.1 dB on the probe,
# 22.0 on held-out guitar; the factory drive of 2026-11-25 19.8 dB, 29.9 on a strummed DI at full drive: p52 QA2
# #2, where its probe-only limit of 25.8 dB cut it out 6 s in).  Its tail limit stays the probe's.
# It also goes to a pack trained on recordings too quiet to measure (metric present but null; p52 review R4 #1): the
# box knows only its probe there too, and the probe's shortfall is the model's, not the pack's age.  It goes to every
# such pack whatever its probe (R4's caveat 1): one at unity gain (clean, EQ, reverb: probe <= 0 dB) keeps the 18 dB
# floor all the same (0 + 6 + 12 = 18), so it widens only packs whose probe finds gain, boosts and drives, the kind
# it was measured on; a probe threshold would put a cliff there (a mild drive at 11 dB: 18 dB, one at 12 dB: 30).
NO_GEAR_ALLOWANCE_DB = 12.0


def gear_gain_db(manifest: Any) -> float | None:
    """The recorded gear's largest block gain (dB) a pack carries (manifest metric ``gear_max_gain_db``), or None
    for a pack made before the trainer wrote it, one whose recordings were too quiet to measure (null), or one with a
    value that is no finite number (device.audio.effect_render.no_gear_gain_line tells them apart)."""
    gear = getattr(manifest, "metrics", {}).get("gear_max_gain_db")
    return float(gear) if isinstance(gear, (int, float)) and np.isfinite(gear) else None


def gain_limits(measured: float, gear: float | None, protect: ProtectConfig = ProtectConfig()) -> dict[str, Any]:
    """The runaway limits of an effect whose probe found ``measured`` dB (-inf: none) and whose recorded gear gave
    ``gear`` dB (None: not known): the gain limit from the larger of the two, or without ``gear`` from the probe
    plus :data:`NO_GEAR_ALLOWANCE_DB`, through :func:`device.audio.protect.gain_limit_db` (its 18..40 dB bounds);
    the tail limit from the larger of the two, the probe alone without ``gear`` (``tail_limit_db``)."""
    worst = max(measured, gear if gear is not None else -np.inf)
    allowance = NO_GEAR_ALLOWANCE_DB if gear is None else 0.0
    limit, tail = gain_limit_db(worst + allowance, protect), tail_limit_db(worst, protect)
    return {"gain_measured_db": round(measured, 1) if np.isfinite(measured) else None, "gain_gear_db": gear,
            "gain_allowance_db": allowance, "gain_max_db": round(limit, 1), "gain_max": db_to_lin(limit),
            "tail_max": db_to_lin(tail)}


def effect_gain_limit(unit: Any, manifest: Any, block: int, rate: int, protect: ProtectConfig = ProtectConfig(),
                      abort: Callable[[], bool] = never, pause: float = YIELD_S) -> dict[str, Any]:
    """The runaway limit of an effect (info keys ``gain_measured_db``, ``gain_gear_db``, ``gain_allowance_db``,
    ``gain_max_db``, and ``gain_max`` / ``tail_max`` linear for the engine): :func:`calibrate_gain` on the box, or
    the gain the trainer measured on the recorded gear (manifest metric ``gear_max_gain_db``) if that is larger
    (:func:`gain_limits`).  The box's loader and `hatbox render` (device/audio/effect_render.py, ``pause`` 0) both set
    it here."""
    return gain_limits(calibrate_gain(unit, block, rate, protect, abort, pause), gear_gain_db(manifest), protect)


# y = Identity(x), x and y float [1], opset 17, IR 8: onnx.helper's make_graph/make_model serialised (68 bytes), so that
# warming the runtime does not import onnx (its ml_dtypes extension alone took 0.6 s of each engine start, 2 s loaded)
WARM_MODEL = (b'\x08\x08::\n\x10\n\x01x\x12\x01y"\x08Identity\x12\x04warmZ\x0f\n\x01x\x12\n\n\x08\x08\x01\x12\x04'
              b'\n\x02\x08\x01b\x0f\n\x01y\x12\n\n\x08\x08\x01\x12\x04\n\x02\x08\x01B\x04\n\x00\x10\x11')


def warm_runtime() -> None:
    """Create (and drop) one tiny onnxruntime session (:data:`WARM_MODEL`): the runtime's first-use initialisation
    holds the GIL for milliseconds, so it is paid before the audio clock starts."""
    from device.audio.runtime import make_session
    make_session(WARM_MODEL)


class Swapper:
    """Loads packs into an :class:`Engine` from a worker thread (see module docstring)."""

    def __init__(self, engine: Engine, *, threads: int = 1, budget: float = 0.8,
                 warm_s: float = 0.1, thread_init: Callable[[], None] | None = None,
                 cache_units: int = PER_SLOT, cache_bytes: int = PER_SLOT_BYTES) -> None:
        self.engine, self.threads, self.budget, self.warm_s = engine, threads, budget, warm_s
        self.thread_init = thread_init        # e.g. a low real-time priority (device/audio/server.py)
        self.cache = UnitCache(cache_units, engine.holds, cache_bytes)     # units let go of, at rest
        self.warming: deque[tuple[str, str]] = deque(maxlen=2 * max(1, cache_units))   # packs to pre-warm, in order
        engine.on_prewarm = self.prewarm      # the engine's "prewarm" control message (device/control.py)
        self.requests: queue.Queue[LoadResult | None] = queue.Queue()
        self.history: list[dict[str, Any]] = []
        self._thread: threading.Thread | None = None

    def start(self) -> "Swapper":
        warm_runtime()
        try:
            compile_kernels()                 # the synth's numba kernels: compiled (or cached) before any audio
        except HatboxError:                   # no numba: effects still work; loading a synth pack is then
            pass                              # refused with the same clear error
        self._thread = threading.Thread(target=self._loop, name="hatbox-swapper", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self.requests.put(None)
            self._thread.join(10)
            self._thread = None
        self.collect()
        self.cache.clear()

    def request(self, slot: str, path: str | Path,
                done: Callable[[LoadResult], None] | None = None) -> LoadResult:
        """Queue a load; returns at once (wait on ``result.done``)."""
        result = LoadResult(slot, str(path), callback=done)
        if self._thread is None:
            raise HatboxError("the pack loader is not running")
        self.requests.put(result)
        return result

    def load(self, slot: str, path: str | Path, timeout: float = 60.0) -> dict[str, Any]:
        """Load and install a pack, blocking until it is crossfading in; PackError on refusal."""
        result = self.request(slot, path)
        if not result.done.wait(timeout):
            raise HatboxError(f"loading {path} took longer than {timeout:.0f} s")
        if result.error is not None:
            raise PackError(result.error, check="load")
        return result.info or {}

    def prepare(self, slot: str, path: str | Path) -> tuple[Any, dict[str, Any]]:
        """Steps 1-5 of the module docstring, or a unit kept for this very pack file content (the loader's thread:
        the cache is its own)."""
        t0 = time.perf_counter()
        self.collect()                        # a unit the engine just let go of is kept before the lookup
        self.cache.prune()                    # and those whose pack file was deleted or changed are dropped
        found = content_key(slot, path) if self.cache.per_slot > 0 else None
        hit = self.cache.take(found[0], path, self.engine.cfg.block) if found is not None else None
        if hit is not None:
            hit[1]["prepare_s"] = time.perf_counter() - t0
            return hit
        unit, info = self.prepare_fresh(slot, path)
        if found is not None and content_key(slot, path) == found:      # the file did not change meanwhile
            self.cache.issue(unit, found[0], path, found[1], info)
        return unit, info

    def prepare_fresh(self, slot: str, path: str | Path,
                      abort: Callable[[], bool] = never) -> tuple[Any, dict[str, Any]]:
        """Steps 1-5 of the module docstring (any thread but the audio thread); :class:`Preempted` as soon as
        ``abort()`` is true between steps and in the long ones (a pre-warm gives way to a load)."""
        t0 = time.perf_counter()
        pack = read_pack(path)
        handshake(pack, slot, self.engine.cfg.rate)
        built = [build_unit(pack, slot, self.engine.cfg.rate, self.threads), pack]
        del pack
        try:
            return self._checked(built, slot, path, abort, t0)
        except BaseException as exc:      # Preempted, refused, a bug: the unit is let go of as collect lets go
            drop_built(built, exc)
            raise

    def _checked(self, built: list[Any], slot: str, path: str | Path, abort: Callable[[], bool],
                 t0: float) -> tuple[Any, dict[str, Any]]:
        """Steps 3-5 of :meth:`prepare_fresh` on ``built`` ([the unit, its pack])."""
        unit, pack = built
        if abort():
            raise Preempted
        err = golden_check(unit, pack)
        load = warm(unit, slot, self.engine.cfg.block, self.engine.cfg.rate, self.warm_s, abort)
        if load > self.budget:
            raise PackError(f"pack '{pack.manifest.name}' needs {load:.0%} of each block "
                            f"(budget {self.budget:.0%}) and cannot run in real time here", check="realtime")
        m = pack.manifest
        info = {"name": m.name, "version": m.version, "path": str(path), "kind": m.kind,
                "golden_err": err, "warm_load": load, "latency_samples": m.latency_samples,
                "unit_bytes": unit_bytes(pack.members)}      # its memory, estimated (the unit cache's bound)
        if slot == "effect":
            info.update(effect_gain_limit(unit, m, self.engine.cfg.block, self.engine.cfg.rate,
                                          self.engine.cfg.protect, abort))
        info["prepare_s"] = time.perf_counter() - t0
        return unit, info

    def prewarm(self, slot: str, path: str | Path) -> None:
        """Prepare ``path`` for ``slot`` into the cache without installing it (any thread; returns at once): on the
        loader's thread once it has no load to serve, giving way to a load that comes meanwhile (then again when
        it is idle); nothing when the cache already keeps that content or the slot plays it.  What it could not
        prepare is logged (logger ``hatbox.engine``), never said to anyone: the load of that pack says it."""
        self.warming.append((slot, str(path)))

    def _prewarm_next(self) -> None:
        """Pre-warm the next pack :meth:`prewarm` queued, if no load waits (the loader's thread)."""
        if not self.warming or not self.requests.empty() or self.cache.per_slot <= 0:
            return
        slot, path = self.warming.popleft()
        try:
            self.warm_into_cache(slot, path)
        except Preempted:
            self.warming.append((slot, path))                # again once the loader is idle
        except HatboxError as exc:
            log.info("pre-warming %s for the %s slot: %s", path, slot, first_line(exc))
        except Exception:  # noqa: BLE001 - a bug: logged, the loader serves the next load
            log.exception("pre-warming %s for the %s slot failed on an unexpected error", path, slot)

    def warm_into_cache(self, slot: str, path: str | Path) -> bool:
        """Prepare ``path`` for ``slot`` and keep its unit in the cache (:meth:`prewarm`'s work); whether it did."""
        found = content_key(slot, path)
        if found is None or self.cache.holds(found[0]):
            return False
        unit, info = self.prepare_fresh(slot, path, abort=lambda: not self.requests.empty())
        units = [unit]
        del unit
        if content_key(slot, path) != found:
            let_go(units)
            return False
        self.cache.issue(units[0], found[0], path, found[1], info)
        return self._keep_or_let_go(units)

    def collect(self) -> int:
        """Drop retired units handed back by the audio thread; returns how many."""
        n = 0
        while self.engine.graveyard:
            self._keep_or_let_go([self.engine.graveyard.popleft()])
            n += 1
        return n

    def _keep_or_let_go(self, units: list[Any]) -> bool:
        """Keep ``units``' one unit at rest in the cache, or let go of it here (the list is emptied; the caller holds
        it nowhere else): a big model's memory given back outside the GIL (device/audio/unit_release.py).  Whether
        it is kept."""
        kept = self.cache.retire(units[0])
        if kept:
            units.clear()
        let_go(units)
        return kept

    def _loop(self) -> None:
        if self.thread_init is not None:
            self.thread_init()
        while True:
            try:
                req = self.requests.get(timeout=0.05)
            except queue.Empty:
                self.collect()
                self._prewarm_next()
                continue
            if req is None:
                return
            self._serve(req)

    def _serve(self, req: LoadResult) -> None:
        """Load one pack (its outcome in ``req`` and :attr:`history`); nothing it raises escapes."""
        try:
            unit, info = self.prepare(req.slot, req.path)
            if info.get("cached"):
                fresh_dc_blocker(self.engine, req.slot, unit)
            follow_slot(unit, self.engine.slots.get(req.slot))
            self.engine.install(req.slot, unit, info)
            req.info = info
        except HatboxError as exc:
            req.error = str(exc)
        except BaseException as exc:  # noqa: BLE001 - a bug (or a broken pack) must never take the loader down
            log.exception("loading %s into the %s slot failed on an unexpected error", req.path, req.slot)
            req.error = UNEXPECTED.format(path=req.path, slot=req.slot, what=_what(exc))
        self.history.append({"slot": req.slot, "path": req.path, "ok": req.error is None,
                             "error": req.error, "time": time.time()})
        del self.history[:-50]
        gc.collect(0)                       # young objects only: a short pause, off the audio thread
        req.done.set()
        if req.callback is not None:
            try:
                req.callback(req)
            except Exception:  # noqa: BLE001 - the caller's bug: logged, the loader serves the next load
                log.exception("the callback of the load of %s into the %s slot failed", req.path, req.slot)


def drop_built(built: list[Any], exc: BaseException) -> None:
    """Let go of a unit :meth:`Swapper.prepare_fresh` built but does not hand out (``built``: [the unit, its
    pack], emptied): the frames ``exc`` went through are cleared first (they hold the unit: warm's, the checks'),
    so a big model's memory goes back outside the GIL as :meth:`Swapper.collect` gives it back."""
    traceback.clear_frames(exc.__traceback__)
    del built[1:]                                  # the pack: the unit holds it
    let_go(built)


def fresh_dc_blocker(engine: Engine, slot_name: str, unit: Any) -> None:
    """An effect unit back from the cache starts with a new DC blocker at its rest output, as a fresh one does: the
    slot (device/audio/slot.py) keeps a unit's blocker until the fade after the one that let it go, so a unit taken
    back soon found its old one, a stale state that decayed out as a slow step (0.7e-3 on the echo test).  Dropped
    on the audio thread at the next block boundary, before the install's switch (the slot's own thread)."""
    slot = engine.slots.get(slot_name)
    if slot is not None:
        engine.post(lambda: slot.forget_dc_blocker(unit))


def _what(exc: BaseException) -> str:
    """``exc`` in one line: its type and the first line of its message."""
    first = (str(exc).splitlines() or [""])[0]
    return f"{type(exc).__name__}: {first}" if first else type(exc).__name__

"""The protective output stage: nothing a model does reaches the DAC unguarded (pure numpy).

Two parts, both per block on the mono float32 bus:

- :class:`SlotGuard` watches one slot (an effect's output against its input, or a source's
  output) and returns a fault reason the same block a model misbehaves:

  ``nonfinite``  any NaN/inf sample (or the effect processor muted one itself);
  ``runaway``    peak above ``peak_max`` (default +12 dBFS), or output RMS more than the slot's
                 gain limit above the input RMS while louder than ``gain_floor`` (effects) and not
                 a tail (below).  The limit is ``gain_max_db`` unless the caller gives one: the
                 loader measures each effect's gain over its knobs' range (:func:`max_block_gain_db`,
                 over the blocks whose input is present: not a tail, as judged below) and passes
                 :func:`gain_limit_db` of it, so a drive at full drive is not a fault.
                 A tail: a reverb or delay sounds on after its input stops, so once the input is
                 ``tail_quiet_db`` under its recent level (the loudest input block RMS, falling 60 dB
                 over ``tail_rt60_s``), an output louder than this block's input allows passes while
                 it is within the tail limit of that recent level (:func:`tail_limit_db`: the effect's
                 measured gain and margin, at least ``tail_min_db``; the gain limit without one), for
                 at most ``tail_s`` in a row, and not rising: a run whose loudest block per
                 ``TAIL_WINDOW_S`` rises window over window for ``tail_rise_s`` on end, by more than
                 ``tail_rise_db`` in all, is a feedback runaway (a tail decays; a delay's echo rises
                 once, then falls).
                 An output with no loud input before it (a self-oscillating model, a +46 dB model on
                 a quiet input), or over a gain limit while the input still sounds (a drive on a
                 pluck's decay), is caught in its first block as before;
  ``dc``         the slot's slowly tracked mean (time constant ``dc_time_s``) above ``dc_max``: a
                 model drifting off zero.  Not for a source that plays recorded files (the sampler,
                 whose unit says ``guard_dc = False``): a full-scale 20 Hz loop's half-cycles read as
                 DC to the tracker, and the output stage's DC blocker takes any real offset out.

  The engine then bypasses the slot (see device/audio/engine.py) and reports the fault.

- :class:`OutputStage` always runs last: NaN/inf -> 0, a DC blocker (the input minus its
  one-pole low-pass at ``dc_cutoff_hz``, i.e. a first-order high-pass), the limiter's DC taken off
  (:class:`LimiterDcTrim`), a peak limiter with instant attack and exponential release whose
  gain keeps every sample at or under the fixed ``ceiling`` (linear, default -1 dBFS; the one
  limiter, device/audio/limiter.py, which the sampler's bus uses too), and a final clip to the
  ceiling as the last line of defence.  A limiter adds DC of its own to a DC-free wave whose
  peaks are uneven (its gain dips more on the taller half-wave: p58 QA, -37 dBFS on a +6 dBFS
  square through the drive); a high-pass after the limiter would overshoot the ceiling, so the
  stage measures what the limiter and clip add (the block mean of their output less their input),
  follows it over ``limiter_dc_s`` and subtracts it ahead of them.  Its output then has no DC
  while the limiter works, and the limiter and clip still end the chain: the ceiling stays a hard
  bound.  The correction is 0 whenever the limiter is idle (then fades out over ``limiter_dc_s``).

Units: levels are linear full-scale amplitudes unless a name ends in ``_db``; times in seconds.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from device.audio.limiter import MAX_BLOCK, PeakLimiter
from device.audio.limiter import envelope as _envelope   # noqa: F401  (the envelope's one implementation)

NONFINITE, RUNAWAY, DC = "nonfinite", "runaway", "dc"
PEAK, GAIN, TAIL, RISING = "peak", "gain", "tail", "rising"     # which rule a ``runaway`` came from (Tripped.rule)
TAIL_WINDOW_S = 0.5          # s: a tail's level is its loudest block RMS per window this long (an echo's gaps)
_EPS = 1e-12


def db_to_lin(db: float) -> float:
    return float(10.0 ** (db / 20.0))


def lin_to_db(x: float) -> float:
    return float(20.0 * math.log10(max(float(x), 1e-6)))


@dataclass(frozen=True)
class ProtectConfig:
    """Thresholds of the guards and the limiter (see module docstring for units)."""

    ceiling_db: float = -1.0
    release_s: float = 0.08
    peak_max_db: float = 12.0
    gain_max_db: float = 18.0        # the effects' gain limit, and the least a measured limit can be
    gain_margin_db: float = 6.0      # added to an effect's measured gain to make its limit
    gain_cap_db: float = 40.0        # the most a measured limit can be
    tail_min_db: float = 6.0         # the least a measured tail limit (tail_limit_db) can be
    gain_floor_db: float = -24.0
    tail_rt60_s: float = 20.0        # the input's recent level (what excuses a tail) falls 60 dB over this
    tail_quiet_db: float = 40.0      # the input this far under its recent level has stopped: a tail may follow
    tail_s: float = 10.0             # the longest run of blocks louder than their input allows (a tail)
    tail_rise_s: float = 2.0         # such a run rising window over window (TAIL_WINDOW_S) this long ...
    tail_rise_db: float = 6.0        # ... by more than this in all: a feedback runaway
    dc_max: float = 0.2
    dc_time_s: float = 0.05
    dc_cutoff_hz: float = 2.0
    limiter_dc_s: float = 0.05       # the limiter's DC is followed by two one-poles of this time constant (0: off)

    @property
    def ceiling(self) -> float:
        return db_to_lin(self.ceiling_db)


@dataclass(frozen=True)
class Tripped:
    """Which rule made :meth:`SlotGuard.check` say ``runaway``, for the words (p59 Q1 6: a +60 dBFS input through a
    drive was said to be "over 36.6 dB above its input"; the output was at the input's level and the peak rule had
    tripped).  ``rule``: :data:`PEAK` (the output's peak ``out_db`` dBFS over ``limit_db``, the config's
    ``peak_max_db``; ``in_db`` the input's peak, None for a source), :data:`GAIN` (the output's block RMS ``out_db``
    dBFS more than ``limit_db`` over the input's ``in_db`` while it sounds, or over its recent level by more than a
    tail may be), :data:`TAIL` (louder than its input allows for longer than a tail, ``tail_s``; ``in_db`` the input's
    recent level) or :data:`RISING` (such a run rising: feedback).  Levels in dB (RMS or peak, as said)."""

    rule: str
    out_db: float
    in_db: float | None
    limit_db: float

    def as_dict(self) -> dict[str, object]:
        """The fields, levels to 0.1 dB (a fault in the engine's status: device/audio/engine_status.py)."""
        return {"rule": self.rule, "out_db": round(self.out_db, 1), "limit_db": round(self.limit_db, 1),
                "in_db": None if self.in_db is None else round(self.in_db, 1)}


def _rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.dot(x, x) / max(x.shape[0], 1)))


def block_pole(rate: int, block: int, time_s: float) -> float:
    """Per-block one-pole coefficient for a tracker with time constant ``time_s``."""
    return math.exp(-block / (max(time_s, 1e-6) * rate))


class SlotGuard:
    """Per-slot fault detector (stateful: the DC tracker and, for effects, the input's recent level
    and the current run of tail blocks)."""

    def __init__(self, rate: int, config: ProtectConfig = ProtectConfig()) -> None:
        self.rate, self.cfg = int(rate), config
        self.peak_max = db_to_lin(config.peak_max_db)
        self.gain_max = db_to_lin(config.gain_max_db)
        self.gain_floor = db_to_lin(config.gain_floor_db)
        self.tail_rise = db_to_lin(config.tail_rise_db)
        self.tail_quiet = db_to_lin(-config.tail_quiet_db)
        self.reset()

    def reset(self) -> None:
        self.dc = 0.0
        self.tripped: Tripped | None = None      # the rule of the last ``runaway`` (set only when one is said)
        self.recent_in = 0.0     # the input's recent level: block RMS, held and falling 60 dB per tail_rt60_s
        self._tail_end()

    def _tail_end(self) -> None:
        """No run of blocks louder than their input allows (see :meth:`_gain_runaway`) now."""
        self.tail_t = 0.0        # s: the current run of blocks louder than their input allows
        self.win_t = 0.0         # s into that run's current window (TAIL_WINDOW_S)
        self.win_max = 0.0       # that window's loudest output block RMS so far
        self.win_last = 0.0      # the window before's
        self.rise_n = 0          # windows on end each louder than the one before
        self.rise_from = 0.0     # the loudest block RMS of the window before those

    def check(self, out: np.ndarray, inp: np.ndarray | None = None, gain_max: float | None = None,
              dc: bool = True, tail_max: float | None = None) -> str | None:
        """Fault reason for this block of ``out`` [N] (``inp`` [N]: the effect's input), or None.
        ``gain_max``: this unit's linear gain limit (default: the config's ``gain_max_db``); ``tail_max``: the most
        a tail may be over the input's recent level (linear, at most ``gain_max``; :func:`tail_limit_db` of the
        unit's measured gain; default ``gain_max``); ``dc``: whether to track and judge the slot's DC (off: only
        ``nonfinite`` and ``runaway``).  Allocates nothing (reductions to scalars only)."""
        if out.shape[0] == 0:
            return None
        peak = max(float(out.max()), -float(out.min()))     # NaN and inf propagate into the peak
        if not math.isfinite(peak):
            return NONFINITE
        if peak > self.peak_max:
            in_peak = None if inp is None or inp.shape[0] == 0 else lin_to_db(max(float(inp.max()), -float(inp.min())))
            self.tripped = Tripped(PEAK, lin_to_db(peak), in_peak, self.cfg.peak_max_db)
            return RUNAWAY
        if inp is not None:
            limit = self.gain_max if gain_max is None else gain_max
            if self._gain_runaway(out, inp, limit, limit if tail_max is None else min(tail_max, limit)):
                return RUNAWAY
        return self._track_dc(out, inp) if dc else None

    def _gain_runaway(self, out: np.ndarray, inp: np.ndarray, gain_max: float, tail_max: float) -> bool:
        """Whether ``out`` [N] is more than ``gain_max`` (linear) above ``inp`` [N] while louder than the
        floor, and no tail (module docstring): with the input still sounding (not ``tail_quiet_db`` under its
        recent level), above ``tail_max`` (linear) over that recent level, in a run of such blocks longer than
        ``tail_s``, or in one that keeps rising."""
        n, cfg = out.shape[0], self.cfg
        r_out, r_in = _rms(out), _rms(inp)
        fall = 10.0 ** (-3.0 * n / (self.rate * max(cfg.tail_rt60_s, 1e-6)))     # 60 dB per tail_rt60_s
        self.recent_in = max(r_in, self.recent_in * fall)
        if r_out <= self.gain_floor or r_out <= gain_max * max(r_in, _EPS):
            if self.tail_t:
                self._tail_end()
            return False
        if r_in > self.tail_quiet * self.recent_in:            # the input still sounds
            self.tripped = Tripped(GAIN, lin_to_db(r_out), lin_to_db(r_in), lin_to_db(gain_max))
            return True
        if r_out > tail_max * max(self.recent_in, _EPS):        # none loud enough lately to leave this tail
            self.tripped = Tripped(GAIN, lin_to_db(r_out), lin_to_db(self.recent_in), lin_to_db(tail_max))
            return True
        self.tail_t += n / self.rate
        rule = TAIL if self.tail_t > cfg.tail_s else RISING if self._rising(r_out, n / self.rate) else ""
        if rule:
            self.tripped = Tripped(rule, lin_to_db(r_out), lin_to_db(self.recent_in), lin_to_db(tail_max))
        return bool(rule)

    def _rising(self, r_out: float, block_s: float) -> bool:
        """Take one block's output RMS ``r_out`` (linear) of ``block_s`` seconds into the run's window; at a
        window's end, whether the run has risen window over window for ``tail_rise_s`` by ``tail_rise_db``."""
        self.win_max = max(self.win_max, r_out)
        self.win_t += block_s
        if self.win_t < TAIL_WINDOW_S:
            return False
        if self.win_last > 0.0 and self.win_max > self.win_last:
            self.rise_n += 1
        else:
            self.rise_n, self.rise_from = 0, self.win_max
        self.win_last, self.win_max, self.win_t = self.win_max, 0.0, 0.0
        return (self.rise_n * TAIL_WINDOW_S >= self.cfg.tail_rise_s - 1e-9
                and self.win_last > self.tail_rise * self.rise_from)

    def _track_dc(self, out: np.ndarray, inp: np.ndarray | None) -> str | None:
        """The DC the unit adds (its output's mean less its input's: a DC offset in the input, passed through, is
        not the model's; audio QA of the fortieth stop: the factory drive was bypassed for an input of DC alone),
        followed over ``dc_time_s``; DC when over ``dc_max``."""
        a = block_pole(self.rate, out.shape[0], self.cfg.dc_time_s)
        added = float(np.mean(out)) - (float(np.mean(inp)) if inp is not None and inp.shape[0] else 0.0)
        self.dc = a * self.dc + (1.0 - a) * added
        return DC if abs(self.dc) > self.cfg.dc_max else None


def max_block_gain_db(x: np.ndarray, y: np.ndarray, block: int, floor: float,
                      config: ProtectConfig = ProtectConfig(), rate: int | None = None) -> float:
    """The largest output-over-input RMS ratio (dB) of ``block``-sample blocks of an effect's input
    ``x`` [N] and output ``y`` [N] (linear full scale), as :class:`SlotGuard` measures it, over the
    blocks whose output RMS is above ``floor`` (linear) and whose input is present; -inf when no
    block is both.

    "Present" is relative to the input's own level, by the guard's own line between an input that
    still sounds and a tail: a block's input is present when its RMS is above 0 and less than
    ``config.tail_quiet_db`` (40 dB) under the input's recent level, the loudest input block RMS so
    far (held; falling 60 dB per ``config.tail_rt60_s`` when ``rate`` (Hz) is given, not at all
    without it: over the load-time probe's 0.6 s that fall is under 2 dB).  A reverb's or delay's
    tail over a stopped input is not the effect's gain (the guard lets a tail pass against the
    recent level instead), so it is left out; before, it counted, and a reverb pack measured 40 dB
    and more and got the cap as its limit.  An effect that amplifies shows its gain while its input
    sounds, so that is still measured in full."""
    r_in, r_out, loud = measured_blocks(x, y, block, floor, config, rate)
    if not loud.any():
        return -math.inf
    return float(np.max(20.0 * np.log10(r_out[loud] / np.maximum(r_in[loud], _EPS))))


def block_rms(a: np.ndarray, block: int) -> np.ndarray:
    """RMS (linear) of each whole ``block``-sample block of ``a`` [N] -> [N // block]."""
    n = (a.shape[0] // block) * block
    return np.sqrt(np.mean(np.square(a[:n].astype(np.float64).reshape(-1, block)), axis=1))


def measured_blocks(x: np.ndarray, y: np.ndarray, block: int, floor: float,
                    config: ProtectConfig = ProtectConfig(), rate: int | None = None
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(input block RMS [B], output block RMS [B], [B] bool: the blocks :func:`max_block_gain_db` measures: output
    above ``floor`` and the input present) of input ``x`` [N] and output ``y`` [N], over their common length."""
    n = min(x.shape[0], y.shape[0])
    r_in, r_out = block_rms(x[:n], block), block_rms(y[:n], block)
    return r_in, r_out, (r_out > floor) & _input_present(r_in, block, config, rate)


def _input_present(r_in: np.ndarray, block: int, config: ProtectConfig, rate: int | None) -> np.ndarray:
    """[B] bool: whether each of the input's block RMS ``r_in`` [B] (linear) is present, i.e. not
    ``config.tail_quiet_db`` or more under its recent level (:func:`max_block_gain_db`), as
    :meth:`SlotGuard._gain_runaway` tells the input still sounding from a tail."""
    fall_db = 0.0 if rate is None else 60.0 * block / (rate * max(config.tail_rt60_s, 1e-6))
    t_db = fall_db * np.arange(r_in.shape[0])                        # dB the recent level has fallen since block 0
    level_db = 20.0 * np.log10(np.maximum(r_in, _EPS))
    recent_db = np.maximum.accumulate(level_db + t_db) - t_db        # max over j <= i of level_j - fall (i - j)
    return (r_in > 0.0) & (level_db > recent_db - config.tail_quiet_db)


def tail_limit_db(measured_db: float, config: ProtectConfig = ProtectConfig()) -> float:
    """How far (dB) an effect's tail may be over its input's recent level: its measured largest block gain (measured
    while its input sounds) plus ``gain_margin_db``, at least ``tail_min_db``, at most :func:`gain_limit_db`.  A reverb
    or a delay sounds on at about the level it played at; a model that, its input stopped, keeps sounding louder than
    it ever played is no tail (audio QA of the fortieth stop: a pack measured at 0 dB that added a full-scale buzz
    played it alone for 2 s after the input stopped, under the 18 dB floor of the gain limit)."""
    return float(min(gain_limit_db(measured_db, config), max(config.tail_min_db, measured_db + config.gain_margin_db)))


def gain_limit_db(measured_db: float, config: ProtectConfig = ProtectConfig()) -> float:
    """An effect's gain limit (dB) from its measured largest block gain: that plus
    ``gain_margin_db``, at least ``gain_max_db`` and at most ``gain_cap_db``."""
    return float(min(config.gain_cap_db, max(config.gain_max_db, measured_db + config.gain_margin_db)))


DC_CHUNK = 256               # samples of one closed-form chunk of the DC blocker's low-pass


def _lowpass_into(m: np.ndarray, x: np.ndarray, start: float, r: float, p: np.ndarray) -> float:
    """m[n] = r m[n-1] + (1 - r) x[n] from m[-1] = ``start``, written into ``m`` [N] float64 for ``x`` [N]
    (float32 or float64), in closed form per chunk of ``p.shape[0]`` samples; ``p`` = [r^1 .. r^chunk]
    float64.  Allocates nothing.  Returns m[N - 1] (``start`` when N is 0)."""
    c = p.shape[0]
    for s in range(0, x.shape[0], c):
        acc = m[s:s + c]
        pk = p[:acc.shape[0]]
        np.copyto(acc, x[s:s + c])
        acc /= pk
        np.cumsum(acc, out=acc)
        acc *= 1.0 - r
        acc += start
        acc *= pk
        start = float(acc[-1])
    return start


class DcBlocker:
    """A first-order high-pass at ``cutoff_hz`` (the input less its one-pole low-pass: :func:`_lowpass_into`), in
    place on float32 blocks of up to ``max_block`` samples, allocating nothing per block.  ``reset(level)`` starts
    its low-pass at ``level``: a signal that sits there passes as silence from its first sample."""

    def __init__(self, rate: int, cutoff_hz: float, max_block: int = MAX_BLOCK) -> None:
        self.pole = math.exp(-2.0 * math.pi * cutoff_hz / rate)
        self._powers = self.pole ** np.arange(1, DC_CHUNK + 1, dtype=np.float64)
        self._mean = np.zeros(max(1, int(max_block)), np.float64)
        self._work = np.zeros(max(1, int(max_block)), np.float32)
        self.dc = 0.0

    def reset(self, level: float = 0.0) -> None:
        self.dc = float(level) if math.isfinite(level) else 0.0

    def process(self, x: np.ndarray) -> np.ndarray:
        """``x`` [N] float32 (finite) less its DC, in place; returns it."""
        for s in range(0, x.shape[0], self._mean.shape[0]):
            part = x[s:s + self._mean.shape[0]]
            n = part.shape[0]
            self.dc = _lowpass_into(self._mean[:n], part, self.dc, self.pole, self._powers)
            np.copyto(self._work[:n], self._mean[:n], casting="same_kind")
            part -= self._work[:n]
        return x


def _one_pole_lowpass(x: np.ndarray, start: float, r: float) -> np.ndarray:
    """m[n] = r m[n-1] + (1 - r) x[n], m[-1] = start; x [N] -> m [N] float64 (a new array: offline use and
    tests; :class:`OutputStage` runs :func:`_lowpass_into` on its own buffers)."""
    out = np.empty(x.shape[0], np.float64)
    _lowpass_into(out, x, start, r, r ** np.arange(1, DC_CHUNK + 1, dtype=np.float64))
    return out


class LimiterDcTrim:
    """The DC a limiter (and the clip after it) adds to a DC-free bus, taken off ahead of it (module docstring).

    :meth:`follow` takes each block's mean of what they added (output less input, linear) and follows it through two
    one-poles of ``time_s`` (smooth: the signal's own frequencies hardly reach it); :meth:`apply` subtracts the result
    from the next block ahead of the limiter, in a straight line from the value of the block before (no step).  While
    it is on, what the limiter adds settles where the output's mean is the mean of its input: zero after the DC
    blocker.  0 (nothing done) while the limiter is idle and the correction has died away, and always with
    ``time_s`` 0 (off: the stage as it was before p58).  Allocates nothing per block (blocks of up to
    ``max_block`` samples)."""

    SNAP = 1e-9              # a correction this small (linear) is no correction: the stage is idle again

    def __init__(self, rate: int, time_s: float, max_block: int = MAX_BLOCK, limit: float = 1.0) -> None:
        self.rate, self.time_s = int(rate), max(float(time_s), 0.0)
        self.limit = float(limit)        # the most a limiter can add to a block's mean (its ceiling, linear)
        self._steps = np.arange(1, max(1, int(max_block)) + 1, dtype=np.float32)   # [1 .. max_block]
        self._ramp = np.zeros(max(1, int(max_block)), np.float32)
        self.reset()

    def reset(self) -> None:
        self.fast = self.slow = 0.0       # the two one-poles (linear)
        self.applied = 0.0                # the correction at the end of the last block

    def apply(self, x: np.ndarray) -> None:
        """``x`` [n <= max_block] float32 less the correction, in place: from :attr:`applied` to :attr:`slow`."""
        start, end = self.applied, self.slow
        if start == 0.0 and end == 0.0:
            return
        n = x.shape[0]
        ramp = self._ramp[:n]
        np.multiply(self._steps[:n], np.float32((end - start) / n), out=ramp)
        ramp += np.float32(start)
        x -= ramp
        self.applied = end

    def follow(self, added: float, n: int) -> None:
        """One block of ``n`` samples: the limiter and the clip added ``added`` (their output's mean less their
        input's, linear; 0 when the limiter was idle)."""
        if not math.isfinite(added):           # a block beyond float range: no measure
            added = 0.0
        if self.time_s == 0.0 or (added == 0.0 and self.fast == 0.0 and self.slow == 0.0):
            return
        a = math.exp(-n / (self.time_s * self.rate))
        self.fast = _clamp(a * self.fast + (1.0 - a) * added, self.limit)
        self.slow = _clamp(a * self.slow + (1.0 - a) * self.fast, self.limit)
        if added == 0.0 and abs(self.fast) < self.SNAP and abs(self.slow) < self.SNAP:
            self.fast = self.slow = 0.0


def _sum64(x: np.ndarray, into: np.ndarray) -> float:
    """The sum of ``x`` [n] float32 in float64, through ``into`` [n] float64 (preallocated: no allocation)."""
    np.copyto(into, x)
    return float(into.sum())


def _clamp(value: float, limit: float) -> float:
    """``value`` within [-limit, limit]."""
    return min(max(value, -limit), limit)


def _float32_at_most(level: float) -> np.float32:
    """The largest float32 at or under ``level`` (a positive linear amplitude)."""
    f = np.float32(level)
    return f if float(f) <= level else np.nextafter(f, np.float32(0.0))


class OutputStage:
    """DC tracker + the limiter's DC taken off (:class:`LimiterDcTrim`) + fixed-ceiling peak limiter
    (:class:`device.audio.limiter.PeakLimiter` at the config's ``ceiling`` and ``release_s``) + clip;
    ``process`` works in place on the bus and allocates nothing for blocks of up to ``max_block``
    samples (its buffers' size; a longer block is taken in pieces of that many)."""

    # while the DC tracker's mean is over this many times the ceiling (for seconds after a huge block, e.g.), the
    # block is DC the tracker has not taken off yet: the limiter taking it down is not DC it adds, and following it
    # held the correction at the ceiling, played out as a thump when the limiter let go (p58 RD1)
    TRIM_DC_REACH = 0.25

    def __init__(self, rate: int, config: ProtectConfig = ProtectConfig(), max_block: int = MAX_BLOCK) -> None:
        self.rate, self.cfg = int(rate), config
        self.max_block = max(1, int(max_block))
        self.ceiling = config.ceiling
        self._clip = float(_float32_at_most(self.ceiling))   # a float32 value, never above the ceiling
        self.limiter = PeakLimiter(self.rate, self.ceiling, config.release_s, max_block=self.max_block)
        self.rel = self.limiter.rel
        self.dc_pole = math.exp(-2.0 * math.pi * config.dc_cutoff_hz / rate)
        self._powers = self.dc_pole ** np.arange(1, DC_CHUNK + 1, dtype=np.float64)   # [r^1 .. r^chunk]
        self._mean = np.zeros(self.max_block, np.float64)   # the DC tracker's mean, per sample
        self._work = np.zeros(self.max_block, np.float32)   # that mean as float32, then |x|
        self._bad = np.zeros(self.max_block, bool)          # the non-finite samples (a fault block)
        self.trim = LimiterDcTrim(self.rate, config.limiter_dc_s, self.max_block, limit=self.ceiling)
        self.reset()

    def reset(self) -> None:
        self.limiter.reset()         # its gain_min: the lowest limiter gain since the last status read
        self.trim.reset()
        self.dc = 0.0
        self.peak = 0.0

    @property
    def env(self) -> float:
        """The limiter's envelope (linear) at the end of the last block."""
        return self.limiter.env

    @property
    def gain_min(self) -> float:
        """The lowest limiter gain since the last :meth:`take_gain_reduction_db` (or reset)."""
        return self.limiter.gain_min

    def process(self, x: np.ndarray) -> np.ndarray:
        """Guard ``x`` [N] float32 in place and return it: finite, DC-free (the limiter's own DC too, followed
        over ``limiter_dc_s``), |x| <= ceiling.

        ``self.peak`` holds the block's output peak afterwards (for metering).

        The limiter is skipped only when the DC-free block's own peak is at or under the ceiling
        (measured, not bounded: the DC tracker's mean can peak inside a block, so the input peak
        plus the mean at the block's ends is no bound on the output).
        """
        n = x.shape[0]
        if n == 0:
            return x
        if n <= self.max_block:
            self.peak = self._guard(x)
            return x
        peak = 0.0
        for s in range(0, n, self.max_block):
            peak = max(peak, self._guard(x[s:s + self.max_block]))
        self.peak = peak
        return x

    def _guard(self, x: np.ndarray) -> float:
        """:meth:`process` on ``x`` [0 < n <= max_block] float32 in place, on the preallocated buffers
        (no temporary array); returns the block's output peak."""
        n = x.shape[0]
        mean, work = self._mean[:n], self._work[:n]
        last = _lowpass_into(mean, x, self.dc, self.dc_pole, self._powers)
        if not math.isfinite(last):                # any NaN/inf in x reaches the last mean
            bad = self._bad[:n]
            np.isfinite(x, out=bad)
            np.logical_not(bad, out=bad)
            np.copyto(x, 0.0, where=bad)           # NaN and +-inf -> 0
            last = _lowpass_into(mean, x, self.dc, self.dc_pole, self._powers)
        self.dc = last
        np.copyto(work, mean, casting="same_kind")
        x -= work
        self.trim.apply(x)                         # ahead of the limiter: the clip stays last, the ceiling hard
        np.abs(x, out=work)
        peak = float(work.max())
        engaged = self.limiter.will_limit(peak) and abs(self.dc) <= self.TRIM_DC_REACH * self._clip  # not DC being
        before = _sum64(x, mean) if engaged else 0.0       # tracked; float64: a float32 sum loses or overflows
        if not self.limiter.process(x, peak):      # (a float32 peak at or under the ceiling: under _clip)
            self.trim.follow(0.0, n)
            return peak
        np.clip(x, -self._clip, self._clip, out=x)
        self.trim.follow((_sum64(x, mean) - before) / n if engaged else 0.0, n)
        return min(peak, self._clip)

    def take_gain_min(self) -> float:
        """The lowest limiter gain (linear, 0..1] since the last call; resets the tracker (no log: once a block)."""
        g, self.limiter.gain_min = self.limiter.gain_min, 1.0
        return g

    def take_gain_reduction_db(self) -> float:
        """Most gain reduction (dB, >= 0) applied since the last call; resets the tracker."""
        return -lin_to_db(self.take_gain_min())


def box_output(x: np.ndarray, rate: int, block: int = 128,
               config: ProtectConfig = ProtectConfig()) -> tuple[np.ndarray, float]:
    """What the box's output stage makes of a mono signal ``x`` [N] (an offline render): the same
    :class:`OutputStage`, fed in blocks of ``block`` samples as the engine feeds it.  Returns (the
    guarded copy [N] float32, the most gain reduction applied, dB >= 0)."""
    stage = OutputStage(rate, config)
    y = np.array(x, dtype=np.float32, copy=True).reshape(-1)
    for start in range(0, y.shape[0], max(1, int(block))):
        stage.process(y[start:start + block])
    return y, stage.take_gain_reduction_db()

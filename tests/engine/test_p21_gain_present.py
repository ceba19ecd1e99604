"""An effect's gain is measured at load (device/audio/swap.calibrate_gain, through
device/audio/protect.max_block_gain_db) only over the blocks whose input is present (p21): before, the blocks
where the input had died away and only a reverb's tail sounded counted too, so a reverb pack measured 40 dB
and more and got the 40 dB cap as its runaway limit."""
from __future__ import annotations

import math

import numpy as np
import pytest

from device.audio.protect import ProtectConfig, SlotGuard, db_to_lin, gain_limit_db, max_block_gain_db
from device.audio.swap import calibrate_gain, gain_probe_signal

RATE = 48000
CFG = ProtectConfig()
FLOOR = db_to_lin(CFG.gain_floor_db)


class Tail:
    """A reverb-like effect: half the dry signal plus a noise tail whose power is the input's power integrated
    with a decay of 60 dB over ``rt60_s`` (a tail as loud as the input it follows: 0 dB of gain on a steady
    input)."""

    def __init__(self, rt60_s: float = 2.0) -> None:
        self.tau = rt60_s / (6.0 * math.log(10.0))
        self.reset()

    def reset(self) -> None:
        self.power, self.rng = 0.0, np.random.default_rng(1)

    def process(self, x: np.ndarray) -> np.ndarray:
        a = math.exp(-x.shape[0] / (self.tau * RATE))
        self.power = a * self.power + (1.0 - a) * float(np.mean(np.square(x, dtype=np.float64)))
        return (0.5 * x + math.sqrt(self.power) * self.rng.standard_normal(x.shape[0])).astype(np.float32)


class Drive:
    """An effect that amplifies: 0.5 tanh(x at +36 dB), i.e. +30 dB on a quiet input."""

    def reset(self) -> None:
        pass

    def process(self, x: np.ndarray) -> np.ndarray:
        return (0.5 * np.tanh(db_to_lin(36.0) * x)).astype(np.float32)


def _faults(unit, x: np.ndarray, limit_db: float) -> int:
    """Blocks of ``x`` through ``unit`` the guard calls a fault at gain limit ``limit_db``."""
    unit.reset()
    guard = SlotGuard(RATE, CFG)
    return sum(guard.check(unit.process(x[s:s + 128]), x[s:s + 128], gain_max=db_to_lin(limit_db)) is not None
               for s in range(0, x.shape[0] - 127, 128))


def test_a_reverb_pack_gets_a_limit_under_the_cap_that_still_covers_it() -> None:
    reverb = Tail(2.0)
    measured = calibrate_gain(reverb, 128, RATE, CFG)
    limit = gain_limit_db(measured, CFG)
    assert 20.0 < measured < 30.0, measured          # before: 43.8 dB, the probe's dying tails counted
    assert limit < CFG.gain_cap_db - 5.0, limit
    assert _faults(reverb, gain_probe_signal(RATE), limit) == 0       # what the guard judges, the limit covers


def test_a_pack_that_amplifies_still_gets_its_gain_measured() -> None:
    measured = calibrate_gain(Drive(), 128, RATE, CFG)
    assert measured == pytest.approx(30.0, abs=0.5)
    assert _faults(Drive(), gain_probe_signal(RATE), gain_limit_db(measured, CFG)) == 0


def test_a_tail_over_a_stopped_input_is_not_gain() -> None:
    burst = (0.3 * np.random.default_rng(2).standard_normal(RATE // 4)).astype(np.float32)
    x = np.concatenate([burst, np.zeros(RATE // 2, np.float32), 1e-4 * burst])     # then silence, a noise floor
    y = Tail(3.0)
    out = np.concatenate([y.process(x[s:s + 128]) for s in range(0, x.shape[0], 128)])
    assert max_block_gain_db(x, out, 128, FLOOR) < 6.0      # before: 200 dB and more (the tail over silence)
    amp = db_to_lin(24.0) * 1e-4 * burst                          # an input 70 dB down that is amplified: gain
    assert max_block_gain_db(1e-4 * burst, amp, 128, db_to_lin(-70.0)) == pytest.approx(24.0, abs=1e-3)


def test_present_is_relative_to_the_inputs_recent_level_which_falls_with_the_rate_given() -> None:
    n = 128 * 3750                                               # 10 s: the loud input, then 54 dB under it
    x = np.concatenate([np.full(128, 0.5), np.full(n, 1e-3)]).astype(np.float32)
    y = x * np.concatenate([np.full(128, 1.0), np.full(n, 100.0)]).astype(np.float32)      # +40 dB on the quiet part
    assert max_block_gain_db(x, y, 128, FLOOR) == pytest.approx(0.0, abs=1e-4)            # held: a tail, left out
    # with the rate, the recent level falls 60 dB over 20 s: after 10 s, 30 dB; the quiet input is 54 dB under
    # the loud one, so 24 dB under its recent level by then: present, as the guard judges it
    assert max_block_gain_db(x, y, 128, FLOOR, CFG, rate=RATE) == pytest.approx(40.0, abs=1e-3)
    guard = SlotGuard(RATE, CFG)                                  # the guard's first strict judgement (at the
    first = next(s for s in range(0, x.shape[0] - 127, 128)       # default 18 dB limit) is the block that
                 if guard.check(y[s:s + 128], x[s:s + 128]) is not None)     # is first present
    assert first / RATE == pytest.approx(4.66, abs=0.01)          # the recent level 14 dB fallen: 54 - 40
    assert max_block_gain_db(x[:first], y[:first], 128, FLOOR, CFG, rate=RATE) == pytest.approx(0.0, abs=1e-4)
    assert max_block_gain_db(x[:first + 128], y[:first + 128], 128, FLOOR, CFG, rate=RATE) == pytest.approx(
        40.0, abs=1e-3)

"""Fortieth stop (audio QA): a pack measured at 0 dB gain on load that added a full-scale buzz played it alone for
2 s after the input stopped (a tail was judged against the 18 dB floor of the gain limit).  A tail is judged against
the effect's measured gain (plus the margin, at least 6 dB): the buzz is caught at the input's stop, a reverb's tail
at the level it played at still passes."""
from __future__ import annotations

import math

import numpy as np

from device.audio.protect import RUNAWAY, ProtectConfig, SlotGuard, db_to_lin, gain_limit_db, tail_limit_db

RATE, BLOCK = 48000, 128


def run(out: np.ndarray, inp: np.ndarray, measured_db: float) -> tuple[str | None, float]:
    """The first fault of a guard given the limits measured at ``measured_db``, and when (s)."""
    guard = SlotGuard(RATE)
    gain, tail = db_to_lin(gain_limit_db(measured_db)), db_to_lin(tail_limit_db(measured_db))
    for s in range(0, out.shape[0], BLOCK):
        fault = guard.check(out[s:s + BLOCK], inp[s:s + BLOCK], gain, tail_max=tail)
        if fault:
            return fault, s / RATE
    return None, math.inf


def sine_then_silence(seconds: float = 4.0, stop: float = 2.0) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    return (0.5 * np.sin(2 * np.pi * 220 * t) * (t < stop)).astype(np.float32)


def test_a_buzz_a_clean_pack_adds_is_caught_when_the_input_stops() -> None:
    inp = sine_then_silence()
    t = np.arange(inp.shape[0]) / RATE
    buzz = (1.5 * np.sign(np.sin(2 * np.pi * 375 * t)) * (t > 1.0)).astype(np.float32)
    fault, at = run(inp + buzz, inp, measured_db=0.0)
    assert fault == RUNAWAY and 2.0 <= at < 2.01                 # at the input's stop (was 2 s later)


def test_a_reverb_tail_at_its_playing_level_still_passes() -> None:
    inp = sine_then_silence()
    t = np.arange(inp.shape[0]) / RATE
    noise = np.random.default_rng(0).uniform(-1, 1, inp.shape[0]) * math.sqrt(3) * db_to_lin(-9.0)
    tail = (noise * np.where(t < 2.0, 1.0, 10 ** (-3.0 * (t - 2.0) / 4.0))).astype(np.float32)  # RT60 4 s
    assert run(inp * np.float32(0.7) + tail, inp, measured_db=0.0) == (None, math.inf)


def test_the_tail_limit_lies_between_its_floor_and_the_gain_limit() -> None:
    c = ProtectConfig()
    assert tail_limit_db(-20.0) == c.tail_min_db and tail_limit_db(0.0) == 6.0
    assert tail_limit_db(30.0) == gain_limit_db(30.0) == 36.0 and tail_limit_db(60.0) == c.gain_cap_db

"""The slot guard tells a reverb's or delay's tail from a runaway (p20), and checks a block allocating nothing.

Before p20 an effect's output louder than -24 dBFS RMS on a quiet input was a ``runaway`` at once, so a reverb
or delay pack's tail after the musician stopped playing was bypassed as a fault in its first block.  Now a tail
passes while it stays within the gain limit of the input's recent level, for at most ``tail_s`` on end, and
does not keep rising (device/audio/protect.py); an output with no loud input before it is still caught at once.

The stand-in units: an exponentially decaying noise tail (RT60 3 s and 8 s, from 0 dBFS RMS), a delay's
echoes, a feedback runaway (its output growing) and a stuck unit (a constant loud tone for ever), each
after 1 s of full-scale input that then stops (exact silence, or a -70 dBFS noise floor)."""
from __future__ import annotations

import math

import numpy as np
import pytest

from device.audio.engine import Engine, EngineConfig
from device.audio.protect import NONFINITE, RUNAWAY, ProtectConfig, SlotGuard
from tests.engine.helpers import peak_bytes

RATE, BLOCK = 48000, 128
PLAYED_S = 1.0


def _noise(seconds: float, seed: int) -> np.ndarray:
    """Uniform noise at 0 dBFS RMS (peak +4.8 dBFS, under the guard's +12 dBFS peak) [N] float64."""
    return np.random.default_rng(seed).uniform(-1.0, 1.0, int(seconds * RATE)) * math.sqrt(3.0)


def _t(seconds: float) -> np.ndarray:
    return np.arange(int(seconds * RATE)) / RATE


def reverb_tail(rt60_s: float, seconds: float = 14.0) -> np.ndarray:
    """Noise from 0 dBFS RMS, falling 60 dB per ``rt60_s``."""
    return _noise(seconds, 1) * 10.0 ** (-3.0 * _t(seconds) / rt60_s)


def delay_echoes(period_s: float, seconds: float = 14.0) -> np.ndarray:
    """80 ms bursts at 0 dBFS RMS every ``period_s``, each 0.6 times the one before (feedback 0.6)."""
    t = _t(seconds)
    return _noise(seconds, 2) * (np.mod(t, period_s) < 0.08) * 0.6 ** np.floor(t / period_s)


def feedback(db_per_s: float, seconds: float = 14.0) -> np.ndarray:
    """Noise from -30 dBFS RMS growing ``db_per_s``."""
    return _noise(seconds, 3) * 10.0 ** ((-30.0 + db_per_s * _t(seconds)) / 20.0)


def stuck(db: float, seconds: float = 14.0) -> np.ndarray:
    """A 440 Hz sine at ``db`` dBFS RMS, for ever."""
    return math.sqrt(2.0) * 10.0 ** (db / 20.0) * np.sin(2 * np.pi * 440.0 * _t(seconds))


def _rms_db(x: np.ndarray) -> float:
    return 20.0 * math.log10(max(float(np.sqrt(np.mean(x.astype(np.float64) ** 2))), 1e-9))


def after_input_stops(after: np.ndarray, floor: float = 0.0) -> tuple[float, str, float] | None:
    """Run a fresh guard over 1 s of a unit passing full-scale noise (output = input), then ``after`` [N] as the
    output while the input is silent (``floor``: the input's noise RMS, linear).  The first fault as
    (seconds after the input stopped, reason, that block's output RMS dBFS), else None."""
    guard = SlotGuard(RATE)
    played = np.random.default_rng(4).uniform(-1.0, 1.0, int(PLAYED_S * RATE)).astype(np.float32)
    for s in range(0, played.shape[0], BLOCK):
        assert guard.check(played[s:s + BLOCK], played[s:s + BLOCK]) is None
    out = after.astype(np.float32)
    inp = (np.random.default_rng(5).standard_normal(out.shape[0]) * floor).astype(np.float32)
    for s in range(0, out.shape[0], BLOCK):
        reason = guard.check(out[s:s + BLOCK], inp[s:s + BLOCK])
        if reason:
            return s / RATE, reason, _rms_db(out[s:s + BLOCK])
    return None


@pytest.mark.parametrize("floor", [0.0, 10 ** (-70 / 20)])
@pytest.mark.parametrize("rt60_s", [3.0, 8.0])
def test_a_reverb_tail_after_the_input_stops_is_no_fault(rt60_s: float, floor: float) -> None:
    # the bug: runaway in the tail's first block (0.00 s), the reverb bypassed as a fault
    assert after_input_stops(reverb_tail(rt60_s), floor) is None


@pytest.mark.parametrize("period_s", [0.25, 0.4, 1.5])
def test_a_delays_echoes_after_the_input_stops_are_no_fault(period_s: float) -> None:
    assert after_input_stops(delay_echoes(period_s)) is None


@pytest.mark.parametrize("db_per_s", [2.0, 6.0, 12.0])
def test_a_feedback_runaway_after_the_input_stops_is_caught_as_it_grows(db_per_s: float) -> None:
    """Caught as a runaway once it has risen for ``tail_rise_s`` (2 s) on end by more than 6 dB: within 5 s of
    passing the -24 dBFS floor and before the +12 dBFS peak rule would (+7.2 dBFS RMS for this noise).  Not
    sooner: a delay's echo of a volume swell rises for as long as the swell did."""
    got = after_input_stops(feedback(db_per_s))
    assert got is not None and got[1] == RUNAWAY, got
    when, _, level = got
    passed_floor = (-24.0 + 30.0) / db_per_s
    assert when - passed_floor < 5.0 and level < 6.0, got


@pytest.mark.parametrize("db", [0.0, -6.0, -20.0])
def test_a_unit_stuck_on_a_loud_tone_after_the_input_stops_is_caught(db: float) -> None:
    """A constant tone cannot be told from a tail at first; it is a runaway once the input's recent level no
    longer leaves it (sooner the louder it is) and at the latest after ``tail_s`` (10 s) on end."""
    got = after_input_stops(stuck(db))
    assert got is not None and got[1] == RUNAWAY, got
    assert 2.0 < got[0] <= ProtectConfig().tail_s + BLOCK / RATE, got
    assert got[0] <= after_input_stops(stuck(-20.0))[0]                      # type: ignore[index]


def test_loud_output_with_no_loud_input_before_it_is_still_caught_in_its_first_block() -> None:
    """A self-oscillating model, or +46 dB on a quiet input: nothing louder came in that the output could be the
    tail of.  Also long after a loud input, once its recent level has fallen away (60 dB per 20 s)."""
    quiet, loud = np.full(BLOCK, 0.002, np.float32), np.full(BLOCK, 0.4, np.float32)
    assert SlotGuard(RATE).check(loud, quiet) == RUNAWAY
    assert SlotGuard(RATE).check(loud, np.zeros(BLOCK, np.float32)) == RUNAWAY
    guard, silence = SlotGuard(RATE), np.zeros(BLOCK, np.float32)
    full = np.full(BLOCK, 0.9, np.float32)
    assert guard.check(full, full) is None
    for _ in range(int(30 * RATE / BLOCK)):                                  # 30 s of silence in and out
        assert guard.check(silence, silence) is None
    assert guard.check(loud, silence) == RUNAWAY


def test_an_output_over_its_limit_while_the_input_still_sounds_is_no_tail() -> None:
    """A drive 24 dB over a pluck's decay (20-30 dB under its attack) is over an 18 dB limit with the input
    still there: a runaway as before (tests/engine/test_gain_calibration.py); not so once it is silent."""
    attack = np.full(BLOCK, 0.3, np.float32)
    decay, out = attack * 10 ** (-25 / 20), attack * 10 ** (-1 / 20)
    guard = SlotGuard(RATE)
    assert guard.check(attack, attack) is None
    assert guard.check(out, decay) == RUNAWAY
    guard = SlotGuard(RATE)
    assert guard.check(attack, attack) is None
    assert guard.check(out, attack * 10 ** (-45 / 20)) is None


def test_a_tail_ends_with_the_input_so_the_next_tail_gets_its_full_time() -> None:
    """Playing again (an output its input allows) ends the run: a musician who plays and stops every 6 s
    through a long reverb never has it bypassed."""
    guard = SlotGuard(RATE)
    played = np.random.default_rng(6).uniform(-1.0, 1.0, RATE // 2).astype(np.float32)
    tail = reverb_tail(20.0, 6.0).astype(np.float32)
    silence = np.zeros(BLOCK, np.float32)
    for _ in range(4):
        for s in range(0, played.shape[0], BLOCK):
            assert guard.check(played[s:s + BLOCK], played[s:s + BLOCK]) is None
        for s in range(0, tail.shape[0], BLOCK):
            assert guard.check(tail[s:s + BLOCK], silence[:tail[s:s + BLOCK].shape[0]]) is None


class ReverbLike:
    """A stand-in effect: the dry input while it plays, then ``tail`` [N] once the input is silent."""

    faults = 0

    def __init__(self, tail: np.ndarray) -> None:
        self.tail, self.pos = tail.astype(np.float32), 0

    def process(self, x: np.ndarray) -> np.ndarray:
        if np.any(x):
            self.pos = 0
            return x.copy()
        y = np.zeros_like(x)
        take = self.tail[self.pos:self.pos + x.shape[0]]
        y[:take.shape[0]] = take
        self.pos += x.shape[0]
        return y

    def reset(self) -> None:
        self.pos = 0


@pytest.mark.parametrize("tail, fault", [(reverb_tail(8.0, 12.0), None), (stuck(-6.0, 12.0), RUNAWAY)])
def test_the_engine_keeps_a_reverb_playing_through_its_tail_and_bypasses_a_stuck_unit(
        tail: np.ndarray, fault: str | None) -> None:
    engine = Engine(EngineConfig(rate=RATE, block=BLOCK, xfade_s=0.0))
    engine.install("effect", ReverbLike(tail), {"name": "Hall"})
    played = np.random.default_rng(7).uniform(-0.9, 0.9, RATE).astype(np.float32)
    x = np.concatenate([played, np.zeros(tail.shape[0], np.float32)])
    y = np.zeros_like(x)
    for s in range(0, x.shape[0], BLOCK):
        engine.process(x[s:s + BLOCK], y[s:s + BLOCK])
    st = engine.status()
    assert [f["reason"] for f in st["faults"]] == ([] if fault is None else [fault])
    assert st["bypassed"]["effect"] == (fault is not None)
    if fault is None:
        assert _rms_db(y[RATE + RATE // 2:RATE + RATE]) > -20.0                # the tail is heard


# ----------------------------------------------------------------------------- a block allocates nothing
def _check_before_p20(out: np.ndarray) -> str | None:
    """The nonfinite/peak part of SlotGuard.check before p20, verbatim."""
    peak = float(np.max(np.abs(out)))
    if not math.isfinite(peak):
        return NONFINITE
    if peak > SlotGuard(RATE).peak_max:
        return RUNAWAY
    return None


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf, 5.0, -5.0, 3.98, -3.99])
@pytest.mark.parametrize("at", [0, 77, 127])
def test_nonfinite_and_peak_reasons_are_as_before(bad: float, at: int) -> None:
    x = (np.random.default_rng(at).standard_normal(BLOCK) * 0.1).astype(np.float32)
    x[at] = bad
    assert SlotGuard(RATE).check(x, dc=False) == _check_before_p20(x)
    both = x.copy()
    both[(at + 5) % BLOCK] = np.nan
    assert SlotGuard(RATE).check(both, x) == NONFINITE


def test_check_allocates_nothing_per_block() -> None:
    """What a check costs does not grow with the block (the guard held 4 bytes a sample before p20: |out|)."""
    peaks = {}
    for block in [64, 128, 1024, 8192]:
        x = (np.random.default_rng(block).standard_normal(block) * 0.1).astype(np.float32)
        guard = SlotGuard(RATE)
        peaks[block] = peak_bytes(lambda: (guard.check(x, x), guard.check(x)))
    assert max(peaks.values()) < 4 * 1024, peaks
    assert max(peaks.values()) - min(peaks.values()) < 1024, peaks

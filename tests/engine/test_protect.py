"""The protective output stage and the slot guards (pure numpy)."""
from __future__ import annotations

import numpy as np
import pytest

from device.audio.protect import (DC, NONFINITE, RUNAWAY, OutputStage, ProtectConfig, SlotGuard, _envelope,
                                  db_to_lin, gain_limit_db, max_block_gain_db)

from tests.engine.helpers import RATE, tone


def test_limiter_keeps_every_sample_under_the_ceiling() -> None:
    stage = OutputStage(RATE)
    x = tone(0.5, amp=8.0)
    for s in range(0, x.shape[0], 128):
        stage.process(x[s:s + 128])
    assert np.max(np.abs(x)) <= stage.ceiling + 1e-6
    assert np.max(np.abs(x)) > 0.8 * stage.ceiling          # limited, not muted


def test_quiet_signal_passes_unchanged_after_the_dc_tracker_settles() -> None:
    stage = OutputStage(RATE)
    x = tone(1.0, amp=0.25)
    y = x.copy()
    for s in range(0, y.shape[0], 128):
        stage.process(y[s:s + 128])
    assert np.max(np.abs(y[RATE // 2:] - x[RATE // 2:])) < 5e-3


def test_nan_and_inf_become_silence() -> None:
    x = np.array([0.1, np.nan, np.inf, -np.inf, 0.2], np.float32)
    OutputStage(RATE).process(x)
    assert np.all(np.isfinite(x)) and abs(x[1]) < 1e-3 and abs(x[3]) < 1e-3


def test_dc_is_removed() -> None:
    stage = OutputStage(RATE)
    x = np.full(RATE, 0.5, np.float32)
    for s in range(0, x.shape[0], 128):
        stage.process(x[s:s + 128])
    assert abs(float(np.mean(x[-4800:]))) < 1e-3


@pytest.mark.parametrize("rel", [0.9, 0.999])
def test_envelope_matches_the_recursion(rel: float) -> None:
    mag = np.abs(np.random.default_rng(1).standard_normal(1000))
    want, e = np.empty_like(mag), 0.3
    for i, m in enumerate(mag):
        e = max(m, e * rel)
        want[i] = e
    assert np.allclose(_envelope(mag, 0.3, rel), want)


def test_guard_reasons() -> None:
    g = SlotGuard(RATE)
    x = tone(0.01, amp=0.1)
    assert g.check(x, x) is None
    assert g.check(np.where(np.arange(x.size) == 3, np.nan, x).astype(np.float32), x) == NONFINITE
    assert g.check(x * 10.0, x) == RUNAWAY                       # +20 dB
    assert g.check(np.full(128, 5.0, np.float32)) == RUNAWAY     # +14 dBFS peak
    assert g.check(x * 10.0, x, gain_max=db_to_lin(26.0)) is None  # within a measured limit
    assert g.check(x * 30.0, x, gain_max=db_to_lin(26.0)) == RUNAWAY


def test_block_gain_is_measured_where_the_output_is_above_the_floor() -> None:
    x = np.concatenate([np.full(128, 0.1), np.full(128, 0.001), np.full(128, 0.01)]).astype(np.float32)
    y = x * np.repeat([4.0, 100.0, 10.0], 128).astype(np.float32)     # +12 dB, +40 dB (quiet), +20 dB
    floor = db_to_lin(-24.0)                                           # 0.063: the second block's 0.1 is louder
    assert max_block_gain_db(x, y, 128, floor) == pytest.approx(40.0)
    assert max_block_gain_db(x, y, 128, 0.2) == pytest.approx(20 * np.log10(4.0))   # only the first block's 0.4 counts
    assert max_block_gain_db(x, y, 128, 1.0) == -np.inf
    assert max_block_gain_db(x[:300], y[:300], 128, floor) == pytest.approx(40.0)   # partial block dropped


def test_gain_limit_is_the_measured_gain_plus_margin_between_the_default_and_the_cap() -> None:
    cfg = ProtectConfig()
    assert gain_limit_db(-np.inf, cfg) == cfg.gain_max_db == 18.0
    assert gain_limit_db(5.0, cfg) == 18.0
    assert gain_limit_db(20.3, cfg) == pytest.approx(26.3)
    assert gain_limit_db(60.0, cfg) == cfg.gain_cap_db == 40.0
    dc = SlotGuard(RATE, ProtectConfig(dc_max=0.2))
    reasons = [dc.check(np.full(128, 0.5, np.float32)) for _ in range(100)]
    assert DC in reasons and reasons[0] is None


def test_dc_blocker_is_a_first_order_highpass() -> None:
    from device.audio.protect import _one_pole_lowpass
    x = np.random.default_rng(2).standard_normal(700).astype(np.float32)
    want, m = np.empty(700), 0.1
    for i, v in enumerate(x):
        m = 0.99 * m + 0.01 * float(v)
        want[i] = m
    assert np.allclose(_one_pole_lowpass(x, 0.1, 0.99), want, atol=1e-9)

"""The output stage's output has no DC even while its limiter works, and never passes the ceiling (p58 QA Q1,
finding 3: the DC blocker ran before the limiter, which cut the taller half of an uneven wave more and so added DC
after the blocker: -52 dBFS on a loud sine through the drive, -37 dBFS on a +6 dBFS square)."""
from __future__ import annotations

import numpy as np
import pytest

from device.audio.protect import DcBlocker, OutputStage, ProtectConfig

from tests.engine.helpers import RATE, max_step, peak_bytes

CEILING = ProtectConfig().ceiling
T = np.arange(4 * RATE) / RATE


def _uneven(freq: float, amp: float) -> np.ndarray:
    """[4 s] a DC-free wave whose positive peaks are taller than its negative ones (a driven sine), peak ``amp``."""
    s = np.sin(2 * np.pi * freq * T)
    w = s + 0.6 * s ** 2 * np.sign(s + 1.0)
    w -= w.mean()
    return amp * w / np.abs(w).max()


def _pulse(freq: float, amp: float, duty: float = 0.3) -> np.ndarray:
    """[4 s] a DC-free pulse wave (+``amp`` for ``duty`` of each period, the rest below zero)."""
    w = np.where((T * freq) % 1.0 < duty, 1.0, -duty / (1.0 - duty))
    return amp * w


SIGNALS = {"uneven 110 Hz at +6 dBFS": _uneven(110.0, 2.0), "uneven 55 Hz at +12 dBFS": _uneven(55.0, 4.0),
           "pulse 100 Hz at +6 dBFS": _pulse(100.0, 2.0), "pulse 40 Hz at +10 dBFS": _pulse(40.0, 3.0)}


def _run(x: np.ndarray, block: int = 128, stage: OutputStage | None = None) -> np.ndarray:
    """``x`` [N] through an output stage in blocks of ``block`` samples -> [N] float64."""
    stage = stage or OutputStage(RATE)
    y = x.astype(np.float32).copy()
    for s in range(0, y.shape[0], block):
        stage.process(y[s:s + block])
    return y.astype(np.float64)


@pytest.mark.parametrize("name", SIGNALS)
def test_a_limited_uneven_wave_comes_out_with_no_dc(name: str) -> None:
    """Before: means of -0.0034 (-49 dBFS) to -0.045 (-27 dBFS) over whole seconds."""
    y = _run(SIGNALS[name])
    for a, b in [(2.0, 3.0), (3.0, 4.0)]:
        assert abs(y[int(a * RATE):int(b * RATE)].mean()) < 2e-4, (a, b)      # under -74 dBFS
    assert np.abs(y).max() <= CEILING and np.abs(y[RATE:]).max() > 0.88         # limited to the ceiling, not under it


@pytest.mark.parametrize("block", [64, 333, 1024])
def test_no_dc_at_other_block_sizes_and_the_ceiling_holds(block: int) -> None:
    y = _run(SIGNALS["pulse 100 Hz at +6 dBFS"], block)
    assert abs(y[2 * RATE:].mean()) < 2e-4 and np.abs(y).max() <= CEILING


def test_the_ceiling_holds_through_level_jumps_offsets_and_stops() -> None:
    """The DC correction comes before the limiter: whatever it is, the limiter and the clip still end the chain."""
    rng = np.random.default_rng(5)
    x = _pulse(40.0, 20.0, 0.1) * (T < 1.0) + _uneven(55.0, 6.0) * ((T >= 1.2) & (T < 2.0))
    x += rng.uniform(-1.0, 1.0, T.shape[0]) * (T >= 2.5) * 3.0 + 0.7 * (T >= 3.0)
    for block in (64, 128, 333):
        y = _run(x, block)
        assert np.all(np.isfinite(y)) and np.abs(y).max() <= CEILING


def test_under_the_ceiling_the_stage_is_the_dc_blocker_alone() -> None:
    """Nothing changes for what the limiter leaves alone: bit for bit the 2 Hz DC blocker's output."""
    x = (0.5 * np.sin(2 * np.pi * 220.0 * T) + 0.3 * (T > 1.0)).astype(np.float32)
    want = DcBlocker(RATE, ProtectConfig().dc_cutoff_hz).process(x.copy())
    np.testing.assert_array_equal(_run(x).astype(np.float32), want)


def test_after_a_limited_burst_the_correction_fades_out_without_a_step() -> None:
    """The burst ends; the correction that took its DC out glides away (no step of its own), and the stage is then
    the DC blocker alone again."""
    x = (_pulse(40.0, 3.0) * (T < 1.0) + 0.2 * np.sin(2 * np.pi * 220.0 * T)).astype(np.float32)
    stage = OutputStage(RATE)
    y = _run(x, stage=stage)
    end = RATE + 960                                                     # 20 ms after the burst
    assert max_step(y[end:end + RATE // 2]) <= max_step(0.2 * np.sin(2 * np.pi * 220.0 * T[:4800])) * 1.1
    blocker = DcBlocker(RATE, ProtectConfig().dc_cutoff_hz)
    blocker.reset(stage.dc)
    tail = x[-RATE // 2:].copy()
    np.testing.assert_allclose(_run(tail, stage=stage), blocker.process(tail.copy()), atol=1e-6)


def test_the_stage_still_allocates_nothing_per_block_while_it_limits() -> None:
    x = SIGNALS["pulse 40 Hz at +10 dBFS"].astype(np.float32)
    stage = OutputStage(RATE)
    _run(x[:RATE], stage=stage)                                          # limiting, the correction under way
    peaks = {}
    for block in [64, 128, 1024, 8192]:
        src = x[RATE:RATE + block]
        y = src.copy()
        peaks[block] = peak_bytes(lambda: (np.copyto(y, src), stage.process(y)))
    assert max(peaks.values()) < 4 * 1024 and max(peaks.values()) - min(peaks.values()) < 1024, peaks

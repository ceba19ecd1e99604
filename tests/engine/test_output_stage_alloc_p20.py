"""The output stage allocates nothing per block (p20): OutputStage.process (DC blocker, limiter, clip) runs on
buffers it made at construction, and its output is bit for bit what the stage before p20 made (a verbatim copy
below) on a DC step, a full-scale 20 Hz sine, silence, a loud burst and a block holding NaN/inf, in blocks of
64, 128, 333 and 1024 samples; a block longer than its buffers is taken in pieces, with the same output.  The
comparisons run with the limiter's DC trim (p58) off, ``limiter_dc_s`` 0: it changes what a limited block makes
(tests/engine/test_p58_F6_output_dc.py), not the DC blocker, the limiter or the clip compared here."""
from __future__ import annotations

import math

import numpy as np
import pytest

from device.audio.limiter import PeakLimiter
from device.audio.protect import OutputStage, ProtectConfig, _float32_at_most
from tests.engine.helpers import peak_bytes

RATE = 48000
BLOCKS = [64, 128, 333, 1024]
UNTRIMMED = ProtectConfig(limiter_dc_s=0.0)       # the stage with the limiter's DC trim off (p58)


# ----------------------------------------------------------------------------- the stage before p20, verbatim
_POWERS: dict[tuple[float, int], np.ndarray] = {}


def _powers(r: float, n: int) -> np.ndarray:
    key = (r, n)
    p = _POWERS.get(key)
    if p is None:
        p = r ** np.arange(1, n + 1, dtype=np.float64)
        if len(_POWERS) < 64:
            _POWERS[key] = p
    return p


def _old_one_pole_lowpass(x: np.ndarray, start: float, r: float) -> np.ndarray:
    out = np.empty(x.shape[0], np.float64)
    for s in range(0, x.shape[0], 256):
        seg = x[s:s + 256]
        p = _powers(r, seg.shape[0])
        acc = np.cumsum(seg / p)
        acc *= 1.0 - r
        acc += start
        acc *= p
        out[s:s + seg.shape[0]] = acc
        start = float(acc[-1])
    return out


class OldOutputStage:
    """protect.OutputStage.process before p20 (its own DC blocker, the shared limiter, the clip)."""

    def __init__(self, rate: int, config: ProtectConfig = ProtectConfig()) -> None:
        self.ceiling = config.ceiling
        self._clip = float(_float32_at_most(self.ceiling))
        self.limiter = PeakLimiter(rate, self.ceiling, config.release_s)
        self.dc_pole = math.exp(-2.0 * math.pi * config.dc_cutoff_hz / rate)
        self.dc = self.peak = 0.0

    def process(self, x: np.ndarray) -> np.ndarray:
        if x.shape[0] == 0:
            return x
        mean = _old_one_pole_lowpass(x, self.dc, self.dc_pole)
        if not math.isfinite(float(mean[-1])):
            np.nan_to_num(x, copy=False, nan=0.0, posinf=0.0, neginf=0.0)
            mean = _old_one_pole_lowpass(x, self.dc, self.dc_pole)
        self.dc = float(mean[-1])
        x -= mean.astype(np.float32)
        peak = float(np.max(np.abs(x)))
        if not self.limiter.process(x, peak):
            self.peak = peak
            return x
        np.clip(x, -self._clip, self._clip, out=x)
        self.peak = min(peak, self._clip)
        return x


# ----------------------------------------------------------------------------- signals
def _signals() -> dict[str, np.ndarray]:
    """Half a second [N] float32 each: a DC step (0.5 from 0.1 s, under a quiet tone), a full-scale 20 Hz sine,
    silence, a loud burst (noise at 4x full scale, then quiet), and a tone with NaN/inf samples in it."""
    rng = np.random.default_rng(11)
    t = np.arange(RATE // 2) / RATE
    tone = 0.2 * np.sin(2 * np.pi * 440.0 * t)
    burst = np.zeros(t.shape[0])
    burst[3000:3000 + 4000] = rng.standard_normal(4000) * 4.0
    faulty = tone.copy()
    faulty[[500, 5001, 9000]] = (np.nan, np.inf, -np.inf)
    return {name: x.astype(np.float32) for name, x in
            (("dc_step", tone + 0.5 * (t >= 0.1)), ("sine_20hz", np.sin(2 * np.pi * 20.0 * t)),
             ("silence", np.zeros(t.shape[0])), ("burst", burst + 0.1 * tone), ("nonfinite", faulty))}


def _run(stage: object, x: np.ndarray, block: int) -> tuple[np.ndarray, list[float]]:
    y, peaks = x.copy(), []
    for s in range(0, y.shape[0], block):
        stage.process(y[s:s + block])                                 # type: ignore[attr-defined]
        peaks.append(stage.peak)                                      # type: ignore[attr-defined]
    return y, peaks


@pytest.mark.parametrize("block", BLOCKS)
@pytest.mark.parametrize("name", ["dc_step", "sine_20hz", "silence", "burst", "nonfinite"])
def test_it_makes_what_the_old_stage_made_bit_for_bit(name: str, block: int) -> None:
    x = _signals()[name]
    old, new = OldOutputStage(RATE), OutputStage(RATE, UNTRIMMED)
    (want, want_peaks), (got, got_peaks) = _run(old, x, block), _run(new, x, block)
    np.testing.assert_array_equal(got, want)
    assert got_peaks == want_peaks and new.dc == old.dc
    assert (new.env, new.gain_min) == (old.limiter.env, old.limiter.gain_min)
    assert np.all(np.isfinite(got)) and np.abs(got).max() <= ProtectConfig().ceiling


@pytest.mark.parametrize("name", ["dc_step", "burst", "nonfinite"])
def test_a_block_longer_than_its_buffers_goes_in_pieces(name: str) -> None:
    x = _signals()[name]
    old, new = OldOutputStage(RATE), OutputStage(RATE, UNTRIMMED, max_block=512)
    (want, want_peaks), (got, got_peaks) = _run(old, x, 2000), _run(new, x, 2000)
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(got_peaks, want_peaks, rtol=1e-6, atol=1e-7)
    assert new.dc == pytest.approx(old.dc, rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("name", ["dc_step", "burst", "nonfinite"])
def test_process_allocates_nothing_per_block(name: str) -> None:
    """What a block costs does not grow with its length: only Python's own small objects (~1-2 kB), never a
    numpy temporary (the old stage held ~12 bytes a sample: 100 kB for 8192)."""
    x = _signals()[name]
    stage = OutputStage(RATE)
    peaks = {}
    for block in [64, 128, 333, 1024, 8192]:
        at = {"dc_step": 4790, "burst": 3000, "nonfinite": 4990}[name]      # the step, the burst, the inf
        src = x[at:at + block]
        assert name != "burst" or np.abs(src).max() > 1.0                # (the limiter runs)
        y = src.copy()
        peaks[block] = peak_bytes(lambda: (np.copyto(y, src), stage.process(y)))
    assert max(peaks.values()) < 4 * 1024, peaks                       # under one float32 block of 1024
    assert max(peaks.values()) - min(peaks.values()) < 1024, peaks      # nothing per sample

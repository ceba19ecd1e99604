"""One peak limiter (p20): device/audio/limiter.PeakLimiter is what the output stage and the sampler's bus
both run, and each keeps its behaviour: checked against verbatim copies of the two limiters it replaced
(protect.OutputStage._limit and sampler.Limiter) on a loud burst, a sine above the ceiling and a burst
followed by quiet signal (the release), in several block sizes; it allocates nothing per block."""
from __future__ import annotations

import math
import tracemalloc

import numpy as np
import pytest

from device.audio import sampler as sampler_mod
from device.audio.limiter import PeakLimiter, envelope
from device.audio.protect import OutputStage, ProtectConfig, _float32_at_most, _one_pole_lowpass
from device.audio.sampler import SamplerSource

RATE = 48000


# ----------------------------------------------------------------------------- the two old limiters, verbatim
class OldSamplerLimiter:
    """sampler.Limiter before p20."""

    def __init__(self, rate: int, ceiling: float = 2.0, release_s: float = 0.2) -> None:
        self.ceiling = float(ceiling)
        self.rel = math.exp(-1.0 / (max(release_s, 1e-4) * rate))
        k = np.arange(8192, dtype=np.float64)
        self._up = (self.rel ** k).astype(np.float32)
        self._down = (self.rel ** -k).astype(np.float32)
        self._env = np.zeros(8192, np.float32)
        self.env = 0.0
        self.gain_min = 1.0

    def process(self, x: np.ndarray) -> None:
        n = x.shape[0]
        if n == 0:
            return
        if self.env <= self.ceiling and max(float(x.max()), -float(x.min())) <= self.ceiling:
            self.env *= self.rel ** n
            return
        e = self._env[:n]
        np.abs(x, out=e)
        e *= self._down[:n]
        np.maximum.accumulate(e, out=e)
        np.maximum(e, self.env * self.rel, out=e)
        e *= self._up[:n]
        self.env = float(e[n - 1])
        np.maximum(e, self.ceiling, out=e)
        np.divide(self.ceiling, e, out=e)
        self.gain_min = min(self.gain_min, float(e.min()))
        x *= e


def _old_envelope(mag: np.ndarray, start: float, rel: float) -> np.ndarray:
    out = np.empty(mag.shape[0], np.float64)
    chunk = max(1, int(min(256, 30.0 / max(-math.log(rel), 1e-9))))
    for s in range(0, mag.shape[0], chunk):
        seg = mag[s:s + chunk].astype(np.float64)
        p = rel ** np.arange(seg.shape[0], dtype=np.float64)
        acc = np.maximum.accumulate(seg / p)
        out[s:s + seg.shape[0]] = np.maximum(acc, start * rel) * p
        start = float(out[s + seg.shape[0] - 1])
    return out


class OldOutputStage:
    """protect.OutputStage before p20 (its DC blocker, limiter and clip)."""

    def __init__(self, rate: int, config: ProtectConfig = ProtectConfig()) -> None:
        self.ceiling = config.ceiling
        self._clip = float(_float32_at_most(self.ceiling))
        self.rel = math.exp(-1.0 / (max(config.release_s, 1e-4) * rate))
        self.dc_pole = math.exp(-2.0 * math.pi * config.dc_cutoff_hz / rate)
        self.env = self.dc = self.peak = 0.0
        self.gain_min = 1.0

    def process(self, x: np.ndarray) -> np.ndarray:
        if x.shape[0] == 0:
            return x
        mean = _one_pole_lowpass(x, self.dc, self.dc_pole)
        if not math.isfinite(float(mean[-1])):
            np.nan_to_num(x, copy=False, nan=0.0, posinf=0.0, neginf=0.0)
            mean = _one_pole_lowpass(x, self.dc, self.dc_pole)
        self.dc = float(mean[-1])
        x -= mean.astype(np.float32)
        peak = float(np.max(np.abs(x)))
        if self.env <= self.ceiling and peak <= self._clip:
            self.env *= self.rel ** x.shape[0]
            self.peak = peak
            return x
        env = _old_envelope(np.abs(x), self.env, self.rel)
        self.env = float(env[-1])
        gain = np.minimum(1.0, self.ceiling / np.maximum(env, 1e-12))
        self.gain_min = min(self.gain_min, float(gain.min()))
        x *= gain.astype(np.float32)
        np.clip(x, -self._clip, self._clip, out=x)
        self.peak = min(peak, self._clip)
        return x


# ----------------------------------------------------------------------------- signals
def _signals(level: float) -> dict[str, np.ndarray]:
    """Test signals [N] float32 around a ceiling ``level``: a loud burst, a sine above the ceiling, a burst
    then quiet signal (the release heard), and a burst then silence."""
    rng = np.random.default_rng(7)
    t = np.arange(int(0.6 * RATE)) / RATE
    burst = np.zeros(t.shape[0])
    burst[2000:2000 + 2400] = rng.standard_normal(2400) * 4.0 * level
    sine = 2.5 * level * np.sin(2 * np.pi * 60.0 * t) * np.minimum(1.0, t / 0.05)
    release = burst + 0.6 * level * np.sin(2 * np.pi * 220.0 * t) * (t > 0.1)
    return {name: x.astype(np.float32) for name, x in
            (("burst", burst), ("sine", sine), ("release", release), ("silence_after", burst))}


def _run(unit: object, x: np.ndarray, block: int) -> np.ndarray:
    y = x.copy()
    for s in range(0, y.shape[0], block):
        unit.process(y[s:s + block])                                  # type: ignore[attr-defined]
    return y


@pytest.mark.parametrize("block", [128, 1000, 8192])
@pytest.mark.parametrize("name", ["burst", "sine", "release", "silence_after"])
def test_the_sampler_limiter_behaves_as_it_did(name: str, block: int) -> None:
    x = _signals(sampler_mod.CEILING)[name]
    old, new = OldSamplerLimiter(RATE), sampler_mod.Limiter(RATE)
    want, got = _run(old, x, block), _run(new, x, block)
    assert np.abs(want).max() > 0.5                                   # a signal, not a silent comparison
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    assert new.gain_min == pytest.approx(old.gain_min, rel=1e-5)
    assert new.env == pytest.approx(old.env, rel=1e-4, abs=1e-9)      # the release state too
    assert np.abs(got).max() <= sampler_mod.CEILING * (1 + 1e-6)


@pytest.mark.parametrize("block", [1, 128, 4096])
@pytest.mark.parametrize("name", ["burst", "sine", "release", "silence_after"])
def test_the_output_stage_behaves_as_it_did(name: str, block: int) -> None:
    cfg = ProtectConfig()
    x = _signals(cfg.ceiling)[name]
    if block == 1:
        x = x[:6000]                                                  # a sample at a time: keep it quick
    untrimmed = ProtectConfig(limiter_dc_s=0.0)          # the limiter's DC trim off (p58 F6: test_p58_F6_output_dc)
    old, new = OldOutputStage(RATE, cfg), OutputStage(RATE, untrimmed)
    want, got = _run(old, x, block), _run(new, x, block)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    assert new.take_gain_reduction_db() == pytest.approx(-20 * math.log10(old.gain_min), abs=1e-4)
    assert new.env == pytest.approx(old.env, rel=1e-4, abs=1e-9)
    assert np.abs(got).max() <= cfg.ceiling


def test_both_callers_run_the_one_limiter() -> None:
    assert isinstance(SamplerSource(RATE).limiter, PeakLimiter)
    assert isinstance(OutputStage(RATE).limiter, PeakLimiter)
    assert not hasattr(OutputStage, "_limit")                         # no second copy left in protect.py
    lim = sampler_mod.Limiter(RATE)
    assert (lim.ceiling, lim.rel) == (sampler_mod.CEILING, math.exp(-1 / (sampler_mod.RELEASE_SECONDS * RATE)))


@pytest.mark.parametrize("rate,release_s,block", [(48000, 0.08, 8192), (8000, 0.2, 4096), (48000, 1e-4, 8192),
                                                  (44100, 0.05, 20000)])
def test_it_follows_the_envelope_recursion_at_any_release_and_block(rate: int, release_s: float,
                                                                    block: int) -> None:
    rng = np.random.default_rng(3)
    x = (rng.standard_normal(3 * block) * np.repeat(rng.uniform(0.1, 30.0, 3), block)).astype(np.float32)
    lim = PeakLimiter(rate, 1.0, release_s)
    y = _run(lim, x, block)
    r, env, want = lim.rel, 0.0, np.empty(x.shape[0], np.float64)
    for i, m in enumerate(np.abs(x).astype(np.float64)):             # the definition, a sample at a time
        env = max(m, env * r)
        want[i] = x[i] * np.float32(min(1.0, 1.0 / env) if env > 0 else 1.0)
    np.testing.assert_allclose(y, want, rtol=1e-5, atol=1e-6)
    assert np.all(np.isfinite(y)) and np.abs(y).max() <= 1.0 + 1e-6
    np.testing.assert_allclose(envelope(np.abs(x[:5000]), 0.5, r)[-1], _old_envelope(np.abs(x[:5000]), 0.5, r)[-1])


def test_process_allocates_nothing() -> None:
    block = 4096
    rng = np.random.default_rng(0)
    x = (rng.standard_normal(block) * 10).astype(np.float32)
    for lim in (sampler_mod.Limiter(RATE), PeakLimiter(RATE, ProtectConfig().ceiling, 0.08)):
        y = x.copy()
        lim.process(y)                                                # first-call costs
        tracemalloc.start()
        try:
            base = tracemalloc.get_traced_memory()[0]
            tracemalloc.reset_peak()
            for _ in range(5):
                np.copyto(y, x)
                assert lim.process(y)                                 # limiting, every block
            peak = tracemalloc.get_traced_memory()[1] - base
        finally:
            tracemalloc.stop()
        assert peak < 4 * block                                       # less than one float32 block

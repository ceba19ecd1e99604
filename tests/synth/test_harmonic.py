"""The numpy DSP (device) and its torch mirror (trainer) agree; wavetables equal the additive sum."""
from __future__ import annotations

import numpy as np
import torch

from device.audio import harmonic as dsp
from trainer.synth.model import HarmonicNoiseSynth, SynthConfig


def _amps(rng: np.random.Generator, frames: int, k: int, f0: float, cutoff: float) -> np.ndarray:
    return (rng.random((frames, k)) * 0.02 * dsp.harmonic_mask(np.full(frames, f0), k, cutoff)).astype(np.float32)


def test_wavetable_matches_additive_sum() -> None:
    rng = np.random.default_rng(1)
    hop, rate, f0, frames = 240, 48000, 261.6, 12
    amps = _amps(rng, frames + 1, 64, f0, 20000)
    ref = dsp.additive(amps, np.full(frames * hop, f0), hop, rate)
    tabs = dsp.wavetables(amps)
    alpha = (np.arange(hop) / hop).astype(np.float32)
    phase = (np.arange(frames * hop) * f0 / rate).reshape(frames, hop)
    got = np.concatenate([dsp.wavetable_read(tabs[j:j + 1], tabs[j + 1:j + 2], phase[j:j + 1], alpha)[0]
                          for j in range(frames)])
    assert np.max(np.abs(got - ref)) < 2e-3 * np.max(np.abs(ref))


def test_torch_harmonic_mirror_matches_numpy() -> None:
    cfg = SynthConfig()
    rng = np.random.default_rng(2)
    f0 = 196.0
    amps = _amps(rng, 21, cfg.n_harmonics, f0, cfg.cutoff)
    ref = dsp.additive(amps, np.full(20 * cfg.hop, f0), cfg.hop, cfg.rate)
    syn = HarmonicNoiseSynth(cfg)
    got = syn.harmonic(torch.from_numpy(amps)[None], torch.tensor([f0]), 0, 20 * cfg.hop)[0].numpy()
    np.testing.assert_allclose(got, ref, atol=1e-4)
    part = syn.harmonic(torch.from_numpy(amps)[None], torch.tensor([f0]), 5 * cfg.hop, 10 * cfg.hop)[0].numpy()
    np.testing.assert_allclose(part, ref[5 * cfg.hop:15 * cfg.hop], atol=1e-4)


def test_torch_noise_mirror_matches_numpy() -> None:
    cfg = SynthConfig()
    rng = np.random.default_rng(3)
    mags = rng.random((11, cfg.n_noise)).astype(np.float32)
    ph = dsp.random_phasors(rng, (11, cfg.hop + 1))
    bands = dsp.band_matrix(cfg.n_noise, 2 * cfg.hop, cfg.rate, cfg.cutoff)
    ref = dsp.overlap_add(dsp.noise_frames(mags, ph, bands, cfg.rate, cfg.rate), cfg.hop)
    got = HarmonicNoiseSynth(cfg).noise(torch.from_numpy(mags)[None], torch.from_numpy(ph)[None], 0,
                                        10 * cfg.hop)[0].numpy()
    np.testing.assert_allclose(got, ref, atol=1e-5)


def test_noise_density_does_not_depend_on_rate() -> None:
    """Flat band magnitudes give the same power per Hz below the cutoff at 24 and 48 kHz."""
    rng = np.random.default_rng(4)
    dens = []
    for rate, hop in ((24000, 120), (48000, 240)):
        bands = dsp.band_matrix(16, 2 * hop, rate, 11000.0)
        frames = dsp.noise_frames(np.ones((400, 16), np.float32), dsp.random_phasors(rng, (400, hop + 1)),
                                  bands, rate, 24000)
        x = dsp.overlap_add(frames, hop)
        dens.append(np.mean(x ** 2) / 11000.0)
    assert abs(dens[0] / dens[1] - 1) < 0.1


def test_mask_and_bands() -> None:
    m = dsp.harmonic_mask(np.array([1000.0]), 16, 5500.0)
    assert m.sum() == 5 and m[0, 4] == 1 and m[0, 5] == 0
    b = dsp.band_matrix(8, 480, 48000, 12000.0)
    freqs = np.fft.rfftfreq(480, 1 / 48000)
    np.testing.assert_allclose(b.sum(axis=0)[freqs <= 12000], 1.0, atol=1e-6)
    assert np.all(b[:, freqs > 12000] == 0)


def test_summed_noise_frame_equals_sum_of_frames() -> None:
    rng = np.random.default_rng(5)
    mags = rng.random((5, 32)).astype(np.float32)
    ph = dsp.random_phasors(rng, (5, 241))
    bands = dsp.band_matrix(32, 480, 48000, 11500.0)
    want = dsp.noise_frames(mags, ph, bands, 48000, 24000).sum(axis=0)
    np.testing.assert_allclose(dsp.noise_frame_sum(mags, ph, bands, 48000, 24000), want, atol=1e-6)

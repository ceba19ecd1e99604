"""The numpy DSP (device) and its torch mirror (trainer) agree; wavetables equal the additive sum."""
from __future__ import annotations

import numpy as np
import pytest
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
    got = np.zeros(frames * hop, np.float32)
    phase, f0s, row = np.zeros(1), np.full(1, f0), np.zeros(1, np.int64)
    for j in range(frames):
        dsp.wavetable_voices(got[j * hop:(j + 1) * hop], tabs[j:j + 1], tabs[j + 1:j + 2], row, phase, f0s, f0s, 0,
                             hop, rate)
    assert np.max(np.abs(got - ref)) < 2e-3 * np.max(np.abs(ref))


def test_wavetable_voices_follow_a_pitch_glide_in_pieces() -> None:
    """f0 glides linearly over the frame: the same phase as the additive sum, and the same samples
    whether a frame is rendered at once or in uneven pieces (the engine's blocks)."""
    hop, rate = 240, 48000
    amps = np.zeros((2, 8), np.float32)
    amps[:, 0] = 0.5
    tabs = np.stack([dsp.wavetables(amps[:1])[0], dsp.wavetables(amps[1:])[0]])
    f_prev, f_next = np.array([220.0, 330.0]), np.array([233.0, 300.0])
    rows = np.arange(2)
    f0 = f_prev[:, None] + (f_next - f_prev)[:, None] * np.arange(hop) / hop
    ref = sum(dsp.additive(np.repeat(amps[:1], 2, 0), f0[r], hop, rate) for r in range(2))
    whole, phase = np.zeros(hop, np.float32), np.zeros(2)
    dsp.wavetable_voices(whole, tabs, tabs, rows, phase, f_prev, f_next, 0, hop, rate)
    pieces, phase2, pos = np.zeros(hop, np.float32), np.zeros(2), 0
    for n in (1, 37, 100, 102):
        dsp.wavetable_voices(pieces[pos:pos + n], tabs, tabs, rows, phase2, f_prev, f_next, pos, hop, rate)
        pos += n
    assert np.max(np.abs(whole - ref)) < 1e-3
    np.testing.assert_allclose(pieces, whole, atol=1e-6)
    want = (np.sum(f0, axis=1) / rate) % 1.0
    np.testing.assert_allclose(phase, want, atol=1e-9)
    np.testing.assert_allclose(phase2, phase, atol=1e-12)


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
    rows = np.array([4, 0, 2, 2, 1])
    want = dsp.noise_frames(mags, ph[rows], bands, 48000, 24000).sum(axis=0)
    got = dsp.noise_frame_sum(mags, ph, rows, dsp.band_pairs(bands), 48000, 24000)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, want, atol=1e-6)


def test_band_pairs_reproduce_the_band_matrix() -> None:
    bands = dsp.band_matrix(32, 480, 48000, 11500.0)
    lo, w_lo, w_hi = dsp.band_pairs(bands)
    rebuilt = np.zeros_like(bands)
    cols = np.arange(bands.shape[1])
    rebuilt[lo, cols] += w_lo
    rebuilt[lo + 1, cols] += w_hi
    np.testing.assert_array_equal(rebuilt, bands)
    bad = bands.copy()
    bad[5, 3] = 0.5                              # a third band in one column
    with pytest.raises(ValueError, match="column 3"):
        dsp.band_pairs(bad)


def test_wavetables_into_writes_rows_and_keeps_scratch_clean() -> None:
    rng = np.random.default_rng(6)
    amps = rng.random((3, 64)).astype(np.float32)
    tables = np.full((5, dsp.TABLE_SIZE + 1), 7.0, np.float32)
    spec = np.zeros((5, dsp.TABLE_SIZE // 2 + 1), np.complex64)
    dsp.wavetables_into(amps, tables, np.array([4, 1, 2]), spec)
    np.testing.assert_allclose(tables[[4, 1, 2]], dsp.wavetables(amps), atol=1e-6)
    assert np.all(tables[[0, 3]] == 7.0) and np.all(spec[:, 65:] == 0)
    direct = np.sin(2 * np.pi * np.outer(np.arange(1, 65), np.arange(dsp.TABLE_SIZE) / dsp.TABLE_SIZE))
    np.testing.assert_allclose(tables[4, :-1], amps[0] @ direct, atol=1e-4)

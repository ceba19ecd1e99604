"""p43 regression QA: the denoiser check fired on a square-wave tremolo / slicer (removed share 0.0075, level
correlation -0.195) and on a slow gear (0.099, 0.23), which then got "noise removed ... SNR against the clean take".
What they take away is the playing itself (its spectrum), where noise has its own: the check now also asks that the
removed part not sound like the output (trainer/effect/denoise_figures.py ``spectral_distance``).  Every denoiser of
the table in docs/effect.md ("Denoiser report") stays one; every pedal of it stays out."""
from __future__ import annotations

import functools

import numpy as np
import pedalboard as pb
import pytest

from trainer.data import noise
from trainer.effect import denoise_figures as dn
from trainer.effect.data import EffectData, Pair

RATE = 48_000
SECONDS = 6.0
ONSETS = np.arange(0.0, SECONDS, 0.5)


def _plucks(seed: int = 0) -> np.ndarray:
    """Plucked notes (random pitch 80-400 Hz, eight harmonics falling with order, 3/s decay) every 0.5 s, the
    playing muted 1 s of every 3 s: float64 [N], read-only (made once per seed and shared by the tests: making it
    was most of each test's time)."""
    return _made_plucks(seed)


@functools.lru_cache(maxsize=None)
def _made_plucks(seed: int) -> np.ndarray:
    """:func:`_plucks`, made: float64 [N], read-only."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(SECONDS * RATE)) / RATE
    out = np.zeros_like(t)
    for on in ONSETS:
        f0, dt = rng.uniform(80, 400), t - on
        note = sum(np.sin(2 * np.pi * f0 * k * dt + rng.uniform(0, 6)) / k ** 1.5 for k in range(1, 9))
        out += np.where(dt >= 0, note * np.exp(-3.0 * np.maximum(dt, 0)) * rng.uniform(0.3, 1.0), 0.0)
    out = 0.2 * out * (np.mod(t, 3.0) < 2.0)
    out.setflags(write=False)
    return out


def _pink(n: int, rng: np.random.Generator) -> np.ndarray:
    spec = np.fft.rfft(rng.standard_normal(n))
    spec[1:] /= np.sqrt(np.arange(1, spec.size))
    return np.fft.irfft(spec, n)


def _noise(kind: str, clean: np.ndarray, snr: float) -> np.ndarray:
    """``kind`` noise (hiss, 50 Hz hum with harmonics, pink) at ``snr`` dB under ``clean``'s mean power: [N]."""
    rng, n = np.random.default_rng(3), clean.shape[0]
    level = 10 * np.log10(np.mean(clean ** 2)) - snr
    return {"hiss": lambda: noise.hiss(n, level, rng), "hum": lambda: noise.hum(n, level, 50.0, rng),
            "pink": lambda: noise._at_level(_pink(n, rng), level)}[kind]().astype(np.float64)


def _check(x: np.ndarray, y: np.ndarray) -> dict:
    pair = Pair("p", np.asarray(x, np.float32), np.asarray(y, np.float32), {}, 0)
    return dn.denoise_check(EffectData(RATE, [], [pair]))


def _square(hz: float, depth: float) -> np.ndarray:
    """A square-wave gain at ``hz`` (2 ms edges) going from 1 - ``depth`` to 1: [N]."""
    t = np.arange(int(SECONDS * RATE)) / RATE
    sq = np.convolve((np.sin(2 * np.pi * hz * t) > 0).astype(float), np.ones(96) / 96, mode="same")
    return 1.0 - depth + depth * sq


def _slow_gear(x: np.ndarray) -> np.ndarray:
    """Each note's attack swelled from silence over 300 ms (a slow gear / volume swell)."""
    g, ramp = np.ones_like(x), int(0.3 * RATE)
    for on in (ONSETS * RATE).astype(int):
        g[on:on + ramp] = np.linspace(0.0, 1.0, g[on:on + ramp].shape[0])
    return x * g


def _sine_tremolo(x: np.ndarray) -> np.ndarray:
    t = np.arange(x.shape[0]) / RATE
    return x * (1 - 0.4 * (1 + np.sin(2 * np.pi * 5 * t)))


def _board(*plugins) -> object:
    return lambda x: pb.Pedalboard(list(plugins))(x.astype(np.float32), RATE)


PEDALS = {"slicer 4 Hz": lambda x: x * _square(4.0, 1.0), "square tremolo 6 Hz 50 %": lambda x: x * _square(6.0, 0.5),
          "sine tremolo 5 Hz 80 %": _sine_tremolo, "slow gear": _slow_gear,
          "drive": _board(pb.Distortion(18.0), pb.Compressor(-20.0, 4.0)),
          "compressor": _board(pb.Compressor(-30.0, 4.0)),
          "EQ": _board(pb.HighShelfFilter(2000, 6.0)), "low-pass": _board(pb.LowpassFilter(1000)),
          "chorus": _board(pb.Chorus()), "phaser": _board(pb.Phaser()), "reverb": _board(pb.Reverb()),
          "bitcrush": _board(pb.Bitcrush(6)), "gain -6 dB": lambda x: 0.5 * x,
          "adds hiss 20 dB": lambda x: x + _noise("hiss", x, 20.0),
          "adds hiss 0 dB": lambda x: x + _noise("hiss", x, 0.0)}


@pytest.mark.parametrize("pedal", list(PEDALS))
def test_a_pedal_that_takes_the_playing_away_is_no_denoiser(pedal: str) -> None:
    clean = _plucks()
    check = _check(clean, PEDALS[pedal](clean))
    assert not check["denoising"] and check["denoised_pairs"] == [0, 1], check


@pytest.mark.parametrize("pedal", ["slicer 4 Hz", "slow gear", "sine tremolo 5 Hz 80 %"])
def test_what_a_tremolo_or_swell_takes_away_sounds_like_the_playing(pedal: str) -> None:
    clean = _plucks()
    assert _check(clean, PEDALS[pedal](clean))["spectral_distance_per_pair"]["p"] < dn.SOUND_DB - 1.0


@pytest.mark.parametrize("kind", ["hiss", "hum", "pink"])
@pytest.mark.parametrize("snr", [0.0, 10.0, 20.0])
def test_noise_taken_off_stays_a_denoisers_set(kind: str, snr: float) -> None:
    clean = _plucks(1)
    check = _check(clean + _noise(kind, clean, snr), clean)
    assert check["denoising"] and check["spectral_distance_per_pair"]["p"] >= dn.SOUND_DB + 3.0, check


def test_a_noise_gate_stays_a_denoiser() -> None:
    """A gate on a take with hiss at 10 dB SNR: closed while the playing is muted, open while it plays."""
    clean = _plucks(2)
    noisy = clean + _noise("hiss", clean, 10.0)
    t = np.arange(clean.shape[0]) / RATE
    assert _check(noisy, np.where(np.mod(t, 3.0) < 2.05, noisy, 0.0))["denoising"]


def test_the_distance_is_zero_when_nothing_is_taken_away() -> None:
    clean = _plucks()
    assert dn.spectral_distance(Pair("p", clean.astype(np.float32), clean.astype(np.float32), {}, 0), RATE) == 0.0

"""Forty-third stop: a denoiser's report says how much noise came out, as SNR in dB (input, pack, improvement) beside
spectral gating (noisereduce); the SNR maths on signals of known SNR, and the rule that tells a denoiser's set from a
pedal's (for a drive "SNR" means nothing)."""
from __future__ import annotations

import numpy as np
import pytest
from scipy import signal

from trainer.effect import denoise_figures as dn
from trainer.effect.data import EffectData, Pair

RATE = 48_000


def _playing(seconds: float = 3.0, seed: int = 0) -> np.ndarray:
    """Notes with gaps: a few harmonics, on 0.4 s of every 0.6 s: float32 [N]."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * RATE)) / RATE
    f0 = rng.uniform(100, 300)
    tone = sum(np.sin(2 * np.pi * f0 * k * t + rng.uniform(0, 6)) / k for k in range(1, 5))
    return (0.2 * tone * (np.mod(t, 0.6) < 0.4)).astype(np.float32)


def _noise_at(clean: np.ndarray, snr: float, seed: int = 1) -> np.ndarray:
    """White noise scaled so that sum(clean^2) / sum(noise^2) is exactly ``snr`` dB."""
    n = np.random.default_rng(seed).standard_normal(clean.shape[0])
    want = np.sum(clean.astype(np.float64) ** 2) / 10 ** (snr / 10)
    return n * np.sqrt(want / np.sum(n ** 2))


@pytest.mark.parametrize("snr", [-5.0, 0.0, 6.0, 20.0, 45.0])
def test_snr_of_a_signal_with_known_noise(snr: float) -> None:
    clean = _playing()
    assert dn.snr_db(clean + _noise_at(clean, snr), clean) == pytest.approx(snr, abs=1e-6)


def test_snr_units_and_edges() -> None:
    clean = _playing(1.0)
    assert dn.snr_db(np.zeros_like(clean), clean) == pytest.approx(0.0)        # silence: as far off as the signal
    assert dn.snr_db(0.5 * clean, clean) == pytest.approx(20 * np.log10(2))     # half the playing: 6.02 dB
    assert dn.snr_db(clean, clean) == dn.SNR_CEIL_DB                             # identical: the ceiling, not inf
    assert dn.snr_db(clean, np.zeros_like(clean)) is None                        # no signal: no ratio
    assert dn.snr_from_esr(0.01) == pytest.approx(20.0) and dn.snr_from_esr(1.0) == pytest.approx(0.0)


def _pair(name: str, x: np.ndarray, y: np.ndarray) -> Pair:
    return Pair(name, np.asarray(x, np.float32), np.asarray(y, np.float32), {}, 0)


def _chorus(x: np.ndarray) -> np.ndarray:
    """Dry plus a copy delayed by 5-15 ms swept at 1 Hz (what a chorus changes follows the playing's level)."""
    n = np.arange(x.shape[0])
    delay = (0.010 + 0.005 * np.sin(2 * np.pi * n / RATE)) * RATE
    return 0.5 * (x + np.interp(n - delay, n, x, left=0.0))


GEAR = {"drive": lambda x: 0.3 * np.tanh(8 * x),
        "low-pass EQ": lambda x: signal.lfilter(*signal.butter(2, 1000, fs=RATE), x),
        "chorus": _chorus,
        "adds hiss": lambda x: x + _noise_at(x, 15.0)}


@pytest.mark.parametrize("snr", [0.0, 10.0, 20.0])
def test_noise_taken_off_a_take_is_a_denoisers_set(snr: float) -> None:
    pairs = [_pair(f"p{i}", (c := _playing(seed=i)) + _noise_at(c, snr, i), c) for i in range(2)]
    check = dn.denoise_check(EffectData(RATE, [], pairs))
    assert check["denoising"] and check["denoised_pairs"] == [2, 2], check


@pytest.mark.parametrize("gear", list(GEAR))
def test_a_pedal_is_no_denoiser(gear: str) -> None:
    clean = _playing()
    check = dn.denoise_check(EffectData(RATE, [], [_pair("p", clean, GEAR[gear](clean))]))
    assert not check["denoising"] and check["denoised_pairs"] == [0, 1], check


def test_a_noise_gate_is_a_denoiser() -> None:
    """A gate on a noisy take: the noise goes in the gaps and stays under the playing."""
    clean = _playing()
    noisy = clean + _noise_at(clean, 10.0)
    t = np.arange(clean.shape[0]) / RATE
    gated = np.where(np.mod(t + 0.01, 0.6) < 0.42, noisy, 0.0)        # open from 10 ms before each note to after it
    assert dn.denoise_check(EffectData(RATE, [], [_pair("g", noisy, gated)]))["denoising"]


def test_noisereduce_gets_the_noisy_input_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """No peeking: every array noisereduce is given (``y``, ``y_noise``) comes from the noisy input, never from the
    clean take; each mode runs once per pair, on the held-out stretch with its context before it."""
    import noisereduce
    clean = _playing(8.0)
    noisy = (clean + _noise_at(clean, 6.0)).astype(np.float32)
    calls: list[dict] = []

    def fake(y, sr, **kw):
        calls.append({"y": np.asarray(y), "y_noise": kw.get("y_noise"), "stationary": kw["stationary"]})
        return np.asarray(y) * 0.5
    monkeypatch.setattr(noisereduce, "reduce_noise", fake)
    data = EffectData(RATE, [], [_pair("p", noisy, clean)])
    out = dn.baseline_snrs(data, lambda p: (6 * RATE, 8 * RATE))
    assert len(calls) == len(dn.NR_MODES) and sorted(c["stationary"] for c in calls) == [False, True, True]
    start = 6 * RATE - int(dn.CONTEXT_S * RATE)
    for c in calls:
        np.testing.assert_array_equal(c["y"], noisy[start:])
        if c["y_noise"] is not None:
            frames = c["y_noise"].reshape(-1, int(dn.QUIET_FRAME_S * RATE))
            whole = noisy[:(noisy.shape[0] // frames.shape[1]) * frames.shape[1]].reshape(-1, frames.shape[1])
            assert all(any(np.array_equal(f, w) for w in whole) for f in frames)     # frames of the noisy input
    half = dn.snr_db(0.5 * noisy[6 * RATE:], clean[6 * RATE:])
    assert out["stationary"]["p"] == pytest.approx(half, abs=0.01)


def test_the_better_noisereduce_mode_is_set_beside_the_pack(monkeypatch: pytest.MonkeyPatch) -> None:
    clean = _playing(4.0)
    noisy = clean + _noise_at(clean, 5.0)
    monkeypatch.setattr(dn, "noisereduce_modes", lambda x, rate: {
        "stationary": x, "non-stationary": 0.3 * x, "stationary, noise clip": clean[-x.shape[0]:] + 0.1 * (x - clean[
            -x.shape[0]:])})
    metrics = {"val_esr_per_pair": {"p": 0.01}, "val_bypass_esr_per_pair": {"p": 10 ** -0.5}}
    fig = dn.denoise_figures(metrics, EffectData(RATE, [], [_pair("p", noisy, clean)]), lambda p: (0, 4 * RATE))
    assert fig is not None and fig["noisereduce_mode"] == "stationary, noise clip"
    assert fig["input_snr"]["p"] == pytest.approx(5.0) and fig["pack_snr"]["p"] == pytest.approx(20.0)
    assert fig["pack_gain"]["p"] == pytest.approx(15.0) and fig["pack_gain_median"] == pytest.approx(15.0)
    assert fig["noisereduce_gain"]["p"] == pytest.approx(20.0, abs=0.05)       # the noise 20 dB down
    assert fig["noisereduce_modes"]["stationary"] == pytest.approx(0.0, abs=0.05)
    words = dn.denoise_words(fig)[0]
    assert "input 5.0 dB, the pack 20.0 dB (gain +15.0 dB)" in words and "stationary, noise clip" in words


def test_an_input_shorter_than_noisereduces_window_gives_no_figure_and_no_error(recwarn) -> None:
    out = dn.noisereduce_modes(_playing(0.002), RATE)           # 96 samples: its stationary window does not fit
    assert "stationary" not in out and all(v.shape == (96,) for v in out.values())
    assert not [w for w in recwarn if "nperseg" in str(w.message)]

"""The fine low-end spectrum the statistics head summarises: numpy (device.audio.mel) == torch (the
ONNX graph's strided convolutions), pitch lands in the right bin, short clips stay finite."""
from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from device.audio.mel import LowSpec, low_log_power
from trainer.tagger.model import LOG_RANGE, LowLogPower, low_stats


def _decaying_sine(freq: float, rate: int, seconds: float = 1.0, tau: float = 0.25) -> np.ndarray:
    t = np.arange(int(rate * seconds)) / rate
    return (0.8 * np.sin(2 * np.pi * freq * t) * np.exp(-t / tau)).astype(np.float32)


@pytest.mark.parametrize("rate", [32000, 16000])
def test_torch_convolutions_equal_the_numpy_resample_and_stft(rate):
    rng = np.random.default_rng(3)
    audio = np.stack([_decaying_sine(55.0, rate), _decaying_sine(140.0, rate),
                      (rng.standard_normal(rate) * np.exp(-np.arange(rate) / (0.05 * rate))).astype(np.float32)])
    want = low_log_power(audio, rate, LowSpec())
    with torch.no_grad():
        got = LowLogPower(rate, LowSpec())(torch.from_numpy(audio)).numpy()
    assert got.shape == want.shape == (3, 62, 28)           # 23-500 Hz in 7.8 Hz bins, 32 ms hop
    # compared as power, relative to each clip's strongest bin (the log differs only near the floor)
    p_want, p_got = np.exp(want), np.exp(got)
    np.testing.assert_allclose(p_got, p_want, atol=1e-5 * p_want.max(axis=(1, 2), keepdims=True).max())


@pytest.mark.parametrize("freq", [55.0, 98.0, 180.0, 420.0])
def test_a_tone_peaks_in_its_own_bin(freq):
    low = LowSpec()
    lp = low_log_power(_decaying_sine(freq, 32000)[None], 32000, low)[0]
    b0, _ = low.bin_range()
    peak_hz = (b0 + int(lp.max(axis=1).argmax())) * low.rate / low.n_fft
    assert abs(peak_hz - freq) <= low.rate / low.n_fft      # within one 7.8 Hz bin


def test_a_kick_and_a_tom_differ_where_the_mel_bins_cannot_tell():
    """55 Hz and 75 Hz fall in neighbouring 42 Hz STFT bins of the log-mel; the low spectrum separates them."""
    lp = torch.from_numpy(low_log_power(np.stack([_decaying_sine(55.0, 32000), _decaying_sine(75.0, 32000)]),
                                        32000, LowSpec()))
    feats = low_stats(lp).numpy()
    assert np.abs(feats[0] - feats[1]).max() > 6.0           # natural-log units: a 26 dB difference somewhere


def test_statistics_of_short_and_silent_clips_are_finite():
    for n in (8000, 4096, 32000):
        for audio in (np.zeros((2, n), np.float32), np.stack([_decaying_sine(60.0, 32000, n / 32000)] * 2)):
            with torch.no_grad():
                feats = low_stats(LowLogPower(32000, LowSpec())(torch.from_numpy(audio)))
            assert torch.isfinite(feats).all()
            assert feats.min() >= -LOG_RANGE and feats.max() <= 0.0


def test_a_rate_the_low_rate_does_not_divide_is_refused():
    with pytest.raises(ValueError, match="2000 Hz"):
        LowSpec().decimation(44100)
    with pytest.raises(ValueError, match="2000 Hz"):
        low_log_power(np.zeros((1, 44100), np.float32), 44100, LowSpec())

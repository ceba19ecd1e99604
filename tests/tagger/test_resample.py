"""The numpy polyphase resampler against physical expectations and scipy."""
from __future__ import annotations

import numpy as np
import pytest

from device.audio.resample import resample


@pytest.mark.parametrize("src,dst", [(44100, 16000), (48000, 16000), (22050, 16000), (16000, 48000), (8000, 16000)])
def test_sine_keeps_its_frequency_and_level(src, dst):
    t = np.arange(src) / src
    y = resample(np.sin(2 * np.pi * 440 * t).astype(np.float32), src, dst)
    assert y.shape == (dst,)
    want = np.sin(2 * np.pi * 440 * np.arange(dst) / dst)
    np.testing.assert_allclose(y[400:-400], want[400:-400], atol=2e-3)


def test_removes_content_above_the_new_nyquist():
    t = np.arange(44100) / 44100
    y = resample(np.sin(2 * np.pi * 12000 * t).astype(np.float32), 44100, 16000)
    assert np.abs(y[400:-400]).max() < 1e-3


def test_agrees_with_scipy_and_keeps_leading_axes():
    signal = pytest.importorskip("scipy.signal")
    x = np.random.default_rng(0).standard_normal((2, 4410)).astype(np.float32)
    lp = signal.resample_poly(x, 160, 441, axis=-1, window=("kaiser", 8.6))
    y = resample(x, 44100, 16000)
    assert y.shape == (2, 1600)
    # both are windowed-sinc low-passes with slightly different cut-offs: compare the pass band only
    spec = lambda a: np.abs(np.fft.rfft(a[:, 100:-100], axis=-1))[:, :500]   # below ~5 kHz
    np.testing.assert_allclose(spec(y), spec(lp), rtol=0.05, atol=0.5)


def test_same_rate_is_identity():
    x = np.arange(10, dtype=np.float32)
    assert resample(x, 16000, 16000) is not None and np.array_equal(resample(x, 16000, 16000), x)

"""The log-mel front-end: numpy (box) == torch FFT (training) == ONNX conv (the pack)."""
from __future__ import annotations

import io

import numpy as np
import pytest

from device.audio.mel import MelSpec, dct_matrix, fit_clip, log_mel, mel_filterbank, mfcc, power_spectrum


def test_filterbank_shape_and_coverage():
    spec = MelSpec()
    fb = mel_filterbank(spec)
    assert fb.shape == (spec.n_mels, spec.bins)
    peaks = fb.argmax(axis=1)
    assert np.all(np.diff(peaks) >= 0)              # ascending centre frequencies
    assert np.all(fb.sum(axis=1) > 0)               # no empty band


def test_power_spectrum_finds_a_sine():
    spec = MelSpec()
    t = np.arange(spec.rate) / spec.rate
    p = power_spectrum(np.sin(2 * np.pi * 1000 * t).astype(np.float32), spec)
    assert p.shape == (spec.frames(spec.rate), spec.bins)
    assert abs(p.mean(axis=0).argmax() * spec.rate / spec.n_fft - 1000) <= spec.rate / spec.n_fft


def test_dct_is_orthonormal_and_mfcc_shape():
    d = dct_matrix(64, 64)
    np.testing.assert_allclose(d @ d.T, np.eye(64), atol=1e-5)
    assert mfcc(np.random.default_rng(0).standard_normal(16000).astype(np.float32), MelSpec()).shape == (20, 61)


def test_fit_clip_skips_leading_silence_and_pads():
    x = np.concatenate([np.zeros(1000, np.float32), np.ones(100, np.float32)])
    y = fit_clip(x, 500)
    assert y.shape == (500,) and y[:32].sum() == 0 and y[32] == 1.0 and y[132:].sum() == 0


def test_torch_front_ends_match_numpy():
    torch = pytest.importorskip("torch")
    from trainer.tagger.model import ConvLogMel, FftLogMel
    spec = MelSpec()
    x = np.random.default_rng(1).standard_normal((3, 8000)).astype(np.float32) * 0.3
    want = log_mel(x, spec)
    for front in (FftLogMel(spec), ConvLogMel(spec)):
        got = front(torch.from_numpy(x)).detach().numpy()
        np.testing.assert_allclose(got, want, atol=2e-3)


def test_onnx_front_end_matches_numpy():
    torch = pytest.importorskip("torch")
    from device.audio.runtime import make_session
    from trainer.tagger.model import ConvLogMel
    spec = MelSpec()
    buf = io.BytesIO()
    torch.onnx.export(ConvLogMel(spec), (torch.zeros(1, 8000),), buf, input_names=["audio"],
                      output_names=["mel"], opset_version=17, dynamic_axes={"audio": {0: "B"}}, dynamo=False)
    x = np.random.default_rng(2).standard_normal((2, 8000)).astype(np.float32) * 0.1
    got = make_session(buf.getvalue()).run(["mel"], {"audio": x})[0]
    np.testing.assert_allclose(got, log_mel(x, spec), atol=2e-3)

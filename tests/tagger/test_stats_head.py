"""The MFCC-statistics head: same features as the numpy baseline, fitted after the CNN, inside the ONNX graph."""
from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from device.audio.mel import MelSpec, log_mel, mfcc
from device.library.runner import PackTagger
from trainer.tagger.model import StatsHead, TaggerConfig, TaggerNet, band_stats, mfcc_stats
from trainer.tagger.onnx_export import export_tagger
from trainer.tagger.train import fit_stats_head

from .conftest import hiss, thump

RATE = 16000


def _numpy_stats(audio: np.ndarray, spec: MelSpec) -> np.ndarray:
    """The baseline's features (bench/tagger_accuracy.py), written out independently."""
    c = mfcc(audio, spec)
    d = np.diff(c, axis=-1)
    return np.concatenate([f(a, axis=-1) for a in (c, d) for f in (np.mean, np.std, np.min, np.max)], axis=1)


def _tone(freq: float, seed: int, n: int = 8000) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(n) / RATE
    return (0.5 * np.sin(2 * np.pi * freq * (1 + rng.uniform(-0.05, 0.05)) * t) * np.exp(-t * 6)).astype(np.float32)


def _clips(kinds: int, per: int = 6) -> tuple[np.ndarray, np.ndarray]:
    makers = [lambda s: thump(RATE, 0.5, seed=s), lambda s: hiss(RATE, 0.5, seed=s), lambda s: _tone(1500.0, s)]
    x = np.stack([makers[k](10 * k + i) for k in range(kinds) for i in range(per)])
    y = np.repeat(np.eye(kinds, dtype=np.float32), per, axis=0)
    return x, y


def _net(n_tags: int) -> TaggerNet:
    torch.manual_seed(0)
    cfg = TaggerConfig(clip_samples=8000, channels=(8, 16), embed_dim=16, exclusive=True)
    return TaggerNet(cfg, n_tags).eval()


def test_torch_statistics_equal_the_numpy_baseline_features():
    audio = np.stack([thump(RATE, 0.5, seed=1), hiss(RATE, 0.5, seed=2)])
    net = _net(2)
    spec = net.cfg.spec                     # the tagger's front-end (32 kHz, 96 bands)
    with torch.no_grad():
        got = mfcc_stats(net.front(torch.from_numpy(audio)), StatsHead(spec.n_mels, 2).dct).numpy()
    np.testing.assert_allclose(got, _numpy_stats(audio, spec), rtol=1e-3, atol=1e-3)
    lm = log_mel(audio, spec)
    want = np.concatenate([f(lm, axis=-1) for f in (np.mean, np.std, np.min, np.max)], axis=1)
    with torch.no_grad():
        bands = band_stats(net.front(torch.from_numpy(audio))).numpy()
    np.testing.assert_allclose(bands, want, rtol=1e-3, atol=1e-3)


@pytest.mark.parametrize("kinds", [2, 3])
def test_the_fitted_head_alone_separates_the_training_tags(kinds):
    x, y = _clips(kinds)
    net = _net(kinds)                       # untrained CNN: only the head knows anything
    fit_stats_head(net, x, y)
    with torch.no_grad():
        audio = net.levelled(torch.from_numpy(x))
        head_logits = net.stats(net.front(audio), audio)
    assert (head_logits.argmax(dim=1).numpy() == y.argmax(axis=1)).all()


def test_eval_output_is_the_mean_of_both_softmaxes_and_training_sees_the_cnn_only():
    x, y = _clips(3)
    net = _net(3)
    audio = torch.from_numpy(x[:4])
    with torch.no_grad():
        cnn_logits, _ = net(audio)
        fit_stats_head(net, x, y)
        combined, _ = net(audio)
        heard = net.levelled(audio)                  # what both opinions hear (each clip at one level)
        head = torch.softmax(net.stats(net.front(heard), heard), dim=1)
        expected = 0.5 * (torch.softmax(cnn_logits, dim=1) + head)
        torch.testing.assert_close(torch.exp(combined), expected, rtol=1e-5, atol=1e-6)
        net.train()
        torch.manual_seed(1)
        train_out, _ = net(audio)
        net.eval()
    net.stats = None
    net.train()
    torch.manual_seed(1)
    with torch.no_grad():
        plain, _ = net(audio)
    torch.testing.assert_close(train_out, plain)        # the head plays no part in training


def test_the_head_is_exported_inside_the_onnx_graph(tmp_path):
    x, y = _clips(3)
    net = _net(3)
    fit_stats_head(net, x, y)
    pack = export_tagger(net, ["kick", "hat", "tone"], tmp_path / "t.hatpack", name="t")
    probs, _ = PackTagger(pack).run(x)
    assert (probs.argmax(axis=1) == y.argmax(axis=1)).all()         # the untrained CNN could not do this
    from export.pack import read_pack
    assert read_pack(pack).manifest.extras["stats_head"] is True
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-5)


def test_multi_label_taggers_get_no_head():
    net = TaggerNet(TaggerConfig(clip_samples=8000, channels=(8, 16), embed_dim=16, exclusive=False), 2)
    x, y = _clips(2)
    with pytest.raises(ValueError, match="exclusive"):
        fit_stats_head(net, x, y)


def test_the_low_end_head_is_in_the_graph_and_old_configs_read_without_it(tmp_path):
    """A head fitted with the low-end statistics exports and tags the same through onnxruntime; a
    configuration written before the option existed reads back without it (the head it was fitted with)."""
    x, y = _clips(3)
    net = _net(3)
    assert net.cfg.stats_low
    fit_stats_head(net, x, y)
    assert net.stats.low is not None and net.stats.mean.numel() == 8 * 20 + 4 * net.cfg.spec.n_mels + 3 * 62
    with torch.no_grad():
        want = torch.exp(net(torch.from_numpy(x))[0]).numpy()
    probs, _ = PackTagger(export_tagger(net, ["kick", "hat", "tone"], tmp_path / "t.hatpack", name="t")).run(x)
    np.testing.assert_allclose(probs, want, atol=2e-3)
    old = {k: v for k, v in net.cfg.to_dict().items() if k != "stats_low"}
    assert TaggerConfig.from_dict(old).stats_low is False
    plain = TaggerNet(TaggerConfig.from_dict(old), 3).eval()
    fit_stats_head(plain, x, y)
    assert plain.stats.low is None and plain.stats.mean.numel() == 8 * 20 + 4 * net.cfg.spec.n_mels

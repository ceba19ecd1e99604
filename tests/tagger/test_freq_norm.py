"""FreqNorm (relaxed instance frequency-wise normalisation) in the tagger's first blocks: what it computes, that it
is in the network when the config asks and exported into the pack's ONNX graph, and that configurations written before it
build the network they were trained with.  Off by default: level on the fixed split (docs/tagger.md, nineteenth
stop)."""
from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from device.library.runner import PackTagger
from trainer.tagger.model import FREQ_NORM_MIX, FreqNorm, TaggerConfig, TaggerNet
from trainer.tagger.onnx_export import export_tagger

from .conftest import hiss, thump

RATE = 16000


def _maps(seed: int = 0) -> torch.Tensor:
    """Feature maps [B=3, C=4, F=6, T=5] with a different offset and scale on every frequency row and clip."""
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(3, 4, 6, 5, generator=g)
    return x * torch.linspace(0.5, 4.0, 6)[None, None, :, None] + torch.arange(6.0)[None, None, :, None] * 3 + \
        torch.arange(3.0)[:, None, None, None]


def test_the_row_part_normalises_each_frequency_row_and_the_clip_part_the_whole_clip():
    x = _maps()
    row = FreqNorm(mix=0.0)(x)
    torch.testing.assert_close(row.mean(dim=(1, 3)), torch.zeros(3, 6), atol=1e-5, rtol=0)
    torch.testing.assert_close(row.std(dim=(1, 3), unbiased=False), torch.ones(3, 6), atol=1e-3, rtol=0)
    whole = FreqNorm(mix=1.0)(x)
    torch.testing.assert_close(whole.mean(dim=(1, 2, 3)), torch.zeros(3), atol=1e-5, rtol=0)
    torch.testing.assert_close(whole.std(dim=(1, 2, 3), unbiased=False), torch.ones(3), atol=1e-3, rtol=0)
    both = FreqNorm()(x)
    torch.testing.assert_close(both, FREQ_NORM_MIX * whole + (1 - FREQ_NORM_MIX) * row)


def test_a_gain_or_offset_on_one_frequency_row_of_a_clip_leaves_its_row_part_unchanged():
    """What a kit's microphones put on a frequency range (here: row 2 of clip 1 louder and shifted) is taken out
    by the per-row part; the other clips do not change at all (no batch statistics)."""
    x = _maps(1)
    y = x.clone()
    y[1, :, 2, :] = y[1, :, 2, :] * 3.0 + 7.0
    torch.testing.assert_close(FreqNorm(mix=0.0)(y), FreqNorm(mix=0.0)(x), atol=1e-4, rtol=0)
    torch.testing.assert_close(FreqNorm()(y)[[0, 2]], FreqNorm()(x)[[0, 2]])


def test_the_first_blocks_end_in_freq_norm_when_asked_and_configs_without_the_field_have_none():
    assert TaggerConfig().freq_norm_blocks == 0                      # off by default (level, docs/tagger.md)
    net = TaggerNet(TaggerConfig(clip_samples=8000, channels=(8, 16, 24), embed_dim=16, exclusive=True,
                                 freq_norm_blocks=2), 2)
    assert [isinstance(b[-1], FreqNorm) for b in net.body] == [True, True, False]
    old = {k: v for k, v in net.cfg.to_dict().items() if k != "freq_norm_blocks"}   # a pack's config from before
    cfg = TaggerConfig.from_dict(old)
    assert cfg.freq_norm_blocks == 0
    assert not any(isinstance(m, FreqNorm) for m in TaggerNet(cfg, 2).modules())
    assert TaggerConfig.from_dict(net.cfg.to_dict()).freq_norm_blocks == 2


def test_a_network_with_freq_norm_exports_and_tags_the_same_through_onnxruntime(tmp_path):
    torch.manual_seed(0)
    net = TaggerNet(TaggerConfig(clip_samples=8000, channels=(8, 16), embed_dim=16, exclusive=True,
                                 stats_head=False, freq_norm_blocks=1), 2).eval()
    assert isinstance(net.body[0][-1], FreqNorm)
    x = np.stack([thump(RATE, 0.5, seed=1), hiss(RATE, 0.5, seed=2), 0.1 * thump(RATE, 0.5, seed=3)])
    with torch.no_grad():
        logits, emb = net(torch.from_numpy(x))
    probs, got_emb = PackTagger(export_tagger(net, ["kick", "hat"], tmp_path / "t.hatpack", name="t")).run(x)
    np.testing.assert_allclose(probs, torch.softmax(logits, dim=1).numpy(), atol=2e-3)
    np.testing.assert_allclose(got_emb, emb.numpy(), atol=2e-3)

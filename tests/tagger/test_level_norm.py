"""A clip's level does not change its tags when the config scales each clip to a peak of 1 (TaggerConfig.level_norm,
model.peak_normalised; on by default since the twenty-ninth stop, docs/tagger.md): before (twenty-eighth stop's QA),
a kick at -60 dBFS was called cymbal and a tom at +90 dB float called snare, since the statistics head reads the
un-normalised log-mel."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from device.library.runner import PackTagger
from trainer.tagger.model import TaggerConfig, TaggerNet, peak_normalised
from trainer.tagger.onnx_export import export_tagger
from trainer.tagger.train import fit_stats_head

from .test_stats_head import _clips

GAINS = (1e-3, 0.1, 1.0, 300.0)       # -60 dB to +50 dB against the clips' own peaks


def _fitted(level_norm: bool) -> TaggerNet:
    torch.manual_seed(0)
    cfg = TaggerConfig(clip_samples=8000, channels=(8, 16), embed_dim=16, exclusive=True, level_norm=level_norm)
    net = TaggerNet(cfg, 3).eval()
    x, y = _clips(3)
    fit_stats_head(net, x, y)
    return net


def _probs_at_gains(net: TaggerNet, x: np.ndarray) -> list[np.ndarray]:
    with torch.no_grad():
        return [torch.softmax(net(torch.from_numpy((g * x).astype(np.float32)))[0], dim=1).numpy() for g in GAINS]


def test_with_level_norm_the_same_clip_at_any_level_gets_the_same_probabilities(tmp_path) -> None:
    x, _ = _clips(3, per=2)
    net = _fitted(True)
    probs = _probs_at_gains(net, x)
    for p in probs[1:]:
        np.testing.assert_allclose(p, probs[0], atol=1e-4)
    pack = export_tagger(net, ["kick", "hat", "tone"], tmp_path / "t.hatpack", name="t")
    for g, p in zip(GAINS, probs):                                   # exported into the graph: the box passes raw audio
        np.testing.assert_allclose(PackTagger(pack).run((g * x).astype(np.float32))[0], p, atol=2e-3)


def test_without_it_level_moves_the_probabilities_and_old_configs_read_without_it() -> None:
    x, _ = _clips(3, per=2)
    probs = _probs_at_gains(_fitted(False), x)
    assert np.abs(probs[0] - probs[2]).max() > 0.05                  # what the QA heard: level changes the answer
    old = {k: v for k, v in replace(TaggerConfig(), level_norm=True).to_dict().items() if k != "level_norm"}
    assert TaggerConfig.from_dict(old).level_norm is False           # a pack from before hears raw levels, as trained
    assert TaggerConfig().level_norm is True                         # on by default since the twenty-ninth stop


def test_peak_normalised_scales_each_clip_alone_and_leaves_silence_silent() -> None:
    a = torch.tensor([[0.0, 0.25, -0.5], [0.0, 0.0, 0.0], [2.0, -4.0, 1.0]])
    torch.testing.assert_close(peak_normalised(a), torch.tensor([[0.0, 0.5, -1.0], [0.0, 0.0, 0.0],
                                                                  [0.5, -1.0, 0.25]]))

"""Band-limit augmentation (trainer/tagger/augment.band_limit, TrainOptions.band_limit; twenty-ninth stop): training
clips are sometimes heard as a 22.05 / 16 / 11.025 kHz file of them, so that a producer's older, lower-rate samples
(no top octaves) are tagged like the full-band kits the tagger learned from."""
from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("torch")

from trainer.tagger.augment import LOW_RATES, augment, band_limit
from trainer.tagger.train import TrainOptions, make_batch

RATE = 32000


def _top_share(x: np.ndarray, above: float, rate: int = RATE) -> float:
    """The share of ``x``'s energy above ``above`` Hz."""
    power = np.abs(np.fft.rfft(x)) ** 2
    freqs = np.fft.rfftfreq(x.size, 1.0 / rate)
    return float(power[freqs > above].sum() / power.sum())


def test_a_band_limited_clip_keeps_its_length_and_loses_what_the_lower_rate_cannot_hold() -> None:
    x = np.random.default_rng(0).standard_normal(RATE).astype(np.float32)
    assert _top_share(x, 6000) > 0.5
    for low in LOW_RATES:
        y = band_limit(x, low, RATE)
        assert y.shape == x.shape and y.dtype == np.float32
        assert _top_share(y, 0.5 * low + 500) < 1e-4                       # nothing above the lower Nyquist
        assert _top_share(y, 0.45 * low) < _top_share(x, 0.45 * low)
        low_band = np.abs(np.fft.rfft(y))[:int(0.4 * low)] / np.abs(np.fft.rfft(x))[:int(0.4 * low)]
        assert np.median(low_band) == pytest.approx(1.0, abs=0.02)           # the band below is kept


def test_training_batches_are_band_limited_as_often_as_asked() -> None:
    rng = np.random.default_rng(1)
    clips = rng.standard_normal((4, int(RATE * 1.1))).astype(np.float32)
    y = np.eye(4, dtype=np.float32)
    idx = np.arange(4).repeat(25)
    never, _ = make_batch(clips, y, idx, RATE, RATE, np.random.default_rng(2), band_limit=0.0)
    always, _ = make_batch(clips, y, idx, RATE, RATE, np.random.default_rng(2), band_limit=1.0)
    limited = [_top_share(c, 12000) < 1e-3 for c in always.numpy()]
    assert all(limited)                                                       # every one heard as 22.05 kHz or lower
    assert not any(_top_share(c, 12000) < 1e-3 for c in never.numpy())
    assert TrainOptions().band_limit == pytest.approx(0.3)                  # on by default since the twenty-ninth stop


def test_a_front_end_below_every_low_rate_is_never_band_limited() -> None:
    x = np.random.default_rng(3).standard_normal(8000).astype(np.float32)
    y = augment(x, 8000, np.random.default_rng(4), strength=0.0, rate=8000, band_limit_p=1.0)
    assert _top_share(y, 3000, 8000) == pytest.approx(_top_share(x, 3000, 8000), rel=1e-3)


def test_a_quiet_16_bit_file_is_its_sound_plus_rounding_noise_at_the_right_depth() -> None:
    from trainer.tagger.augment import quantised
    x = (0.5 * np.sin(np.linspace(0, 200 * np.pi, RATE))).astype(np.float32)
    for peak_db, bits, want_db in ((-60.0, 16, -41.1), (-40.0, 16, -61.1), (-6.0, 8, -46.9)):
        y = quantised(x, peak_db, bits)
        assert np.abs(y).max() == pytest.approx(0.5, rel=0.05)               # back at the clip's own level
        noise_db = 20 * np.log10(np.sqrt(np.mean((y - x) ** 2)) / 0.5)     # rounding noise below the peak: one
        assert noise_db == pytest.approx(want_db, abs=1.5)                 # step / sqrt(12), the step 2^-(bits-1)
    assert not quantised(np.zeros(8, np.float32), -60.0, 16).any()


def test_the_head_learns_from_band_limited_copies_when_asked() -> None:
    import torch

    from trainer.tagger.model import TaggerConfig, TaggerNet
    from trainer.tagger.train import fit_stats_head
    import trainer.tagger.train as train_module

    seen = []
    real = train_module.raw_stats_features

    def spy(head, front, clips, n, batch, level=None):
        seen.append(clips.shape[0])
        return real(head, front, clips, n, batch, level=level)

    cfg = TaggerConfig(clip_samples=RATE // 4, channels=(4, 8), embed_dim=8, exclusive=True)
    rng = np.random.default_rng(5)
    clips = rng.standard_normal((6, RATE // 4)).astype(np.float32)
    y = np.eye(2, dtype=np.float32)[[0, 0, 0, 1, 1, 1]]
    net = TaggerNet(cfg, 2).eval()
    train_module.raw_stats_features, old = spy, train_module.raw_stats_features
    try:
        fit_stats_head(net, clips, y)
        fit_stats_head(net, clips, y, band_copies=(22050, 11025, 48000))      # 48 kHz is no lower: no copy
    finally:
        train_module.raw_stats_features = old
    assert seen == [6, 6, 6, 6]
    with torch.no_grad():
        assert torch.isfinite(net(torch.from_numpy(clips))[0]).all()


def test_make_batch_passes_the_augmentation_strength_on() -> None:
    """strength 0: every clip comes out as itself at one gain (no speed, colour, reverb, shift or noise);
    strength 1: not."""
    rng = np.random.default_rng(5)
    clips = rng.standard_normal((8, RATE)).astype(np.float32)
    y, idx = np.eye(2, dtype=np.float32)[np.arange(8) % 2], np.arange(8)
    plain, _ = make_batch(clips, y, idx, RATE, RATE, np.random.default_rng(6), strength=0.0)
    for got, clip in zip(plain.numpy(), clips):
        scale = float(np.dot(got, clip) / np.dot(clip, clip))
        assert np.allclose(got, scale * clip, atol=1e-5)
    changed, _ = make_batch(clips, y, idx, RATE, RATE, np.random.default_rng(6), strength=1.0)
    residual = [np.abs(g - np.dot(g, c) / np.dot(c, c) * c).max() for g, c in zip(changed.numpy(), clips)]
    assert max(residual) > 1e-2
    assert TrainOptions().aug_strength == 1.0


def test_the_optimizer_option_names_sgd_or_adamw_and_refuses_others() -> None:
    from torch import nn, optim

    from trainer.tagger.train import make_optimizer
    net = nn.Linear(2, 2)
    assert isinstance(make_optimizer(net, TrainOptions()), optim.AdamW)
    sgd = make_optimizer(net, TrainOptions(optimizer="sgd", lr=0.05))
    assert isinstance(sgd, optim.SGD) and sgd.defaults["nesterov"] and sgd.defaults["momentum"] == 0.9
    with pytest.raises(ValueError, match="adamw or sgd"):
        make_optimizer(net, TrainOptions(optimizer="adam"))

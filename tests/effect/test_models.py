"""Architectures are causal and stream: pieces with carried state == the whole signal."""
from __future__ import annotations

import pytest
import torch

from tests.effect.small_archs import small_settings
from trainer.effect.losses import esr_loss, stft_loss
from trainer.effect.models import ARCHS, build

SMALL = {"gru": {"hidden": 8}, "lstm": {"hidden": 8}, "tcn": {"channels": 4, "layers": 6, "cycle": 3},
         "tcn_gru": {"channels": 4, "layers": 3, "cycle": 3, "hidden": 8}}


def _small(arch: str) -> dict:
    return small_settings(SMALL, arch, "tests/effect/test_models.py")


@pytest.mark.parametrize("arch", list(ARCHS))
def test_streaming_equals_whole(arch: str) -> None:
    torch.manual_seed(0)
    model = build(arch, 2, **_small(arch)).eval()
    x, k = torch.randn(2, 700), torch.rand(2, 700, 2)
    with torch.no_grad():
        whole, _ = model(x, k, model.initial_state(2))
        state, pieces = model.initial_state(2), []
        for a, b in ((0, 1), (1, 65), (65, 130), (130, 700)):
            y, state = model(x[:, a:b], k[:, a:b], state)
            pieces.append(y)
    torch.testing.assert_close(torch.cat(pieces, 1), whole, atol=1e-5, rtol=1e-4)


@pytest.mark.parametrize("arch", list(ARCHS))
def test_causal(arch: str) -> None:
    torch.manual_seed(1)
    model = build(arch, 1, **_small(arch)).eval()
    x, k = torch.randn(1, 300), torch.rand(1, 300, 1)
    x2 = x.clone()
    x2[:, 200:] += 1.0
    with torch.no_grad():
        a, _ = model(x, k, model.initial_state(1))
        b, _ = model(x2, k, model.initial_state(1))
    torch.testing.assert_close(a[:, :200], b[:, :200])
    assert not torch.allclose(a[:, 200:], b[:, 200:])


def test_knobs_change_the_output_after_training_starts() -> None:
    torch.manual_seed(2)
    model = build("gru", 1, hidden=8)
    x = torch.randn(1, 100)
    y0, _ = model(x, torch.zeros(1, 100, 1), model.initial_state(1))
    y1, _ = model(x, torch.ones(1, 100, 1), model.initial_state(1))
    assert not torch.allclose(y0, y1)     # knobs also enter the recurrent cell directly


def test_losses() -> None:
    y = torch.randn(2, 4096)
    assert float(esr_loss(y, y)) == 0.0 and float(esr_loss(torch.zeros_like(y), y)) == pytest.approx(1.0)
    assert float(stft_loss(y, y)) == pytest.approx(0.0, abs=1e-6) and float(stft_loss(0.5 * y, y)) > 0.1


def test_unknown_arch() -> None:
    from hatbox.errors import HatboxError
    with pytest.raises(HatboxError, match="unknown architecture 'wavenet'"):
        build("wavenet", 0)


def test_recording_esr_weighs_recordings_equally() -> None:
    from trainer.effect.losses import recording_esr
    y = torch.stack([torch.ones(100), 0.01 * torch.ones(100)])
    y_hat = y * 0.9                       # 10% error on both, whatever their level
    power = (y ** 2).mean(dim=-1)
    assert float(recording_esr(y_hat, y, power)) == pytest.approx(0.01, rel=1e-4)
    assert float(esr_loss(y_hat, y)) == pytest.approx(0.01, rel=1e-4)
    y_hat2 = y.clone()
    y_hat2[1] = 0.0                       # the quiet recording entirely wrong
    assert float(recording_esr(y_hat2, y, power)) == pytest.approx(0.5, rel=1e-4)
    assert float(esr_loss(y_hat2, y)) < 1e-3      # pooled ESR barely notices

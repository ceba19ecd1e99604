"""Training losses: ESR (the metric we report) plus a multi-resolution STFT loss.

Shapes: ``y_hat``, ``y`` are [B, T] float tensors at the data's sample rate.
"""
from __future__ import annotations

import torch
from torch import Tensor

FFT_SIZES = (128, 256, 512, 1024, 2048)   # those longer than the signal are skipped


def esr_loss(y_hat: Tensor, y: Tensor, eps: float = 1e-8) -> Tensor:
    """Error-to-signal ratio over the whole batch: sum((y - y_hat)^2) / sum(y^2)."""
    return torch.sum((y - y_hat) ** 2) / (torch.sum(y ** 2) + eps)


def recording_esr(y_hat: Tensor, y: Tensor, power: Tensor) -> Tensor:
    """ESR with each item's error divided by its whole recording's mean power ``power`` [B].

    Every recording (knob setting) weighs the same whatever its level, and a quiet segment
    of a loud recording cannot blow the loss up (its denominator is the recording's power).
    """
    return torch.mean(torch.mean((y - y_hat) ** 2, dim=-1) / power)


def _magnitude(x: Tensor, n_fft: int) -> Tensor:
    window = torch.hann_window(n_fft, device=x.device, dtype=x.dtype)
    spec = torch.stft(x, n_fft, hop_length=n_fft // 4, window=window, return_complex=True, center=False)
    return spec.abs().clamp_min(1e-7)


def stft_loss(y_hat: Tensor, y: Tensor, sizes: tuple[int, ...] = FFT_SIZES) -> Tensor:
    """Mean over resolutions of spectral convergence + L1 log-magnitude distance."""
    total = y.new_zeros(())
    used = 0
    for n in sizes:
        if y.shape[-1] < n:
            continue
        a, b = _magnitude(y_hat, n), _magnitude(y, n)
        conv = torch.linalg.norm(b - a) / torch.linalg.norm(b).clamp_min(1e-7)
        total = total + conv + torch.mean(torch.abs(torch.log(a) - torch.log(b)))
        used += 1
    return total / max(used, 1)


def effect_loss(y_hat: Tensor, y: Tensor, stft_weight: float,
                power: Tensor | None = None) -> tuple[Tensor, Tensor]:
    """(total loss, ESR) where total = ESR + stft_weight * STFT.

    With ``power`` [B] the ESR is :func:`recording_esr`, else the batch-pooled :func:`esr_loss`.
    """
    esr = esr_loss(y_hat, y) if power is None else recording_esr(y_hat, y, power)
    if stft_weight <= 0:
        return esr, esr
    return esr + stft_weight * stft_loss(y_hat, y), esr

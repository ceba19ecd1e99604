"""Multi-resolution STFT loss (linear + log magnitude L1), torch."""
from __future__ import annotations

import torch

FFT_SIZES = (2048, 1024, 512, 256, 128)


def _mag(x: torch.Tensor, n_fft: int) -> torch.Tensor:
    win = torch.hann_window(n_fft, device=x.device)
    return torch.stft(x, n_fft, hop_length=n_fft // 4, window=win, return_complex=True).abs()


def multires_stft(pred: torch.Tensor, target: torch.Tensor, sizes: tuple[int, ...] = FFT_SIZES) -> torch.Tensor:
    """pred, target [B, N] -> scalar: mean over sizes of L1(|S|) + L1(log|S|)."""
    total = pred.new_zeros(())
    for n in sizes:
        p, t = _mag(pred, n), _mag(target, n)
        total = total + (p - t).abs().mean() + (torch.log(p + 1e-5) - torch.log(t + 1e-5)).abs().mean()
    return total / len(sizes)

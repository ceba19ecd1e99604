"""The harmonic-plus-noise model (torch): a frame-rate network and its differentiable synthesizer.

The network maps (pitch, loudness, timbre embedding) per frame, with a GRU carrying time, to
physical controls: harmonic amplitudes [K] (linear, zero above the cutoff) and noise band
magnitudes [M].  The synthesizer mirrors device.audio.harmonic in torch (a test checks they agree).
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
import torch
from torch import nn

from device.audio import harmonic as dsp


@dataclass(frozen=True)
class SynthConfig:
    """Model and signal constants. ``rate`` Hz is the training rate; ``hop`` samples per frame at it."""

    rate: int = 24000
    hop: int = 120                 # 5 ms frames
    n_harmonics: int = 64
    n_noise: int = 32
    embed_dim: int = 8
    hidden: int = 128
    cutoff: float = 11500.0        # Hz; harmonics/noise above are silent (below the training Nyquist)
    n_instruments: int = 4

    def to_dict(self) -> dict:
        return asdict(self)


def exp_sigmoid(x: torch.Tensor) -> torch.Tensor:
    """DDSP's positive, bounded nonlinearity: 2 * sigmoid(x) ** ln(10) + 1e-7."""
    return 2.0 * torch.sigmoid(x) ** math.log(10.0) + 1e-7


def midi_to_hz(p: torch.Tensor) -> torch.Tensor:
    return 440.0 * torch.pow(2.0, (p - 69.0) / 12.0)


class FrameNet(nn.Module):
    """One step per frame. Shapes: pitch, loudness [B, T, 1] (MIDI, dB); z [B, T, E]; h [1, B, H].

    Returns harmonics [B, T, K], noise [B, T, M], h [1, B, H].
    """

    def __init__(self, cfg: SynthConfig) -> None:
        super().__init__()
        self.cfg = cfg
        n_in = 2 + cfg.embed_dim
        self.pre = nn.Sequential(nn.Linear(n_in, cfg.hidden), nn.LayerNorm(cfg.hidden), nn.LeakyReLU(0.1),
                                 nn.Linear(cfg.hidden, cfg.hidden), nn.LayerNorm(cfg.hidden), nn.LeakyReLU(0.1))
        self.gru = nn.GRU(cfg.hidden, cfg.hidden, batch_first=True)
        self.post = nn.Sequential(nn.Linear(cfg.hidden + n_in, cfg.hidden), nn.LayerNorm(cfg.hidden),
                                  nn.LeakyReLU(0.1), nn.Linear(cfg.hidden, 1 + cfg.n_harmonics + cfg.n_noise))
        self.register_buffer("k", torch.arange(1, cfg.n_harmonics + 1, dtype=torch.float32))

    def forward(self, pitch: torch.Tensor, loud: torch.Tensor, z: torch.Tensor,
                h: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        x = torch.cat([(pitch - 60.0) / 24.0, (loud + 40.0) / 40.0, z], dim=-1)
        y, h = self.gru(self.pre(x), h)
        out = self.post(torch.cat([y, x], dim=-1))
        return self._harmonics(out, pitch, loud), self._noise(out), h

    def _harmonics(self, out: torch.Tensor, pitch: torch.Tensor, loud: torch.Tensor) -> torch.Tensor:
        cfg = self.cfg
        level = torch.pow(10.0, loud / 20.0)                      # the conditioning loudness as amplitude
        amp = exp_sigmoid(out[..., :1]) * level
        dist = exp_sigmoid(out[..., 1:1 + cfg.n_harmonics])
        mask = (midi_to_hz(pitch) * self.k < cfg.cutoff).float()
        dist = dist * mask
        return amp * dist / (dist.sum(-1, keepdim=True) + 1e-7)

    def _noise(self, out: torch.Tensor) -> torch.Tensor:
        return exp_sigmoid(out[..., 1 + self.cfg.n_harmonics:] - 5.0) * 0.1


class HarmonicNoiseSynth(nn.Module):
    """The torch mirror of device.audio.harmonic (additive harmonics + filtered noise)."""

    def __init__(self, cfg: SynthConfig) -> None:
        super().__init__()
        self.cfg = cfg
        bands = dsp.band_matrix(cfg.n_noise, 2 * cfg.hop, cfg.rate, cfg.cutoff)
        self.register_buffer("bands", torch.from_numpy(bands))
        self.register_buffer("window", torch.from_numpy(dsp.hann(2 * cfg.hop).copy()))
        self.register_buffer("k", torch.arange(1, cfg.n_harmonics + 1, dtype=torch.float32))

    def harmonic(self, amps: torch.Tensor, f0: torch.Tensor, start: int, length: int,
                 phase0: torch.Tensor | float = 0.0) -> torch.Tensor:
        """amps [B, F+1, K] frames; f0 [B] Hz (constant per note); -> audio [B, length] from sample ``start``.

        ``start`` must be a multiple of hop; sample n has phase 2*pi*f0*n/rate + phase0.
        """
        hop = self.cfg.hop
        j0, nf = start // hop, length // hop
        a = amps[:, j0:j0 + nf + 1]                                   # [B, nf+1, K]
        k = self.k.double()
        w = 2 * math.pi * f0.double()[:, None, None] / self.cfg.rate   # rad / sample, [B, 1, 1]
        p0 = torch.as_tensor(phase0, dtype=torch.float64, device=amps.device).reshape(-1, 1, 1)
        n_f = torch.arange(nf, device=amps.device, dtype=torch.float64)[None, :, None] * hop + start
        ang_f = ((w * n_f + p0) * k) % (2 * math.pi)                 # [B, nf, K] at each frame start
        ang_h = (w * torch.arange(hop, device=amps.device, dtype=torch.float64)[None, :, None] * k)
        sf, cf = torch.sin(ang_f).float(), torch.cos(ang_f).float()
        sh_t, ch_t = torch.sin(ang_h).float().transpose(1, 2), torch.cos(ang_h).float().transpose(1, 2)

        def frame_sum(x: torch.Tensor) -> torch.Tensor:   # sum_k x_k sin(k phi[n]), sin(A+B) expanded
            return torch.matmul(x * sf, ch_t) + torch.matmul(x * cf, sh_t)  # [B, nf, hop]

        t = torch.arange(hop, device=amps.device, dtype=amps.dtype) / hop
        y = frame_sum(a[:, :-1]) * (1 - t) + frame_sum(a[:, 1:]) * t
        return y.reshape(a.shape[0], length)

    def noise(self, mags: torch.Tensor, phasors: torch.Tensor, start: int, length: int) -> torch.Tensor:
        """mags [B, F+1, M], phasors [B, F+1, hop+1] complex -> [B, length] from sample ``start``."""
        hop, cfg = self.cfg.hop, self.cfg
        j0, nf = start // hop, length // hop
        spec = (mags[:, j0:j0 + nf + 1] @ self.bands) * phasors[:, j0:j0 + nf + 1]
        gain = dsp.noise_gain(2 * hop, cfg.rate, cfg.rate)
        frames = torch.fft.irfft(spec, n=2 * hop, dim=-1) * gain * self.window
        return (frames[:, :-1, hop:] + frames[:, 1:, :hop]).reshape(mags.shape[0], -1)


class NeuralSynth(nn.Module):
    """Embeddings + FrameNet + synthesizer: notes' (pitch, loudness curve, instrument) -> audio."""

    def __init__(self, cfg: SynthConfig) -> None:
        super().__init__()
        self.cfg = cfg
        self.embed = nn.Embedding(cfg.n_instruments, cfg.embed_dim)
        nn.init.normal_(self.embed.weight, std=0.5)
        self.net = FrameNet(cfg)
        self.synth = HarmonicNoiseSynth(cfg)

    def controls(self, pitch: torch.Tensor, loud: torch.Tensor, inst: torch.Tensor,
                 z: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """pitch [B], loud [B, F+1] dB, inst [B] -> harmonics [B, F+1, K], noise [B, F+1, M]."""
        b, f = loud.shape
        z = self.embed(inst) if z is None else z
        h0 = torch.zeros(1, b, self.cfg.hidden, device=loud.device)
        p = pitch[:, None, None].expand(b, f, 1)
        harm, noise, _ = self.net(p, loud[..., None], z[:, None].expand(b, f, -1), h0)
        return harm, noise

    def forward(self, pitch: torch.Tensor, loud: torch.Tensor, inst: torch.Tensor, start: int, length: int,
                phasors: torch.Tensor, z: torch.Tensor | None = None) -> torch.Tensor:
        """Audio [B, length] of samples [start, start+length) of the notes (start, length multiples of hop)."""
        harm, noise = self.controls(pitch, loud, inst, z)
        f0 = midi_to_hz(pitch)
        return self.synth.harmonic(harm, f0, start, length) + self.synth.noise(noise, phasors, start, length)


def phasors_torch(rng: np.random.Generator, b: int, frames: int, hop: int) -> torch.Tensor:
    """Random unit phasors [b, frames, hop+1] (complex64) from device.audio.harmonic.random_phasors."""
    return torch.from_numpy(dsp.random_phasors(rng, (b, frames, hop + 1)))

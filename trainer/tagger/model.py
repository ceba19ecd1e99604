"""The tagger network: log-mel front-end (from device.audio.mel's matrices) -> small CNN (optionally, its first
blocks end in :class:`FreqNorm`: ``TaggerConfig.freq_norm_blocks``) ->
embedding [B, E] ("more like this") -> logits [B, n_tags] (one sigmoid per tag for multi-label data; a softmax when
every training sample has exactly one tag).

Exclusive taggers also get a second opinion, :class:`StatsHead`: a linear classifier on MFCC and
mel-band statistics of the same log-mel (before the CNN's own normalisation; of the clip at one level when
``level_norm``) and on a fine spectrum of the low end
(:class:`LowLogPower`: 7.8 Hz bins up to 500 Hz, where the log-mel's bins are 42 Hz wide), fitted after
the CNN (trainer/tagger/train.py ``fit_stats_head``).  In eval mode the network's output is then the log
of the mean of the two softmaxes; training only ever sees the CNN.

Two interchangeable front-ends compute the same log-mel: :class:`FftLogMel` (torch.fft, cheap,
for training) and :class:`ConvLogMel` (the STFT as a strided conv1d with fixed DFT weights, for
the ONNX graph).  Both take audio [B, N] float32 at ``spec.rate`` and return [B, n_mels, T].
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import torch
from torch import nn

from device.audio.mel import LowSpec, MelSpec, dct_matrix, dft_kernels, hann, mel_filterbank
from device.audio.resample import ZERO_CROSSINGS, polyphase_bank

LOG_RANGE = 18.0     # natural-log units kept below each clip's maximum (about 78 dB)
N_MFCC = 20          # MFCCs the stats head summarises
# frame spans of the low spectrum (LowSpec: 32 ms hop) the stats head averages: the first ~100 ms and
# the ~250 ms after it (a kick's pitch glide, a tom's ring); the maximum over all frames is taken too
LOW_SPANS = ((0, 4), (4, 12))


def tagger_spec() -> MelSpec:
    """The tagger's front-end: 32 kHz audio (hi-hats and cymbals differ mostly above 8 kHz), 768-point
    Hann frames every 512 samples (16 ms; 62 frames per 1 s clip), 96 mel bands from 30 Hz to 16 kHz.
    Chosen on the fixed unseen-kit split against 16 kHz / 64 bands; leave-one-kit-out finds the two level
    once the per-band input normalisation is off (docs/tagger.md)."""
    return MelSpec(rate=32000, n_fft=768, hop=512, n_mels=96, fmin=30.0, fmax=16000.0)


@dataclass
class TaggerConfig:
    """Network and clip settings (clip_samples at spec.rate: 1 s by default)."""

    spec: MelSpec = field(default_factory=tagger_spec)
    clip_samples: int = 32000
    channels: tuple[int, ...] = (16, 32, 48, 64)
    embed_dim: int = 64
    # dropout before the last layer: 0.1 since the forty-seventh stop (0.3 before): on the fixed unseen-kit split
    # 0.892 vs 0.883 over ten seeds run beside each other, higher on 9 of 10; level on leave-one-kit-out (0.840 vs
    # 0.841 over four seeds, higher on 2 of 4; docs/tagger.md)
    dropout: float = 0.1
    spec_mask: float = 0.5        # training only: chance of masking a mel band and a time span (SpecAugment)
    exclusive: bool = False       # one tag per sample (softmax) rather than independent tags (sigmoid)
    stats_head: bool = True       # exclusive taggers: add the MFCC-statistics head after training
    # normalise each mel band on its own (BandNorm) rather than one scale for the whole log-mel: level on the
    # fixed unseen-kit split, 1.1 points lower on leave-one-kit-out (docs/tagger.md), so off by default
    band_norm: bool = False
    # the stats head also summarises a fine spectrum of the low end (device.audio.mel.LowSpec): chosen on the
    # benchmark's training kits by bench/tagger_head_cv.py (docs/tagger.md); off in configs written before it
    stats_low: bool = True
    # the first N convolution blocks end in FreqNorm (relaxed instance frequency-wise normalisation): measured
    # level on the fixed unseen-kit split over ten runs (docs/tagger.md, nineteenth stop), so off by default;
    # bench/tagger_accuracy.py --freq-norm-blocks 2 runs it
    freq_norm_blocks: int = 0
    # each clip scaled to a peak of 1 before anything hears it (:func:`peak_normalised`), so that its level does
    # not change its tags (a kick at -60 dBFS was called cymbal: the statistics head read the un-normalised
    # log-mel, and the log's floor flattens a quiet clip's).  On since the twenty-ninth stop, with band-limit
    # augmentation (train.TrainOptions.band_limit): the unseen kits 30 and 60 dB down (float) score as at full level
    # (0.889 over ten seeds; 0.790 and 0.128 without it), as 22.05 / 11.025 kHz files 0.797 / 0.823 (0.775 / 0.720),
    # and at full level the same within the runs' spread (docs/tagger.md).  Packs trained before it lack the key: False,
    # they hear raw levels as they were trained to; bench/tagger_accuracy.py --no-level-norm runs without it
    level_norm: bool = True
    # files at a higher sample rate than this (Hz) are heard as resampled to it first (device.audio.mel.tagger_clip):
    # set to the training files' highest rate when that is under spec.rate (trainer.tagger.data.heard_rate), so a
    # tagger trained on 22.05 kHz files hears a 44.1 kHz recording of the same sound as it heard its own (it called
    # full-band kicks cymbal: its statistics head read bands it had never heard).  0: every file as it is
    heard_rate: int = 0

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["channels"] = list(self.channels)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "TaggerConfig":
        return cls(spec=MelSpec.from_dict(d["spec"]), clip_samples=int(d["clip_samples"]),
                   channels=tuple(d["channels"]), embed_dim=int(d["embed_dim"]), dropout=float(d["dropout"]),
                   spec_mask=float(d.get("spec_mask", 0.0)),
                   exclusive=bool(d.get("exclusive", False)), stats_head=bool(d.get("stats_head", False)),
                   band_norm=bool(d.get("band_norm", False)), stats_low=bool(d.get("stats_low", False)),
                   freq_norm_blocks=int(d.get("freq_norm_blocks", 0)), level_norm=bool(d.get("level_norm", False)),
                   heard_rate=int(d.get("heard_rate", 0)))


class FftLogMel(nn.Module):
    """[B, N] -> [B, n_mels, T] via unfold + rfft."""

    def __init__(self, spec: MelSpec) -> None:
        super().__init__()
        self.spec = spec
        self.register_buffer("window", torch.from_numpy(hann(spec.n_fft).astype(np.float32)))
        self.register_buffer("fb", torch.from_numpy(mel_filterbank(spec)))

    def forward(self, audio: torch.Tensor) -> torch.Tensor:
        frames = audio.unfold(-1, self.spec.n_fft, self.spec.hop) * self.window
        spec = torch.fft.rfft(frames, dim=-1)
        power = spec.real ** 2 + spec.imag ** 2                       # [B, T, F]
        return torch.log(torch.matmul(power, self.fb.T).transpose(1, 2) + self.spec.floor)


def dft_conv_kernel(n_fft: int, first: int = 0, stop: int | None = None) -> torch.Tensor:
    """Conv1d weights [2 F, 1, n_fft] of the Hann-windowed DFT rows ``first:stop`` (real, then imaginary)."""
    re, im = dft_kernels(n_fft)
    return torch.from_numpy(np.concatenate([re[first:stop], im[first:stop]])[:, None, :])


def conv_power(x: torch.Tensor, kernel: torch.Tensor, hop: int) -> torch.Tensor:
    """|STFT|^2 as a strided convolution (ONNX-friendly): x [B, 1, N], ``kernel`` from
    :func:`dft_conv_kernel` -> [B, F, T]."""
    out = nn.functional.conv1d(x, kernel, stride=hop)                                  # [B, 2F, T]
    f = out.shape[1] // 2
    return out[:, :f] ** 2 + out[:, f:] ** 2


class ConvLogMel(nn.Module):
    """[B, N] -> [B, n_mels, T] with the DFT as a fixed strided conv (ONNX-friendly)."""

    def __init__(self, spec: MelSpec) -> None:
        super().__init__()
        self.spec = spec
        self.register_buffer("kernel", dft_conv_kernel(spec.n_fft))
        self.register_buffer("fb", torch.from_numpy(mel_filterbank(spec)))

    def forward(self, audio: torch.Tensor) -> torch.Tensor:
        power = conv_power(audio[:, None, :], self.kernel, self.spec.hop)
        return torch.log(torch.matmul(self.fb, power) + self.spec.floor)


def spec_mask(x: torch.Tensor, p: float, max_bands: int = 8, max_frames: int = 8) -> torch.Tensor:
    """SpecAugment on level-normalised log-mel [B, M, T]: with probability ``p`` per clip, one band of
    up to ``max_bands`` mels and one span of up to ``max_frames`` frames are set to the floor."""
    b, m, t = x.shape
    dev = x.device
    def spans(size: int, longest: int) -> torch.Tensor:
        width = torch.randint(0, longest + 1, (b, 1), device=dev)
        start = (torch.rand(b, 1, device=dev) * (size - width + 1)).long()
        pos = torch.arange(size, device=dev)[None]
        hit = (pos >= start) & (pos < start + width) & (torch.rand(b, 1, device=dev) < p)
        return hit
    mask = spans(m, max_bands)[:, :, None] | spans(t, max_frames)[:, None, :]
    return torch.where(mask, torch.full_like(x, -LOG_RANGE), x)


def mfcc_stats(mel: torch.Tensor, dct: torch.Tensor) -> torch.Tensor:
    """Log-mel [B, M, T] -> [B, 8 C]: mean, std, min and max over time of C MFCCs (``dct`` [C, M]),
    then the same four of their frame-to-frame differences."""
    c = torch.matmul(dct, mel)                                       # [B, C, T]
    out = []
    for a in (c, c[..., 1:] - c[..., :-1]):
        mean = a.mean(dim=-1)
        std = torch.sqrt(((a - mean[..., None]) ** 2).mean(dim=-1))
        out += [mean, std, a.amin(dim=-1), a.amax(dim=-1)]
    return torch.cat(out, dim=1)


def band_stats(mel: torch.Tensor) -> torch.Tensor:
    """Log-mel [B, M, T] -> [B, 4 M]: mean, std, min and max over time of each mel band."""
    mean = mel.mean(dim=-1)
    std = torch.sqrt(((mel - mean[..., None]) ** 2).mean(dim=-1))
    return torch.cat([mean, std, mel.amin(dim=-1), mel.amax(dim=-1)], dim=1)


class LowLogPower(nn.Module):
    """audio [B, N] at ``rate`` Hz -> log power of the low end [B, F_low, T_low]: the same numbers as
    :func:`device.audio.mel.low_log_power`, as two strided convolutions (the resampler's anti-aliasing
    low-pass with stride ``rate / low.rate``, then the Hann-windowed DFT rows of the kept bins), so it
    exports to ONNX."""

    def __init__(self, rate: int, low: LowSpec) -> None:
        super().__init__()
        self.low, self.down = low, low.decimation(rate)
        self.pad = ZERO_CROSSINGS * self.down            # the resampler's zero-phase delay, in samples
        taps = polyphase_bank(1, self.down)[0, ::-1].copy()
        self.register_buffer("lowpass", torch.from_numpy(taps)[None, None])
        self.register_buffer("kernel", dft_conv_kernel(low.n_fft, *low.bin_range()))

    def forward(self, audio: torch.Tensor) -> torch.Tensor:
        x = nn.functional.conv1d(nn.functional.pad(audio[:, None], (self.pad, self.pad)), self.lowpass,
                                 stride=self.down)
        return torch.log(conv_power(x, self.kernel, self.low.hop) + self.low.floor)


def low_stats(lp: torch.Tensor) -> torch.Tensor:
    """Low-end log power [B, F, T] -> [B, (len(LOW_SPANS) + 1) F]: referenced to its own maximum (down to
    -LOG_RANGE), the mean of each span of :data:`LOW_SPANS` (cut to the frames there are, at least one),
    then the maximum over time, per bin."""
    x = torch.clamp(lp - lp.amax(dim=(1, 2), keepdim=True), min=-LOG_RANGE)
    t = x.shape[-1]
    spans = [(min(a, t - 1), max(min(a, t - 1) + 1, min(b, t))) for a, b in LOW_SPANS]   # short clips: never empty
    return torch.cat([x[..., a:b].mean(dim=-1) for a, b in spans] + [x.amax(dim=-1)], dim=1)


class StatsHead(nn.Module):
    """(log-mel [B, M, T], audio [B, N]) -> logits [B, n_tags]: standardised :func:`mfcc_stats`,
    :func:`band_stats` and, when ``low`` is given, :func:`low_stats` of the audio's low end
    [B, 8 C + 4 M (+ 3 F_low)], then a linear layer.  The statistics are buffers, set by
    ``trainer.tagger.train.fit_stats_head``."""

    def __init__(self, n_mels: int, n_tags: int, n_mfcc: int = N_MFCC, low: LowSpec | None = None,
                 rate: int = 32000) -> None:
        super().__init__()
        self.low = LowLogPower(rate, low) if low is not None else None
        f = 8 * n_mfcc + 4 * n_mels
        if low is not None:
            b0, b1 = low.bin_range()
            f += (len(LOW_SPANS) + 1) * (b1 - b0)
        self.register_buffer("dct", torch.from_numpy(dct_matrix(n_mfcc, n_mels)))
        self.register_buffer("mean", torch.zeros(f))
        self.register_buffer("scale", torch.ones(f))
        self.register_buffer("weight", torch.zeros(n_tags, f))
        self.register_buffer("bias", torch.zeros(n_tags))

    def features(self, mel: torch.Tensor, audio: torch.Tensor) -> torch.Tensor:
        """[B, M, T] log-mel and the [B, N] audio it came from -> standardised statistics [B, f]."""
        parts = [mfcc_stats(mel, self.dct), band_stats(mel)]
        if self.low is not None:
            parts.append(low_stats(self.low(audio)))
        return (torch.cat(parts, dim=1) - self.mean) / self.scale

    def forward(self, mel: torch.Tensor, audio: torch.Tensor) -> torch.Tensor:
        return self.features(mel, audio) @ self.weight.T + self.bias


class BandNorm(nn.Module):
    """Batch normalisation of each mel band on its own: [B, 1, M, T] -> [B, 1, M, T].  Kits are miked
    and mixed differently, and a learned mean and scale per band takes out part of that before the
    convolutions (as PANNs' first batch norm over mel bins does)."""

    def __init__(self, n_mels: int) -> None:
        super().__init__()
        self.bn = nn.BatchNorm1d(n_mels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.bn(x[:, 0])[:, None]


FREQ_NORM_MIX = 0.5      # FreqNorm's share of the whole-clip (layer) normalisation; the rest is per frequency row


class FreqNorm(nn.Module):
    """Relaxed instance frequency-wise normalisation (after Kim et al., "Domain generalization with relaxed
    instance frequency-wise normalization for multi-device acoustic scene classification", 2022), no learned
    parameters: feature maps x [B, C, F, T] -> ``mix`` x (x normalised over C, F and T of each clip) +
    (1 - ``mix``) x (each frequency row of each clip normalised over C and T).  The per-row part takes out
    what a kit's microphones and mixing put on the whole clip per frequency (a darker kit, a boosted low
    end) while the channels keep their relations; the whole-clip part keeps the spectral shape that tells
    the tags apart.  Same in training and inference (no running statistics)."""

    def __init__(self, mix: float = FREQ_NORM_MIX, eps: float = 1e-5) -> None:
        super().__init__()
        self.mix, self.eps = mix, eps

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        row_mean = x.mean(dim=(1, 3), keepdim=True)
        row = (x - row_mean) / torch.sqrt(((x - row_mean) ** 2).mean(dim=(1, 3), keepdim=True) + self.eps)
        clip_mean = x.mean(dim=(1, 2, 3), keepdim=True)
        clip = (x - clip_mean) / torch.sqrt(((x - clip_mean) ** 2).mean(dim=(1, 2, 3), keepdim=True) + self.eps)
        return self.mix * clip + (1.0 - self.mix) * row


def block(c_in: int, c_out: int, freq_norm: bool = False) -> nn.Sequential:
    """conv 3x3 -> batch norm -> ReLU -> 2x2 max pool [-> FreqNorm]: [B, c_in, F, T] -> [B, c_out, F/2, T/2]."""
    layers: list[nn.Module] = [nn.Conv2d(c_in, c_out, 3, padding=1, bias=False), nn.BatchNorm2d(c_out),
                               nn.ReLU(inplace=True), nn.MaxPool2d(2)]
    if freq_norm:
        layers.append(FreqNorm())
    return nn.Sequential(*layers)


PEAK_FLOOR = 1e-8       # a silent clip stays silent (the box never tags one: device.library.runner.SILENT_LEVEL)


def peak_normalised(audio: torch.Tensor) -> torch.Tensor:
    """audio [B, N] with each clip scaled to a peak of 1 (exported into the pack's graph: the box passes raw
    audio)."""
    return audio / audio.abs().amax(dim=1, keepdim=True).clamp(min=PEAK_FLOOR)


class TaggerNet(nn.Module):
    """audio [B, N] -> (logits [B, n_tags], embedding [B, E])."""

    def __init__(self, cfg: TaggerConfig, n_tags: int) -> None:
        super().__init__()
        self.cfg = cfg
        self.front: nn.Module = FftLogMel(cfg.spec)
        self.norm: nn.Module = BandNorm(cfg.spec.n_mels) if cfg.band_norm else nn.BatchNorm2d(1)
        chans = (1, *cfg.channels)
        self.body = nn.Sequential(*[block(a, b, i < cfg.freq_norm_blocks)
                                    for i, (a, b) in enumerate(zip(chans[:-1], chans[1:]))])
        self.embed = nn.Linear(2 * chans[-1], cfg.embed_dim)
        self.drop = nn.Dropout(cfg.dropout)
        self.head = nn.Linear(cfg.embed_dim, n_tags)
        self.stats: StatsHead | None = None         # set by fit_stats_head (exclusive taggers)
        # batch norms keep their statistics in training mode too (a net started from a pack:
        # trainer/tagger/transfer.py); the rest of the net trains as usual
        self.keep_norms = False

    def train(self, mode: bool = True) -> "TaggerNet":
        super().train(mode)
        if mode and self.keep_norms:
            for m in self.modules():
                if isinstance(m, nn.modules.batchnorm._BatchNorm):
                    m.eval()
        return self

    def features(self, audio: torch.Tensor) -> torch.Tensor:
        """Level-normalised log-mel [B, 1, n_mels, T] (each clip's peak at 0)."""
        return self._normalise(self.front(self.levelled(audio)))

    def levelled(self, audio: torch.Tensor) -> torch.Tensor:
        """audio [B, N] as the network hears it: :func:`peak_normalised` when ``cfg.level_norm``."""
        return peak_normalised(audio) if self.cfg.level_norm else audio

    def _normalise(self, mel: torch.Tensor) -> torch.Tensor:
        x = torch.clamp(mel - mel.amax(dim=(1, 2), keepdim=True), min=-LOG_RANGE)
        if self.training and self.cfg.spec_mask > 0:
            x = spec_mask(x, self.cfg.spec_mask)
        return self.norm(x[:, None])

    def forward(self, audio: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        audio = self.levelled(audio)
        mel = self.front(audio)
        h = self.body(self._normalise(mel))
        pooled = torch.cat([h.mean(dim=(2, 3)), h.amax(dim=(2, 3))], dim=1)
        emb = self.embed(pooled)
        logits = self.head(self.drop(torch.relu(emb)))
        if self.stats is not None and not self.training:
            both = 0.5 * (torch.softmax(logits, dim=1) + torch.softmax(self.stats(mel, audio), dim=1))
            logits = torch.log(both.clamp(min=1e-12))
        return logits, emb


def probabilities(net: TaggerNet, logits: torch.Tensor) -> torch.Tensor:
    """Softmax over tags for an exclusive tagger, else one sigmoid per tag."""
    return torch.softmax(logits, dim=1) if net.cfg.exclusive else torch.sigmoid(logits)


def for_export(net: TaggerNet) -> TaggerNet:
    """Swap in the conv front-end (same numbers, exportable); returns ``net`` in eval mode."""
    net.front = ConvLogMel(net.cfg.spec)
    return net.eval()

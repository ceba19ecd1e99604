"""The log-mel front-end, as pure numpy: the one implementation shared by trainer and box.

The trainer builds its torch front-end from the same matrices (:func:`mel_filterbank`,
:func:`dft_kernels`), and the tagger pack carries the front-end inside its ONNX graph (the STFT as
a strided convolution with these fixed DFT weights), so the box needs no audio-feature library.

Shapes: audio ``[..., N]`` float32 at ``MelSpec.rate`` Hz; spectra ``[..., T, F]`` with
``F = n_fft // 2 + 1`` bins and ``T = 1 + (N - n_fft) // hop`` frames (no centring padding);
log-mel ``[..., n_mels, T]`` in natural-log power units.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class MelSpec:
    """Front-end parameters (rate in Hz, sizes in samples, frequencies in Hz)."""

    rate: int = 16000
    n_fft: int = 512
    hop: int = 256
    n_mels: int = 64
    fmin: float = 30.0
    fmax: float = 8000.0
    floor: float = 1e-6          # added to mel power before the log

    @property
    def bins(self) -> int:
        return self.n_fft // 2 + 1

    def frames(self, n: int) -> int:
        """Number of STFT frames for ``n`` samples."""
        return 1 + (n - self.n_fft) // self.hop

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "MelSpec":
        return cls(**{k: d[k] for k in cls.__dataclass_fields__ if k in d})


def hz_to_mel(hz: np.ndarray | float) -> np.ndarray:
    """HTK mel scale."""
    return 2595.0 * np.log10(1.0 + np.asarray(hz, np.float64) / 700.0)


def mel_to_hz(mel: np.ndarray | float) -> np.ndarray:
    return 700.0 * (10.0 ** (np.asarray(mel, np.float64) / 2595.0) - 1.0)


def mel_filterbank(spec: MelSpec) -> np.ndarray:
    """Triangular filters, area-normalised: [n_mels, F] float32."""
    edges = mel_to_hz(np.linspace(hz_to_mel(spec.fmin), hz_to_mel(spec.fmax), spec.n_mels + 2))
    freqs = np.linspace(0.0, spec.rate / 2.0, spec.bins)
    lo, mid, hi = edges[:-2, None], edges[1:-1, None], edges[2:, None]
    up = (freqs[None] - lo) / (mid - lo)
    down = (hi - freqs[None]) / (hi - mid)
    tri = np.maximum(0.0, np.minimum(up, down))
    return (tri * (2.0 / (hi - lo))).astype(np.float32)


def hann(n: int) -> np.ndarray:
    """Periodic Hann window [n] float64."""
    return 0.5 - 0.5 * np.cos(2.0 * np.pi * np.arange(n) / n)


def dft_kernels(n_fft: int) -> tuple[np.ndarray, np.ndarray]:
    """Windowed DFT rows (real, imag), each [F, n_fft] float32: X[k] = sum_n w[n] x[n] e^{-2pi i kn/N}."""
    k = np.arange(n_fft // 2 + 1)[:, None]
    n = np.arange(n_fft)[None, :]
    ang = 2.0 * np.pi * ((k * n) % n_fft) / n_fft
    w = hann(n_fft)[None, :]
    return (w * np.cos(ang)).astype(np.float32), (-w * np.sin(ang)).astype(np.float32)


def frame(audio: np.ndarray, n_fft: int, hop: int) -> np.ndarray:
    """[..., N] -> [..., T, n_fft] strided view (no copy)."""
    view = np.lib.stride_tricks.sliding_window_view(audio, n_fft, axis=-1)
    return view[..., ::hop, :]


def stft_power(audio: np.ndarray, n_fft: int, hop: int) -> np.ndarray:
    """|STFT|^2 with a periodic Hann window: [..., N] -> [..., T, n_fft // 2 + 1] float32."""
    x = np.asarray(audio, np.float32)
    if x.shape[-1] < n_fft:
        raise ValueError(f"need at least {n_fft} samples, got {x.shape[-1]}")
    spec_c = np.fft.rfft(frame(x, n_fft, hop) * hann(n_fft).astype(np.float32), axis=-1)
    return (spec_c.real ** 2 + spec_c.imag ** 2).astype(np.float32)


def power_spectrum(audio: np.ndarray, spec: MelSpec) -> np.ndarray:
    """|STFT|^2 at ``spec``'s frame length and hop: [..., N] -> [..., T, F] float32."""
    return stft_power(audio, spec.n_fft, spec.hop)


def log_mel(audio: np.ndarray, spec: MelSpec, fb: np.ndarray | None = None) -> np.ndarray:
    """Natural-log mel power: [..., N] -> [..., n_mels, T] float32."""
    fb = mel_filterbank(spec) if fb is None else fb
    mel = np.einsum("mf,...tf->...mt", fb, power_spectrum(audio, spec))
    return np.log(mel + spec.floor).astype(np.float32)


def dct_matrix(n_out: int, n_in: int) -> np.ndarray:
    """Orthonormal DCT-II rows [n_out, n_in] (for MFCCs)."""
    k = np.arange(n_out)[:, None]
    n = np.arange(n_in)[None, :]
    m = np.cos(np.pi * k * (2 * n + 1) / (2 * n_in)) * np.sqrt(2.0 / n_in)
    m[0] /= np.sqrt(2.0)
    return m.astype(np.float32)


def mfcc(audio: np.ndarray, spec: MelSpec, n_mfcc: int = 20) -> np.ndarray:
    """MFCCs from this front-end: [..., N] -> [..., n_mfcc, T]."""
    return np.einsum("cm,...mt->...ct", dct_matrix(n_mfcc, spec.n_mels), log_mel(audio, spec))


def onset_index(audio: np.ndarray, threshold_db: float = -40.0, preroll: int = 32) -> int:
    """Index just before the first sample within ``threshold_db`` of the peak of ``audio`` [N]."""
    mag = np.abs(audio)
    peak = float(mag.max()) if mag.size else 0.0
    if peak <= 0.0:
        return 0
    first = int(np.argmax(mag >= peak * 10.0 ** (threshold_db / 20.0)))
    return max(0, first - preroll)


DC_TAIL = 4        # the offset is read from the last 1/DC_TAIL of the audio ...
DC_SITS = 3.0      # ... when its mean is this many times what swings around it (the tail sits on it), or ...
DC_STEADY = 0.25   # ... when the means of its four parts are all within this share of it (a tail still ringing
                   # swings around the offset; a one-sided decay's parts fall away from each other)


def dc_offset(audio: np.ndarray) -> float:
    """The DC offset of mono ``audio`` [N], or 0.0 for none: the mean of its last quarter, where a one-shot has
    decayed to what it sits on or still rings around it, when the tail sits on it (the mean over :data:`DC_SITS`
    times the tail's standard deviation) or holds it steadily (the means of the tail's four parts all within
    :data:`DC_STEADY` of it).  A file without an offset is left exactly as it is: a decaying or one-sided sound has
    a mean of its own (a 0.12 s 808 shaker's is 27 dB under its peak), and taking it out of the whole clip moved
    the sound and put a DC into its quiet frames (the MFCC + LR baseline lost 1.7 points on the unseen kits to
    that).  On the benchmark's 805 drum samples (factory pack) an offset of 0.01 / 0.1 / -0.1 changed 12 / 49 / 47
    top tags with no removal, 2 / 4 / 4 with it, and no sample without an offset is touched."""
    if not audio.size:
        return 0.0
    tail = audio[audio.shape[-1] - -(-audio.shape[-1] // DC_TAIL):].astype(np.float64)
    mean = float(tail.mean())
    if mean == 0.0:
        return 0.0
    if abs(mean) > DC_SITS * float(tail.std()):
        return mean
    parts = np.array([float(part.mean()) for part in np.array_split(tail, 4)])
    return mean if float(np.max(np.abs(parts - mean))) < DC_STEADY * abs(mean) else 0.0


def without_dc(audio: np.ndarray) -> np.ndarray:
    """Mono [N] -> [N] float32 less its :func:`dc_offset`: an offset (an old converter's, a careless edit's) moves
    every sample off zero, so the leading silence sits within 40 dB of a quiet sound's peak and
    :func:`onset_index` found the onset at the first sample."""
    offset = dc_offset(audio)
    if offset == 0.0:
        return audio.astype(np.float32, copy=False)
    return (audio - np.float32(offset)).astype(np.float32, copy=False)


def tagger_clip(mono: np.ndarray, src_rate: int, rate: int, n: int, heard_rate: int = 0) -> np.ndarray:
    """What a tagger hears of a file: mono [M] at ``src_rate`` Hz -> [n] float32 at ``rate`` Hz, its DC offset
    removed (:func:`without_dc`, before resampling: the resampler would turn an offset at the file's start into
    a ramp), resampled (:func:`device.audio.resample.resample`), onset-aligned and fitted (:func:`fit_clip`).
    ``heard_rate`` (Hz, 0: none): a file at a higher rate goes through that rate first, so nothing above its
    Nyquist frequency is heard (a tagger trained on files of that rate hears others as it heard them).
    The one preparation, in training and on the box."""
    from device.audio.resample import resample
    mono = without_dc(mono)
    if 0 < heard_rate < src_rate:
        mono, src_rate = resample(mono, src_rate, heard_rate), heard_rate
    return fit_clip(resample(mono, src_rate, rate), n)


def fit_clip(audio: np.ndarray, n: int) -> np.ndarray:
    """Mono [N'] -> [n] float32: skip leading silence (to the onset), then crop or zero-pad."""
    start = onset_index(audio)
    out = np.zeros(n, np.float32)
    seg = audio[start:start + n]
    out[:seg.shape[0]] = seg
    return out


@dataclass(frozen=True)
class LowSpec:
    """A fine spectrum of the low end (where kicks, toms and hand drums differ by pitch and its glide),
    which the log-mel's 42 Hz bins blur: the audio decimated to ``rate`` Hz, ``n_fft``-point Hann frames
    every ``hop`` samples (at 2 kHz: 7.8 Hz bins, 128 ms frames every 32 ms), bins ``lo_hz`` to ``hi_hz``."""

    rate: int = 2000
    n_fft: int = 256
    hop: int = 64
    lo_hz: float = 20.0
    hi_hz: float = 500.0
    floor: float = 1e-10         # added to the power before the log

    def bin_range(self) -> tuple[int, int]:
        """(first, last + 1) rfft bins kept."""
        return int(np.ceil(self.lo_hz * self.n_fft / self.rate)), int(self.hi_hz * self.n_fft / self.rate) + 1

    def decimation(self, src_rate: int) -> int:
        """The integer factor from ``src_rate`` down to ``rate``; ValueError if there is none."""
        if src_rate % self.rate:
            raise ValueError(f"the low spectrum needs a rate that {self.rate} Hz divides, not {src_rate} Hz")
        return src_rate // self.rate


def low_log_power(audio: np.ndarray, src_rate: int, low: LowSpec) -> np.ndarray:
    """Natural-log power of the low end: [..., N] at ``src_rate`` Hz -> [..., F_low, T_low] float32,
    computed as :func:`device.audio.resample.resample` to ``low.rate`` then :func:`stft_power`."""
    from device.audio.resample import resample
    low.decimation(src_rate)
    b0, b1 = low.bin_range()
    power = stft_power(resample(audio, src_rate, low.rate), low.n_fft, low.hop)[..., b0:b1]
    return np.log(np.swapaxes(power, -1, -2) + low.floor).astype(np.float32)

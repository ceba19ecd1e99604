"""Harmonic-plus-noise synthesis: the one numpy implementation shared by trainer and box.

Frame convention (the trainer mirrors it in torch): frame ``j`` belongs to sample time ``j * hop``.
Harmonic amplitudes are interpolated linearly from frame ``j`` to ``j + 1`` over samples
``[j*hop, (j+1)*hop)``; harmonic ``k`` (1-based) has phase ``k * phi`` where ``phi`` integrates
the fundamental f0.  Noise frame ``j`` is ``2*hop`` samples centred on ``j*hop`` (periodic Hann,
50 % overlap-add).  Units: f0 and cutoffs in Hz, amplitudes linear (1.0 = full scale sine).

The box renders harmonics with wavetables (:func:`wavetables`, :func:`wavetable_read`), which is
exactly the additive sum with linearly interpolated amplitudes, up to table interpolation error;
:func:`additive` is the direct (slow) reference used by tests and the torch mirror.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

try:                                   # scipy's pocketfft keeps float32/complex64 (numpy's computes in double)
    from scipy import fft as _fft
except ImportError:                    # pragma: no cover - numpy alone works, only slower
    _fft = np.fft

TABLE_SIZE = 2048


def midi_to_hz(pitch: np.ndarray | float) -> np.ndarray:
    """MIDI note number (float, A4 = 69) -> Hz."""
    return 440.0 * 2.0 ** ((np.asarray(pitch, dtype=np.float64) - 69.0) / 12.0)


def harmonic_mask(f0: np.ndarray, n_harmonics: int, cutoff: float) -> np.ndarray:
    """[...] Hz -> [..., K] float32: 1 where harmonic k*f0 is below ``cutoff`` Hz, else 0."""
    k = np.arange(1, n_harmonics + 1, dtype=np.float64)
    return (np.asarray(f0, np.float64)[..., None] * k < cutoff).astype(np.float32)


def upsample_frames(frames: np.ndarray, hop: int) -> np.ndarray:
    """[F+1, ...] frame values -> [F*hop, ...] per-sample linear interpolation (frame j at j*hop)."""
    a = np.arange(hop, dtype=np.float64) / hop
    shape = (-1,) + (1,) * (frames.ndim - 1)
    segs = frames[:-1, None] * (1 - a).reshape((1,) + shape) + frames[1:, None] * a.reshape((1,) + shape)
    return segs.reshape((-1,) + frames.shape[1:])


def additive(amps: np.ndarray, f0: np.ndarray, hop: int, rate: int, phase0: float = 0.0) -> np.ndarray:
    """Direct sum: ``amps`` [F+1, K] per frame, ``f0`` [F*hop] Hz per sample -> audio [F*hop] float64.

    ``phi[n] = phase0 + 2*pi*cumsum(f0)[n-1]/rate`` (phi[0] = phase0), harmonic k uses k*phi.
    """
    a = upsample_frames(np.asarray(amps, np.float64), hop)
    phi = phase0 + 2 * np.pi * np.concatenate([[0.0], np.cumsum(f0[:-1], dtype=np.float64)]) / rate
    k = np.arange(1, a.shape[1] + 1)
    return np.sum(a * np.sin(phi[:, None] * k), axis=1)


# ----------------------------------------------------------------------------- wavetables
def wavetables(amps: np.ndarray, size: int = TABLE_SIZE) -> np.ndarray:
    """[V, K] harmonic amplitudes -> [V, size + 1] float32 single-cycle tables of sum_k a_k sin(k*phi).

    The extra last point repeats the first, so linear interpolation never wraps.
    """
    v, k = amps.shape
    spec = np.zeros((v, size // 2 + 1), np.complex64)
    spec[:, 1:k + 1] = (-0.5j * size) * amps
    out = np.empty((v, size + 1), np.float32)
    out[:, :size] = _fft.irfft(spec, n=size, axis=1)
    out[:, size] = out[:, 0]
    return out


def wavetable_read(prev: np.ndarray, nxt: np.ndarray, phase: np.ndarray, alpha: np.ndarray,
                   rows: np.ndarray | None = None) -> np.ndarray:
    """Crossfaded table lookup.

    prev, nxt: [R, S+1] tables; phase: [V, N] in cycles (any real; wrapped here);
    alpha: [N] or [V, N] crossfade weight of ``nxt`` (0..1); rows: [V] table rows to read
    (default ``arange(V)``, so no tables are copied).  Returns [V, N] float32.
    """
    size = prev.shape[1] - 1
    pos = (phase - np.floor(phase)) * size
    i = pos.astype(np.int64)
    np.minimum(i, size - 1, out=i)
    frac = (pos - i).astype(np.float32)
    rows = np.arange(phase.shape[0]) if rows is None else rows
    idx = i + (rows * (size + 1))[:, None]
    p0, p1 = prev.ravel()[idx], prev.ravel()[idx + 1]
    n0, n1 = nxt.ravel()[idx], nxt.ravel()[idx + 1]
    a = p0 + (p1 - p0) * frac
    b = n0 + (n1 - n0) * frac
    return a + (b - a) * alpha


# ----------------------------------------------------------------------------- filtered noise
def band_matrix(n_bands: int, n_fft: int, rate: int, cutoff: float) -> np.ndarray:
    """[n_bands, n_fft//2+1] linear-interpolation weights from band magnitudes to FFT-bin magnitudes.

    Band centres are spaced linearly over 0..``cutoff`` Hz; bins above ``cutoff`` get 0.
    """
    centres = np.linspace(0.0, cutoff, n_bands)
    freqs = np.fft.rfftfreq(n_fft, 1.0 / rate)
    eye = np.eye(n_bands)
    m = np.stack([np.interp(freqs, centres, eye[b]) for b in range(n_bands)])
    m[:, freqs > cutoff] = 0.0
    return m.astype(np.float32)


def random_phasors(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Unit-magnitude complex64 spectra with uniform random phase (DC and Nyquist real)."""
    ph = np.exp(2j * np.pi * rng.random(shape))
    ph[..., 0] = 1.0
    ph[..., -1] = 1.0
    return ph.astype(np.complex64)


def noise_gain(n_fft: int, rate: int, ref_rate: int) -> float:
    """Scale making the noise's power spectral density independent of ``rate`` (see module doc)."""
    return float(np.sqrt(n_fft * rate / ref_rate))


@lru_cache(maxsize=8)
def _hann(n: int) -> np.ndarray:
    w = (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(n) / n)).astype(np.float32)
    w.flags.writeable = False
    return w


def hann(n: int) -> np.ndarray:
    """Periodic Hann window [n] float32 (sums to 1 at 50 % overlap); cached, read-only."""
    return _hann(int(n))


def noise_frames(mags: np.ndarray, phasors: np.ndarray, bands: np.ndarray, rate: int,
                 ref_rate: int) -> np.ndarray:
    """[..., M] band magnitudes, [..., n_fft//2+1] phasors, [M, bins] band matrix -> [..., n_fft] windowed frames."""
    n_fft = 2 * (phasors.shape[-1] - 1)
    spec = (mags @ bands) * phasors
    frames = _fft.irfft(spec.astype(np.complex64), n=n_fft, axis=-1) * np.float32(noise_gain(n_fft, rate, ref_rate))
    return (frames * hann(n_fft)).astype(np.float32)


def noise_frame_sum(mags: np.ndarray, phasors: np.ndarray, bands: np.ndarray, rate: int,
                    ref_rate: int) -> np.ndarray:
    """``noise_frames(...).sum(axis=0)`` with one inverse FFT: [V, M], [V, bins] -> [n_fft] float32."""
    n_fft = 2 * (phasors.shape[-1] - 1)
    spec = np.einsum("vb,vb->b", mags @ bands, phasors)
    frame = _fft.irfft(spec.astype(np.complex64), n=n_fft) * np.float32(noise_gain(n_fft, rate, ref_rate))
    return (frame * hann(n_fft)).astype(np.float32)


def overlap_add(frames: np.ndarray, hop: int) -> np.ndarray:
    """[F+1, 2*hop] frames centred at j*hop -> [F*hop] samples (the first half of frame 0 is dropped)."""
    first, second = frames[:, :hop], frames[:, hop:]
    return (second[:-1] + first[1:]).reshape(-1)

"""Harmonic-plus-noise synthesis: the one numpy implementation shared by trainer and box.

Frame convention (the trainer mirrors it in torch): frame ``j`` belongs to sample time ``j * hop``.
Harmonic amplitudes are interpolated linearly from frame ``j`` to ``j + 1`` over samples
``[j*hop, (j+1)*hop)``; harmonic ``k`` (1-based) has phase ``k * phi`` where ``phi`` integrates
the fundamental f0.  Noise frame ``j`` is ``2*hop`` samples centred on ``j*hop`` (periodic Hann,
50 % overlap-add).  Units: f0 and cutoffs in Hz, amplitudes linear (1.0 = full scale sine).

The box renders harmonics with wavetables (:func:`wavetables`, and :func:`wavetable_voices`, a numba
kernel), which is exactly the additive sum with linearly interpolated amplitudes, up to table
interpolation error;
:func:`additive` is the direct (slow) reference used by tests and the torch mirror.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from device.audio.jit import kernel

try:                                   # scipy's pocketfft keeps float32/complex64 (numpy's computes in double)
    from scipy import fft as _fft
except ImportError:                    # pragma: no cover - numpy alone works, only slower
    _fft = np.fft

TABLE_SIZE = 2048
LOW_HZ = 20.0          # the box's harmonics under this are left out (sub-audio: a speaker's cone moves, no one hears)
LOW_FADE_HZ = 4.0      # ... fading out from LOW_HZ down to LOW_HZ - this (a wheel resting at 20 Hz does not flutter)


def midi_to_hz(pitch: np.ndarray | float) -> np.ndarray:
    """MIDI note number (float, A4 = 69) -> Hz."""
    return 440.0 * 2.0 ** ((np.asarray(pitch, dtype=np.float64) - 69.0) / 12.0)


def harmonic_mask(f0: np.ndarray, n_harmonics: int, cutoff: float, low: float = 0.0, fade: float = 0.0,
                  out: np.ndarray | None = None, scratch: np.ndarray | None = None) -> np.ndarray:
    """[...] Hz -> [..., K] float32 weights of harmonic k*f0: 0 at ``cutoff`` Hz and over; 1 from ``low`` Hz up to
    it; under ``low``, fading linearly to 0 at ``low - fade`` Hz (``fade`` 0: a step, 0 under ``low``).  ``out``
    ([..., K] float32) and ``scratch`` ([..., K] float64) are written in place when given (no allocation: the box's
    frames), else new arrays."""
    x = np.multiply(np.asarray(f0, np.float64)[..., None], _harmonic_numbers(n_harmonics), out=scratch)
    mask = np.less(x, cutoff, out=out) if out is not None else (x < cutoff).astype(np.float32)
    if low > 0.0:
        if fade > 0.0:
            x -= low - fade
            x *= 1.0 / fade
            np.clip(x, 0.0, 1.0, out=x)
        else:
            x -= low
            np.heaviside(x, 1.0, out=x)
        mask *= x
    return mask


@lru_cache(maxsize=8)
def _harmonic_numbers(n_harmonics: int) -> np.ndarray:
    """[K] float64 1..K (read-only: shared)."""
    k = np.arange(1, n_harmonics + 1, dtype=np.float64)
    k.setflags(write=False)
    return k


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
    out = np.empty((amps.shape[0], size + 1), np.float32)
    wavetables_into(amps, out, np.arange(amps.shape[0]), np.zeros((amps.shape[0], size // 2 + 1), np.complex64))
    return out


def wavetables_into(amps: np.ndarray, tables: np.ndarray, rows: np.ndarray, spec: np.ndarray) -> None:
    """:func:`wavetables` written into ``tables[rows]`` ([R, S+1] float32) without allocating tables.

    amps [V, K] float32; rows [V] int64; spec [>= V, S/2+1] complex64 scratch whose bins above K
    are zero (kept zero here, so the caller allocates it once).
    """
    n = amps.shape[0]
    size = tables.shape[1] - 1
    if amps.shape[1] >= spec.shape[1] or spec.shape[0] < n or 2 * (spec.shape[1] - 1) != size:
        raise ValueError(f"wavetables_into: {amps.shape[1]} harmonics, scratch {spec.shape}, tables {tables.shape}")
    _set_spectrum(amps, spec, np.float32(0.5 * size))
    _copy_rows(_fft.irfft(spec[:n], n=size, axis=1), tables, rows)


@kernel
def _set_spectrum(amps, spec, scale):  # type: ignore
    """spec[v, 1 + k] = -i * scale * amps[v, k] (a sine's coefficient in an inverse real FFT)."""
    for v in range(amps.shape[0]):
        for k in range(amps.shape[1]):
            spec[v, 1 + k] = complex(0.0, -scale * amps[v, k])


@kernel
def _copy_rows(src, tables, rows):  # type: ignore
    """tables[rows[v], :S] = src[v]; tables[rows[v], S] = src[v, 0] (the wrap-around guard point)."""
    size = src.shape[1]
    for v in range(src.shape[0]):
        r = rows[v]
        for i in range(size):
            tables[r, i] = src[v, i]
        tables[r, size] = src[v, 0]


@kernel
def _wavetable_voices(out, tab_prev, tab_next, rows, phase, f0_prev, f0_next, start, hop, rate, onset):  # type: ignore
    """The compiled loop behind :func:`wavetable_voices`."""
    size = tab_prev.shape[1] - 1
    for j in range(rows.shape[0]):
        r = rows[j]
        ph, fp = phase[r], f0_prev[r]
        df = f0_next[r] - fp
        o = onset[r]
        hold = o < 0                      # a voice fading out from -o on, full before it
        if hold:
            o = -o
        span = hop - o
        for n in range(0 if hold else max(0, o - start), out.shape[0]):
            a = max(0.0, (start + n - o) / span)
            x = (ph - np.floor(ph)) * size
            i = min(int(x), size - 1)
            fr = np.float32(x - i)
            p0 = tab_prev[r, i] + (tab_prev[r, i + 1] - tab_prev[r, i]) * fr
            p1 = tab_next[r, i] + (tab_next[r, i + 1] - tab_next[r, i]) * fr
            out[n] += p0 + (p1 - p0) * np.float32(a)
            ph += (fp + df * a) / rate
        phase[r] = ph - np.floor(ph)


def warm_up() -> None:
    """Compile this module's kernels now (a few seconds, once per process), not on the first audio block."""
    amps, rows = np.zeros((1, 1), np.float32), np.zeros(1, np.int64)
    tab = np.zeros((1, 5), np.float32)
    wavetables_into(amps, tab, rows, np.zeros((1, 3), np.complex64))
    wavetable_voices(np.zeros(1, np.float32), tab, tab, rows, np.zeros(1), np.zeros(1), np.zeros(1), 0, 1, 1.0,
                     np.zeros(1, np.int64))
    bands = band_matrix(2, 4, 4, 2.0)
    noise_frame_sum(np.zeros((1, 2), np.float32), random_phasors(np.random.default_rng(0), (1, 3)), rows,
                    band_pairs(bands), 4, 4)


def wavetable_voices(out: np.ndarray, tab_prev: np.ndarray, tab_next: np.ndarray, rows: np.ndarray,
                     phase: np.ndarray, f0_prev: np.ndarray, f0_next: np.ndarray, start: int, hop: int,
                     rate: float, onset: np.ndarray | None = None) -> None:
    """Add samples ``[start, start + N)`` of the current frame of voices ``rows`` into ``out``.

    out [N] float32 (added to, in place); tab_prev, tab_next [R, S+1] float32 single-cycle tables
    (:func:`wavetables`) of the frame start and end, crossfaded linearly over the frame's ``hop``
    samples; rows [V] int64; phase [R] float64 cycles of the fundamental (read, then advanced to
    the sample after the span, wrapped to [0, 1)); f0_prev, f0_next [R] Hz at the frame start and
    end, interpolated with the same weight; ``rate`` Hz.  Sample n of the frame has the phase
    ``phase + sum(f0[m] / rate for m < n)``, exactly the additive sum's phase (:func:`additive`).
    ``onset`` [R] int64 (None: all 0): a voice that starts at sample o of the frame (a timed note) is silent and
    its phase held before it, and its crossfade runs from there over the rest of the frame (``hop - o`` samples; the
    caller's envelope took a step of that length only, so its table is as quiet as that); at -o, a voice plays its
    start table up to o and crossfades from there (one fading out under a note that carries it on).
    """
    if onset is None:
        onset = np.zeros(tab_prev.shape[0], np.int64)
    _wavetable_voices(out, tab_prev, tab_next, rows, phase, f0_prev, f0_next, int(start), int(hop), float(rate),
                      onset)


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


def band_pairs(bands: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The band matrix of :func:`band_matrix` as per-bin pairs: bin b = w_lo[b] * band[lo[b]] + w_hi[b] * band[lo[b]+1].

    [M, bins] -> lo [bins] int64, w_lo, w_hi [bins] float32.  Raises ValueError for a matrix whose
    columns are not pairs of neighbouring bands (every matrix band_matrix makes is).
    """
    m, nb = bands.shape
    lo = np.zeros(nb, np.int64)
    w_lo, w_hi = np.zeros(nb, np.float32), np.zeros(nb, np.float32)
    for b in range(nb):
        nz = np.flatnonzero(bands[:, b])
        if len(nz) > 2 or (len(nz) == 2 and nz[1] != nz[0] + 1) or m < 2:
            raise ValueError(f"band matrix column {b} is not a pair of neighbouring bands")
        if len(nz):
            lo[b] = min(int(nz[0]), m - 2)
            w_lo[b], w_hi[b] = bands[lo[b], b], bands[lo[b] + 1, b]
    return lo, w_lo, w_hi


@kernel
def _noise_spectrum(mags, phasors, rows, lo, w_lo, w_hi, spec):  # type: ignore
    """spec[b] = sum_v (w_lo[b] mags[v, lo[b]] + w_hi[b] mags[v, lo[b] + 1]) * phasors[rows[v], b]."""
    for b in range(spec.shape[0]):
        spec[b] = 0.0
    for v in range(mags.shape[0]):
        r = rows[v]
        for b in range(spec.shape[0]):
            spec[b] += (w_lo[b] * mags[v, lo[b]] + w_hi[b] * mags[v, lo[b] + 1]) * phasors[r, b]


def noise_frame_sum(mags: np.ndarray, phasors: np.ndarray, rows: np.ndarray,
                    pairs: tuple[np.ndarray, np.ndarray, np.ndarray], rate: int, ref_rate: int) -> np.ndarray:
    """``noise_frames(mags, phasors[rows], bands, ...).sum(axis=0)`` with one inverse FFT.

    mags [V, M] float32; phasors [P, bins] complex64 (a bank; voice v uses row ``rows[v]``);
    pairs = :func:`band_pairs` of the band matrix -> [n_fft] float32 windowed frame.
    """
    n_fft = 2 * (phasors.shape[-1] - 1)
    spec = np.empty(phasors.shape[-1], np.complex64)
    _noise_spectrum(mags, phasors, rows, *pairs, spec)
    frame = _fft.irfft(spec, n=n_fft)
    frame *= np.float32(noise_gain(n_fft, rate, ref_rate))
    frame *= hann(n_fft)
    return frame.astype(np.float32, copy=False)


def overlap_add(frames: np.ndarray, hop: int) -> np.ndarray:
    """[F+1, 2*hop] frames centred at j*hop -> [F*hop] samples (the first half of frame 0 is dropped)."""
    first, second = frames[:, :hop], frames[:, hop:]
    return (second[:-1] + first[1:]).reshape(-1)

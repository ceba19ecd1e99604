"""Waveform augmentation for one-shots (numpy): gain, time shift, speed (pitch), noise, short reverb,
and a random recording-chain colour (EQ tilt and bells: kits differ most in how they were miked).

Each function maps a mono clip [L] float32 at ``rate`` Hz to a new array; :func:`augment` chains them at
random and returns exactly ``n`` samples.  ``rng`` is a numpy Generator so runs are reproducible.
"""
from __future__ import annotations

import numpy as np

DEFAULT_RATE = 16000    # Hz, where a caller gives none


def gain(x: np.ndarray, db: float) -> np.ndarray:
    return x * np.float32(10.0 ** (db / 20.0))


def shift(x: np.ndarray, samples: int) -> np.ndarray:
    """Delay by ``samples`` (>0, zeros in front) or advance (<0)."""
    if samples >= 0:
        return np.concatenate([np.zeros(samples, np.float32), x])[:x.size]
    return np.concatenate([x[-samples:], np.zeros(-samples, np.float32)])


def speed(x: np.ndarray, factor: float) -> np.ndarray:
    """Play ``factor`` times faster (pitch up by 12*log2(factor) semitones); linear interpolation."""
    pos = np.arange(0.0, x.size - 1, factor)
    i = pos.astype(np.int64)
    frac = (pos - i).astype(np.float32)
    return x[i] * (1 - frac) + x[i + 1] * frac


def noise(x: np.ndarray, snr_db: float, rng: np.random.Generator) -> np.ndarray:
    rms = float(np.sqrt(np.mean(x ** 2))) + 1e-9
    return x + rng.standard_normal(x.size, dtype=np.float32) * np.float32(rms * 10 ** (-snr_db / 20))


def reverb(x: np.ndarray, rt60_s: float, wet: float, rng: np.random.Generator, rate: int = DEFAULT_RATE) -> np.ndarray:
    """Convolve with exponentially decaying noise (a small room), mixed ``wet`` into the dry clip."""
    from scipy import fft
    n_ir = max(16, int(rt60_s * rate))
    decay = np.exp(np.float32(-6.9 / n_ir) * np.arange(n_ir, dtype=np.float32))     # -60 dB at the end
    ir = rng.standard_normal(n_ir, dtype=np.float32) * decay
    ir /= np.sqrt(np.sum(ir ** 2))
    size = fft.next_fast_len(x.size + n_ir, real=True)
    wet_sig = fft.irfft(fft.rfft(x, size) * fft.rfft(ir, size), size)[:x.size]
    return ((1 - wet) * x + wet * wet_sig).astype(np.float32)


def colour(x: np.ndarray, tilt_db: float, bells: list[tuple[float, float, float]], rate: int = DEFAULT_RATE) -> np.ndarray:
    """Zero-phase EQ: a tilt of ``tilt_db`` per octave around 1 kHz plus bells (centre Hz, gain dB,
    width in octaves), applied as a smooth gain curve on the clip's spectrum."""
    from scipy import fft
    size = fft.next_fast_len(x.size, real=True)
    freqs = np.fft.rfftfreq(size, 1.0 / rate)
    octaves = np.log2(np.maximum(freqs, 20.0) / 1000.0)
    db = tilt_db * octaves
    for centre, gain_db, width in bells:
        db = db + gain_db * np.exp(-0.5 * ((octaves - np.log2(centre / 1000.0)) / width) ** 2)
    return fft.irfft(fft.rfft(x, size) * (10.0 ** (db / 20.0)), size)[:x.size].astype(np.float32)


def random_colour(x: np.ndarray, rng: np.random.Generator, rate: int = DEFAULT_RATE) -> np.ndarray:
    top = min(7000.0, 0.45 * rate)
    bells = [(float(np.exp(rng.uniform(np.log(60), np.log(top)))), float(rng.uniform(-9, 9)),
              float(rng.uniform(0.3, 1.2))) for _ in range(int(rng.integers(1, 3)))]
    return colour(x, float(rng.uniform(-2.5, 2.5)), bells, rate)


LOW_RATES = (22050, 16000, 11025)     # Hz: sample files a producer's library holds below the front-end's rate


def band_limit(x: np.ndarray, low: int, rate: int = DEFAULT_RATE) -> np.ndarray:
    """The clip as a ``low`` Hz file of it sounds at ``rate`` Hz: down to ``low`` and back up with the box's own
    resampler (device.audio.resample), so nothing above ``low`` / 2 remains; the same length."""
    from device.audio.resample import resample
    y = resample(resample(x, rate, low), low, rate)
    return fit(y, x.size) if y.size != x.size else y.astype(np.float32)


def quantised(x: np.ndarray, peak_db: float, bits: int) -> np.ndarray:
    """The clip as a ``bits``-bit file whose peak is at ``peak_db`` dBFS holds it, scaled back to its own peak: the
    rounding noise of a quiet integer file (41 dB under the peak of a 16-bit file 60 dB down), which the level
    normalisation inside the graph brings up with the sound."""
    peak = float(np.abs(x).max())
    if peak <= 0.0:
        return x.astype(np.float32)
    full = float(2 ** (bits - 1))
    level = 10.0 ** (peak_db / 20.0) / peak
    return (np.round(x * level * full) / (full * level)).astype(np.float32)


def fit(x: np.ndarray, n: int) -> np.ndarray:
    out = np.zeros(n, np.float32)
    out[:min(n, x.size)] = x[:n]
    return out


def augment(x: np.ndarray, n: int, rng: np.random.Generator, strength: float = 1.0,
            rate: int = DEFAULT_RATE, band_limit_p: float = 0.0, quantise_p: float = 0.0) -> np.ndarray:
    """A random chain of the above on clip ``x`` [L>=n] at ``rate`` Hz; returns [n] float32.  ``band_limit_p``: the
    chance that the clip is heard as a lower-rate file (:func:`band_limit` to one of :data:`LOW_RATES` below
    ``rate``), after everything else; ``quantise_p``: the chance that it is then heard as a quiet integer file
    (:func:`quantised`: 16 bits with its peak at -75 to -25 dBFS, or 8 bits at -30 to 0 dBFS, one in five)."""
    y = x
    if rng.random() < 0.6 * strength:
        y = speed(y, float(2.0 ** (rng.uniform(-3, 3) / 12)))
    if rng.random() < 0.6 * strength:
        y = random_colour(y, rng, rate)
    if rng.random() < 0.4 * strength:
        y = reverb(y, rng.uniform(0.05, 0.4), rng.uniform(0.05, 0.35), rng, rate)
    if rng.random() < 0.5 * strength:
        y = shift(y, int(rng.integers(-5 * rate // 1000, 30 * rate // 1000)))      # -5 to +30 ms
    if rng.random() < 0.4 * strength:
        y = noise(y, rng.uniform(20, 50), rng)
    lows = [r for r in LOW_RATES if r < rate]
    if lows and rng.random() < band_limit_p:
        y = band_limit(fit(y, n), int(rng.choice(lows)), rate)
    if rng.random() < quantise_p:
        y = quantised(y, *((float(rng.uniform(-30, 0)), 8) if rng.random() < 0.2 else (float(rng.uniform(-75, -25)), 16)))
    return fit(gain(y, rng.uniform(-18, 6)), n)

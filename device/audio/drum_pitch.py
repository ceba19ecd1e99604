"""A drum hit's pitch, cheaply: the strongest spectral peak of the first 200 ms after its onset, between 30 Hz and
1 kHz (a tom's fundamental; what orders a kit's toms low to high, device.kit_families.fill_by_pitch).

Numpy only, no work at import time.  Not a pitch tracker: a hit's fundamental is its loudest low partial for toms,
kicks and snares' shells; cymbals and hats (noise) get a number that orders nothing meaningful, and are not asked.
"""
from __future__ import annotations

import math

import numpy as np

from device.audio.mel import onset_index

WINDOW_S = 0.2             # how much of the hit is weighed, from its onset
ONSET_DB = -20.0           # the onset: the first sample within this of the peak (10 %; leading silence skipped)
BAND_HZ = (30.0, 1000.0)   # where a drum's fundamental is looked for
MIN_BINS_PER_HZ = 1.0      # the spectrum is zero-padded to at least this resolution (bins per Hz)


def drum_pitch_hz(mono: np.ndarray, rate: int, window_s: float = WINDOW_S) -> float:
    """The pitch (Hz) of drum hit ``mono`` [n] float (rate ``rate`` Hz): the frequency of the strongest peak of the
    Hann-windowed magnitude spectrum of its first ``window_s`` seconds from its onset (device.audio.mel.onset_index:
    the first sample within :data:`ONSET_DB` of its peak, no preroll), within :data:`BAND_HZ`,
    refined between bins by a parabola; nan for silence or a file too short to hold one cycle of the band's bottom."""
    start = onset_index(mono, ONSET_DB, preroll=0)
    part = np.asarray(mono[start:start + max(1, int(round(rate * window_s)))], dtype=np.float64)
    low, high = BAND_HZ
    if part.size < rate / low or not np.any(part):
        return math.nan
    part = (part - part.mean()) * np.hanning(part.size)
    size = 1 << int(math.ceil(math.log2(max(part.size, rate * MIN_BINS_PER_HZ))))
    spectrum = np.abs(np.fft.rfft(part, size))
    first, last = int(math.ceil(low * size / rate)), int(math.floor(high * size / rate))
    band = spectrum[first:last + 1]
    if not band.size or float(band.max()) <= 0.0:
        return math.nan
    k = first + int(np.argmax(band))
    return _refined(spectrum, k) * rate / size


def _refined(spectrum: np.ndarray, k: int) -> float:
    """Bin ``k`` of a magnitude ``spectrum`` moved to the top of the parabola through it and its neighbours."""
    if k <= 0 or k >= spectrum.size - 1:
        return float(k)
    a, b, c = (float(x) for x in spectrum[k - 1:k + 2])
    bend = a - 2.0 * b + c
    return k + (0.5 * (a - c) / bend if bend < 0.0 else 0.0)

"""Per-frame features of a note: loudness (dB) and fundamental frequency.

Frame ``j`` is centred at sample ``j * hop`` (the convention of device.audio.harmonic).
"""
from __future__ import annotations

import numpy as np

from device.audio.harmonic import hann, midi_to_hz

LOUDNESS_FLOOR_DB = -100.0


def loudness_db(x: np.ndarray, hop: int) -> np.ndarray:
    """[N] audio (N a multiple of hop) -> [N//hop + 1] Hann-weighted RMS level in dB re full-scale sine."""
    w = hann(2 * hop)
    padded = np.pad(x.astype(np.float64), hop)
    n_frames = len(x) // hop + 1
    idx = np.arange(n_frames)[:, None] * hop + np.arange(2 * hop)
    ms = np.sum(padded[idx] ** 2 * w, axis=1) / np.sum(w)
    return np.maximum(10 * np.log10(2 * ms + 1e-12), LOUDNESS_FLOOR_DB).astype(np.float32)


FINE_LAG_RATE = 192000      # Hz: periods are weighed on a lag grid this fine (24 kHz: 1/8 sample)
DIP_WIDTH = 1.1             # YIN's period is the lowest point within 10 % past its first lag under the threshold
SHORTER_PERIOD_SLACK = 2.0  # a period 1/m of YIN's is taken when it repeats within this factor as well ...
SHORTER_PERIOD_FLOOR = 0.5  # ... and its normalised autocorrelation is at least this


F0_MAX_HZ = 4400.0          # the highest fundamental estimate_f0 looks for by default: over C8 (4186 Hz, MIDI 108)


def estimate_f0(x: np.ndarray, rate: int, fmin: float = 30.0, fmax: float = F0_MAX_HZ) -> float:
    """Fundamental (Hz) of a harmonic sound ``x`` [N] at ``rate`` Hz, NaN when ``x`` is too short to hold a
    period of ``fmin``..``fmax`` Hz: YIN (cumulative mean normalised difference, threshold 0.15, then the
    floor of that dip) on lags a fraction of a sample apart (FINE_LAG_RATE), then the shortest period
    ``L/m`` that YIN's lag ``L`` holds (:func:`_shorter_period`).  Coarse estimate; :func:`refine_f0`
    sharpens it to a fraction of a cent.

    Whole-sample lags and YIN's normalisation both favour a multiple of a short period: a plucked note's
    loud attack repeats itself poorly (FluidR3 GM's nylon guitar at 740-1480 Hz: 0.6-0.8 over its first
    50 ms, 0.999 after), and whole-sample YIN read those notes 19 to 47 semitones low.  Up to the fortieth stop
    ``fmax`` was 2000 Hz: a note over MIDI 95 was read an octave or more low (FluidR3 GM, twelve instruments at
    MIDI 95-108: 110 of 122 wrong; at 4400 Hz 17, the same errors as before below MIDI 95)."""
    x = np.asarray(x, np.float64)
    up = max(1, int(np.ceil(FINE_LAG_RATE / rate)))
    ac = _autocorr(x, up)
    cmnd, lo = _cmnd(x, rate, fmin, fmax, up, ac)
    if len(cmnd) <= lo:
        return float("nan")
    cand = np.where(cmnd[lo:] < 0.15)[0]
    lag = (cand[0] + lo) if len(cand) else int(np.argmin(cmnd[lo:]) + lo)
    lag += int(np.argmin(cmnd[lag: int(lag * DIP_WIDTH) + 1]))     # the dip's floor, past small ripples
    while lag + 1 < len(cmnd) and cmnd[lag + 1] < cmnd[lag]:
        lag += 1
    sim = _similarity(x, ac, up, int((lag + 1) * 1.05) + 4)     # lags up to YIN's period and its peak window
    return rate / _shorter_period(sim, (lag + 1) / up, up, rate / fmax)


def _similarity(x: np.ndarray, ac: np.ndarray, up: int, lags: int) -> np.ndarray:
    """Normalised autocorrelation of ``x`` [N] at lags ``i / up`` samples, i = 0 .. ``lags`` - 1, from its
    :func:`_autocorr` ``ac``: ``2 sum x[t] x[t+lag] / (energy of the overlapping head + tail)``, 1 for a sound
    that repeats itself after ``lag`` (decaying or not), about 0 for noise, -1 for a sign flip."""
    x = x - np.mean(x)
    n = len(x)
    csum = np.concatenate([[0.0], np.cumsum(x ** 2)])
    lag = np.arange(min(lags, len(ac))) / up
    head = np.interp(n - lag, np.arange(n + 1), csum)
    tail = csum[-1] - np.interp(lag, np.arange(n + 1), csum)
    return 2 * ac[: len(lag)] / np.maximum(head + tail, 1e-12)


def _shorter_period(sim: np.ndarray, period: float, up: int, shortest: float) -> float:
    """The shortest ``period / m`` (samples; m = 1, 2, ... while at least ``shortest``) that is a period of
    the sound whose normalised autocorrelation is ``sim`` (:func:`_similarity`, lags 1/``up`` apart): at it
    and at each of its multiples up to ``period`` (an inharmonic partial's period fails there) ``sim`` peaks
    (the best within 1 % of the lag, not at the window's edge) after it has gone under 0 (over a true period
    a zero-mean sound's autocorrelation averages 0), reaching SHORTER_PERIOD_FLOOR and missing 1 by at most
    SHORTER_PERIOD_SLACK times what it misses at ``period``.  A note that YIN reads at a multiple of its
    period (a twelfth, an octave and more low) comes back to its own; ``period`` (at its peak) where none is."""
    lowest = np.minimum.accumulate(sim)

    def peak(lag: float) -> tuple[float, int] | None:
        i = int(round(lag * up))
        w = max(2, int(0.01 * lag * up))
        a, b = max(1, i - w), min(i + w + 1, len(sim))
        if b - a < 3:
            return None
        j = a + int(np.argmax(sim[a:b]))
        return (float(sim[j]), j) if a < j < b - 1 else None

    found = peak(period)
    if found is None:
        return period
    miss, out = max(1.0 - found[0], 1e-6), found[1] / up

    def repeats(lag: float) -> int | None:
        found = peak(lag)
        if found is None:
            return None
        s, j = found
        return j if s >= SHORTER_PERIOD_FLOOR and 1.0 - s <= SHORTER_PERIOD_SLACK * miss and lowest[j] < 0 else None

    for m in range(2, int(period / shortest) + 1):
        j = repeats(period / m)
        if j is not None and all(repeats(k * period / m) is not None for k in range(2, m)):
            out = j / up
    return out


def _autocorr(x: np.ndarray, up: int) -> np.ndarray:
    """Autocorrelation ``sum x[t] x[t+lag]`` of ``x`` [N] (mean taken out) at lags ``i / up`` samples,
    i = 0 .. N*up - 1 (``up`` > 1: band-limited interpolation)."""
    x = x - np.mean(x)
    n = len(x)
    return np.fft.irfft(np.abs(np.fft.rfft(x, 2 * n)) ** 2, 2 * n * up)[: n * up] * up


def _cmnd(x: np.ndarray, rate: int, fmin: float, fmax: float, up: int = 1,
          ac: np.ndarray | None = None) -> tuple[np.ndarray, int]:
    """YIN's cumulative mean normalised difference of ``x`` [N] for lags 1/``up``, 2/``up``, ... samples
    (entry ``i`` is lag ``(i + 1) / up``; ``ac``: :func:`_autocorr` of ``x``, computed when not given), and the
    index where lags of ``fmax`` start: about 0 at a periodic sound's period, about 1 for noise."""
    x = x - np.mean(x)
    n = len(x)
    ac = _autocorr(x, up) if ac is None else ac
    lo, hi = int(rate * up / fmax), min(int(rate * up / fmin), n * up // 2)
    energy = np.cumsum(x[::-1] ** 2)[::-1]
    if up > 1:
        energy = np.interp(np.arange(hi) / up, np.arange(n), energy)
    d = energy[0] + energy[:hi] - 2 * ac[:hi]           # difference function (YIN)
    return d[1:hi] * np.arange(1, hi) / np.maximum(np.cumsum(d[1:hi]), 1e-12), lo


def aperiodicity(x: np.ndarray, rate: int, fmin: float = 30.0, fmax: float = 2000.0) -> float:
    """How little the loudest half second of ``x`` [N] repeats itself at any period of ``fmin``..``fmax`` Hz:
    YIN's smallest normalised difference, 0 for a steady tone, about 1 for noise (measured on FluidR3 GM at
    24 kHz: flute, trumpet, violin, organ, bass 0.002-0.03, piano and nylon guitar up to 0.15, white noise,
    seashore, cymbal, gunshot 0.7-0.96; a tone with as much white noise as tone 0.38)."""
    seg = loudest_segment(x, rate, 0.5).astype(np.float64)
    cmnd, lo = _cmnd(seg, rate, fmin, fmax)
    return float(np.min(cmnd[lo:])) if len(cmnd) > lo else 1.0


def name_only_share(x: np.ndarray, rate: int, f_name: float, f_measured: float, n_harmonics: int = 16) -> float:
    """The share of the harmonic energy of ``x`` [N] (loudest half second) that lies on harmonics of ``f_name``
    (Hz) that are no harmonics of ``f_measured``: about 0 when the note is really at ``f_measured`` and
    ``f_name`` is a fraction of it or one of its harmonics (a name an octave off), clearly above 0 when
    the note is at ``f_name`` and the estimator slipped (its odd harmonics stand beside the even ones).
    Peaks are the largest power within +-40 cents of each harmonic, up to ``n_harmonics`` of the lower
    frequency and 90 % of Nyquist."""
    seg = loudest_segment(x, rate, 0.5).astype(np.float64)
    n_fft = 1 << int(np.ceil(np.log2(len(seg) * 4)))
    power = np.abs(np.fft.rfft((seg - seg.mean()) * np.hanning(len(seg)), n_fft)) ** 2
    bin_hz = rate / n_fft
    top = min(n_harmonics * min(f_name, f_measured), 0.45 * rate)

    def peaks(f0: float) -> dict[int, float]:
        out = {}
        for k in range(1, int(top / f0) + 1):
            lo = int(k * f0 * 2 ** (-40 / 1200) / bin_hz)
            hi = max(lo + 1, int(np.ceil(k * f0 * 2 ** (40 / 1200) / bin_hz)) + 1)
            out[k] = float(power[lo:hi].max())
        return out
    named, measured = peaks(f_name), peaks(f_measured)
    shared = lambda k: abs(k * f_name / f_measured - round(k * f_name / f_measured)) < 0.02    # noqa: E731
    only = sum(p for k, p in named.items() if not shared(k))
    total = sum(named.values()) + sum(p for k, p in measured.items()
                                      if abs(k * f_measured / f_name - round(k * f_measured / f_name)) >= 0.02)
    return only / total if total > 0 else 0.0


def refine_f0(x: np.ndarray, rate: int, f0: float, n_harmonics: int = 8) -> float:
    """Refine ``f0`` (Hz) from the peaks of the first harmonics (zero-padded FFT, parabolic peaks).

    Each harmonic k's peak is searched within +-40 cents of k*f0; the estimate is the
    amplitude-weighted mean of peak_k / k.  A harmonic with no peak there (the spectrum flat or
    rising through the window, as for a click followed by silence) is left out; with none left,
    ``f0`` comes back unchanged.
    """
    n_fft = 1 << int(np.ceil(np.log2(len(x) * 8)))
    mag = np.log(np.abs(np.fft.rfft(x * np.hanning(len(x)), n_fft)) + 1e-12)
    bin_hz = rate / n_fft
    ests, weights = [], []
    for k in range(1, n_harmonics + 1):
        lo, hi = int(k * f0 * 2 ** (-40 / 1200) / bin_hz), int(k * f0 * 2 ** (40 / 1200) / bin_hz) + 1
        if hi + 1 >= len(mag) or k * f0 > rate / 2 * 0.9:
            break
        i = lo + int(np.argmax(mag[lo:hi]))
        a, b, c = mag[i - 1], mag[i], mag[i + 1]
        curve = a - 2 * b + c
        if i == 0 or curve >= 0:                # not a peak: its "vertex" could lie anywhere, even below 0 Hz
            continue
        off = min(0.5, max(-0.5, 0.5 * (a - c) / curve))
        ests.append((i + off) * bin_hz / k)
        weights.append(np.exp(b))
    return float(np.average(ests, weights=weights)) if ests else f0


def estimate_pitch(x: np.ndarray, rate: int) -> float | None:
    """MIDI pitch (float) of a note [N], measured on its loudest half second; None when there is no
    pitch to measure: that half second is silent (level at or under LOUDNESS_FLOOR_DB) or gives no
    positive frequency."""
    seg = loudest_segment(x, rate, 0.5)
    level = 10 * np.log10(2 * np.mean(seg.astype(np.float64) ** 2) + 1e-30)    # dB re full-scale sine
    if level <= LOUDNESS_FLOOR_DB:
        return None
    f0 = estimate_f0(seg, rate)
    if not np.isfinite(f0):
        return None
    f0 = refine_f0(seg, rate, f0)
    if not (np.isfinite(f0) and f0 > 0):
        return None
    return float(69 + 12 * np.log2(f0 / 440.0))


def loudest_segment(x: np.ndarray, rate: int, seconds: float) -> np.ndarray:
    """The ``seconds``-long window of ``x`` with the most energy (hop 10 ms)."""
    n = min(len(x), int(seconds * rate))
    hop = max(1, rate // 100)
    csum = np.concatenate([[0.0], np.cumsum(x.astype(np.float64) ** 2)])
    starts = np.arange(0, len(x) - n + 1, hop)
    best = starts[int(np.argmax(csum[starts + n] - csum[starts]))]
    return x[best:best + n]


def cents_error(x: np.ndarray, rate: int, pitch: float, start_s: float = 0.2, seconds: float = 0.6) -> float:
    """Signed pitch error (cents) of audio ``x`` against MIDI ``pitch`` on a steady segment."""
    seg = x[int(start_s * rate): int((start_s + seconds) * rate)]
    f0 = refine_f0(seg, rate, float(midi_to_hz(pitch)))
    return float(1200 * np.log2(f0 / float(midi_to_hz(pitch))))

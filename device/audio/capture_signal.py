"""The capture signal: what the box plays through the musician's gear to profile it (numpy, one implementation).

Fixed and seeded: the same ``seconds``, ``rate`` and ``seed`` always give the same samples (a laptop can check a
take's dry signal by its sha256).  Layout, in order (:func:`layout`; the gap scales with the length, 0.1..0.5 s)::

    lead-in silence 0.25 s | sync blip 10 ms | gap | sine sweep -30 dBFS | gap | sweep -18 | gap | sweep -6 | gap
    | noise burst -36 dBFS peak | gap | -24 | gap | -12 | gap | -6 | gap | guitar-like playing ... | gap

- the **blip** (band-passed noise, 100 Hz..3 kHz, Hann window) is a clear first onset; the box finds the round
  trip from the impulse response of the whole return against the signal (device/audio/align.py, the trainer's own
  method), whose earliest strong tap is the direct sound even where a delay's echo is louder;
- the **sweeps** (exponential, 20 Hz..20 kHz) and **noise bursts** cover frequency and level;
- the **guitar-like part** (device/audio/guitar_like.py, its level stepping through 0, -12, -6, -18 dB every 2 s)
  comes last, so the trainer's held-out tail (the last 15 %) is playing, at several levels;
- the **gaps** are silence: the trainer measures the gear's noise floor there (trainer/effect/gaps.py).

The whole peaks at :data:`PEAK_DBFS` (-6 dBFS), with 10 ms fades in and out and 5 ms fades on every part.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

from device.audio.guitar_like import plucks
from device.audio.protect import db_to_lin
from device.control import CAPTURE_SECONDS_RANGE

RATE = 48_000
VERSION = 1                        # bump when the signal changes: takes of another version do not pair
SEED = 44                          # the signal's fixed seed
DEFAULT_SECONDS = 60.0
SECONDS_RANGE = CAPTURE_SECONDS_RANGE   # shorter has too little playing; longer holds 115 MB on the box at 48 kHz
PEAK_DBFS = -6.0
LEAD_S, BLIP_S = 0.25, 0.01
FADE_S, PART_FADE_S = 0.01, 0.005
SWEEP_DBFS = (-30.0, -18.0, -6.0)
NOISE_DBFS = (-36.0, -24.0, -12.0, -6.0)
SWEEP_SHARE, NOISE_SHARE = 0.09, 0.035    # of the whole length, each sweep / noise burst
GUITAR_STEPS_DB = (0.0, -12.0, -6.0, -18.0)
GUITAR_STEP_S = 2.0


@dataclass(frozen=True)
class Part:
    """One stretch of the signal: ``kind`` (silence, blip, gap, sweep, noise, guitar), ``start``/``end`` in samples,
    ``level_dbfs`` (the part's peak, before the whole is scaled to PEAK_DBFS; 0 for silence)."""

    kind: str
    start: int
    end: int
    level_dbfs: float = 0.0


def gap_seconds(seconds: float) -> float:
    """The silence between parts for a signal of ``seconds``: 2 % of it, within 0.1..0.5 s."""
    return min(0.5, max(0.1, 0.02 * seconds))


def layout(seconds: float = DEFAULT_SECONDS, rate: int = RATE) -> list[Part]:
    """The parts of a ``seconds``-long signal at ``rate`` Hz, in order, covering [0, N) exactly."""
    n, gap = int(round(seconds * rate)), int(round(gap_seconds(seconds) * rate))
    plan = [("silence", int(LEAD_S * rate), 0.0), ("blip", int(BLIP_S * rate), -12.0), ("gap", gap, 0.0)]
    plan += [p for level in SWEEP_DBFS for p in (("sweep", int(SWEEP_SHARE * n), level), ("gap", gap, 0.0))]
    plan += [p for level in NOISE_DBFS for p in (("noise", int(NOISE_SHARE * n), level), ("gap", gap, 0.0))]
    used = sum(length for _, length, _ in plan) + gap
    plan += [("guitar", n - used, 0.0), ("gap", gap, 0.0)]
    parts, at = [], 0
    for kind, length, level in plan:
        parts.append(Part(kind, at, at + length, level))
        at += length
    return parts


def check_seconds(seconds: float) -> float:
    """``seconds`` as a float, ValueError in words outside :data:`SECONDS_RANGE`."""
    lo, hi = SECONDS_RANGE
    if not lo <= float(seconds) <= hi:
        raise ValueError(f"a capture signal is {lo:g} to {hi:g} s long, not {seconds:g} s")
    return float(seconds)


def _fade(x: np.ndarray, length: int) -> np.ndarray:
    """``x`` with half-Hann fades of ``length`` samples at both ends (in place; returns it)."""
    m = min(length, x.shape[0] // 2)
    if m > 0:
        ramp = 0.5 - 0.5 * np.cos(np.pi * (np.arange(m) + 0.5) / m)
        x[:m] *= ramp
        x[-m:] *= ramp[::-1]
    return x


def _band_noise(n: int, rng: np.random.Generator, lo: float, hi: float, rate: int) -> np.ndarray:
    """White noise kept between ``lo`` and ``hi`` Hz (an FFT mask), peak 1 -> [n] float64."""
    spec = np.fft.rfft(rng.standard_normal(n))
    freqs = np.fft.rfftfreq(n, 1.0 / rate)
    spec[(freqs < lo) | (freqs > hi)] = 0.0
    x = np.fft.irfft(spec, n)
    return x / max(float(np.max(np.abs(x))), 1e-12)


def blip(rate: int = RATE, seed: int = SEED) -> np.ndarray:
    """The sync blip: 10 ms of noise in 100 Hz..3 kHz under a Hann window, peak 1 -> [int(BLIP_S * rate)]."""
    n = int(BLIP_S * rate)
    x = _band_noise(n, np.random.default_rng(seed), 100.0, 3000.0, rate) * np.hanning(n)
    return x / max(float(np.max(np.abs(x))), 1e-12)


def _sweep(n: int, rate: int) -> np.ndarray:
    """An exponential sine sweep from 20 Hz to 20 kHz (or 0.45 x rate), peak 1 -> [n]."""
    f0, f1 = 20.0, min(20000.0, 0.45 * rate)
    t = np.arange(n) / rate
    length = max(n / rate, 1e-9)
    k = np.log(f1 / f0)
    return np.sin(2 * np.pi * f0 * length / k * (np.exp(t * k / length) - 1.0))


def _noise(n: int, rng: np.random.Generator) -> np.ndarray:
    """Gaussian noise held to +-3 sigma, peak 1 -> [n]."""
    return np.clip(rng.standard_normal(n), -3.0, 3.0) / 3.0


def _guitar(n: int, rate: int, seed: int) -> np.ndarray:
    """The guitar-like playing, its level stepping through GUITAR_STEPS_DB every GUITAR_STEP_S -> [n]."""
    x = plucks(n / rate, seed, rate).astype(np.float64)[:n]
    x = np.pad(x, (0, n - x.shape[0]))
    step = np.arange(n) // max(1, int(GUITAR_STEP_S * rate))
    return x * np.array([db_to_lin(v) for v in GUITAR_STEPS_DB])[step % len(GUITAR_STEPS_DB)]


def _part(part: Part, rate: int, rng: np.random.Generator, seed: int) -> np.ndarray:
    """The samples of one part, at its level -> [end - start] float64."""
    n = part.end - part.start
    if part.kind == "blip":
        return db_to_lin(part.level_dbfs) * blip(rate, seed)[:n]
    if part.kind == "sweep":
        return db_to_lin(part.level_dbfs) * _sweep(n, rate)
    if part.kind == "noise":
        return db_to_lin(part.level_dbfs) * _noise(n, rng)
    if part.kind == "guitar":
        return _guitar(n, rate, seed)
    return np.zeros(n)


def capture_signal(seconds: float = DEFAULT_SECONDS, rate: int = RATE, seed: int = SEED) -> np.ndarray:
    """The capture signal -> [int(round(seconds * rate))] float32, peak exactly PEAK_DBFS (see the module)."""
    check_seconds(seconds)
    rng = np.random.default_rng(seed + 1)
    parts = layout(seconds, rate)
    x = np.zeros(parts[-1].end)
    for part in parts:
        x[part.start:part.end] = _fade(_part(part, rate, rng, seed), int(PART_FADE_S * rate))
    x = _fade(x, int(FADE_S * rate))
    return (x * (db_to_lin(PEAK_DBFS) / float(np.max(np.abs(x))))).astype(np.float32)


def blip_span(seconds: float = DEFAULT_SECONDS, rate: int = RATE) -> tuple[int, int]:
    """``[start, end)`` of the sync blip in the signal, samples."""
    part = next(p for p in layout(seconds, rate) if p.kind == "blip")
    return part.start, part.end


def signal_sha256(audio: np.ndarray) -> str:
    """The sha256 of a signal's float32 little-endian samples (how a laptop knows two dry signals are one)."""
    return hashlib.sha256(np.asarray(audio, "<f4").tobytes()).hexdigest()

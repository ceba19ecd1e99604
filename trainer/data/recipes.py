"""The data sets of the effect benchmarks, each written as a folder with pairs.csv + heldout.csv.

* ``chain``      : guitar DI through a pedalboard drive chain (one setting, no knobs).
* ``ds1``        : guitarix Boss DS-1 via lv2apply on a DRIVE x TONE grid; held-out settings apart.
* ``compressor`` : pedalboard Compressor with threshold_db / ratio knobs; held-out audio and settings.
* ``denoise``    : (noisy, clean) pairs: guitar with muted passages + hiss + hum at several levels.

Training and held-out audio always come from different random seeds (different phrases).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from device.audio import audiofile
from trainer.data import gear, lv2, noise
from trainer.data.guitar import RATE, guitar_take
from trainer.data.pairs import HELDOUT_NAME, PAIRS_NAME, PairRow, write_pairs

Gear = Callable[[np.ndarray, dict[str, float]], np.ndarray]

DS1_TRAIN = [{"DRIVE": d, "TONE": t} for d in (0.1, 0.5, 0.9) for t in (0.1, 0.5, 0.9)]
DS1_HELDOUT = [{"DRIVE": 0.3, "TONE": 0.3}, {"DRIVE": 0.7, "TONE": 0.7},
               {"DRIVE": 0.3, "TONE": 0.7}, {"DRIVE": 0.7, "TONE": 0.3}]
COMP_TRAIN = [{"threshold_db": th, "ratio": r} for th in (-40.0, -30.0, -20.0) for r in (2.0, 4.0, 8.0)]
COMP_HELDOUT_NEW = [{"threshold_db": -35.0, "ratio": 3.0}, {"threshold_db": -25.0, "ratio": 6.0}]


@dataclass(frozen=True)
class Sizes:
    """Seconds of audio per recording: training takes and held-out takes."""

    train_s: float = 60.0
    heldout_s: float = 20.0


def build_chain(out: Path, sizes: Sizes = Sizes(), seed: int = 1) -> Path:
    """One recording of the drive chain: ``sizes.train_s`` to train, ``sizes.heldout_s`` held out."""
    apply = lambda x, _k: gear.process(gear.drive_chain(), x)  # noqa: E731
    _record(out, "train", guitar_take(sizes.train_s, seed), [{}], apply, PAIRS_NAME)
    _record(out, "heldout", guitar_take(sizes.heldout_s, seed + 1000), [{}], apply, HELDOUT_NAME)
    return out


def build_ds1(out: Path, sizes: Sizes = Sizes(30.0, 15.0), seed: int = 2) -> Path:
    """DS-1 at 9 DRIVE x TONE settings (same take each); 4 held-out settings on held-out audio."""
    lv2.require_plugin(lv2.DS1_URI)
    apply = lambda x, k: lv2.apply(lv2.DS1_URI, x, k)  # noqa: E731
    _record(out, "train", guitar_take(sizes.train_s, seed), DS1_TRAIN, apply, PAIRS_NAME)
    _record(out, "heldout", guitar_take(sizes.heldout_s, seed + 1000), DS1_HELDOUT + DS1_TRAIN[::4],
            apply, HELDOUT_NAME)
    return out


def build_compressor(out: Path, sizes: Sizes = Sizes(30.0, 15.0), seed: int = 3) -> Path:
    """Compressor at 9 threshold x ratio settings; held out: new audio at seen + unseen settings."""
    apply = lambda x, k: gear.process(gear.compressor(**k), x)  # noqa: E731
    take = _dynamic(guitar_take(sizes.train_s, seed), seed)
    held = _dynamic(guitar_take(sizes.heldout_s, seed + 1000), seed + 1000)
    _record(out, "train", take, COMP_TRAIN, apply, PAIRS_NAME)
    _record(out, "heldout", held, COMP_TRAIN + COMP_HELDOUT_NEW, apply, HELDOUT_NAME)
    return out


def build_denoise(out: Path, sizes: Sizes = Sizes(20.0, 20.0), seed: int = 4, takes: int = 4) -> Path:
    """``takes`` noisy/clean training pairs at different noise levels and one held-out pair."""
    rows = [_noisy_pair(out, f"train_{i}", sizes.train_s, seed + i) for i in range(takes)]
    write_pairs(out, rows, PAIRS_NAME)
    write_pairs(out, [_noisy_pair(out, "heldout_0", sizes.heldout_s, seed + 1000)], HELDOUT_NAME)
    return out


def _record(out: Path, prefix: str, take: np.ndarray, settings: list[dict[str, float]],
            apply: Gear, csv_name: str) -> Path:
    """Write ``take`` once and ``apply(take, knobs)`` per setting; list them in ``csv_name``."""
    out.mkdir(parents=True, exist_ok=True)
    audiofile.write(out / f"{prefix}_in.wav", take, RATE)
    rows = []
    for i, knobs in enumerate(settings):
        name = f"{prefix}_out_{i:02d}.wav"
        audiofile.write(out / name, apply(take, knobs), RATE)
        rows.append(PairRow(f"{prefix}_in.wav", name, dict(knobs)))
    return write_pairs(out, rows, csv_name)


def _dynamic(take: np.ndarray, seed: int) -> np.ndarray:
    """Slow level moves of -24..0 dB every 1-3 s (a player digging in and backing off): float32 [N]."""
    rng = np.random.default_rng(seed)
    points = np.cumsum(rng.uniform(1.0, 3.0, size=int(take.shape[0] / RATE) + 2)) * RATE
    levels = rng.uniform(-24.0, 0.0, size=points.shape[0])
    gain_db = np.interp(np.arange(take.shape[0]), np.r_[0, points], np.r_[levels[0], levels])
    return (take * 10 ** (gain_db / 20)).astype(np.float32)


def _noisy_pair(out: Path, prefix: str, seconds: float, seed: int) -> PairRow:
    rng = np.random.default_rng(seed)
    clean = noise.gate_passages(guitar_take(seconds, seed), every_s=4.0, gap_s=1.0)
    frames = clean.shape[0]
    hiss_db, hum_db = rng.uniform(-60.0, -42.0), rng.uniform(-62.0, -45.0)
    noisy = clean + noise.hiss(frames, hiss_db, rng) + noise.hum(frames, hum_db, float(rng.choice([50.0, 60.0])), rng)
    out.mkdir(parents=True, exist_ok=True)
    audiofile.write(out / f"{prefix}_noisy.wav", noisy, RATE)
    audiofile.write(out / f"{prefix}_clean.wav", clean, RATE)
    return PairRow(f"{prefix}_noisy.wav", f"{prefix}_clean.wav", {})

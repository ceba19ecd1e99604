"""Probe (twentieth stop): the statistics head told how tonal and how bright each part of the sample is.

Several of the misses every run shares are about tone against noise: circAfrique's bell mutes and Audiophob's cowbell
(a few sharp inharmonic partials) called hi-hat or tom, ElectricEmpire's synthetic hats (noise) called percussion.
The log-mel's 96 bands smear single partials; a fine spectrum shows them.  The probe computes, on the onset-aligned
1 s clips at 32 kHz, a 4096-point Hann STFT (7.8 Hz bins, hop 1024), and over three time spans (frames 0, 1-3, 4-27:
the first 0.13 s, up to 0.4 s, the rest) and four bands (0.3-1, 1-3, 3-8, 8-16 kHz):
- spectral flatness (log of geometric over arithmetic mean of the power),
- peakiness (log of the 99th percentile over the median of the power),
and over the same spans the spectral centroid and spread (log Hz) of the whole spectrum: 3 x (4 + 4 + 2) = 30
numbers added to the shipped head's features.  Scored as bench/tagger_head_refit.py scores a head (``across``: the
head alone, leave-one-kit-out over the fixed split's training kits, the criterion that looks at no test kit;
``fixed`` and ``loko``: averaged with each saved CNN run of the shipped code).

    .venv/bin/python bench/tagger_head_tonal.py      (about 5 minutes; prints, writes bench/results/tagger_head_tonal.json)
"""
import json
import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import tagger_head_refit as R  # noqa: E402
from trainer.tagger.model import TaggerConfig  # noqa: E402
from trainer.tagger.train import STATS_C  # noqa: E402

N_FFT, HOP = 4096, 1024                                        # samples at 32 kHz: 128 ms frames every 32 ms
SPANS = ((0, 1), (1, 4), (4, 28))                              # frame ranges
BANDS = ((300.0, 1000.0), (1000.0, 3000.0), (3000.0, 8000.0), (8000.0, 16000.0))   # Hz


def fine_power(clips: np.ndarray) -> np.ndarray:
    """Clips [I, N] (32 kHz) -> power spectra [I, frames, N_FFT // 2 + 1], each clip referenced to its own maximum."""
    win = np.hanning(N_FFT).astype(np.float32)
    n_frames = 1 + (clips.shape[1] - N_FFT) // HOP
    idx = np.arange(N_FFT)[None, :] + HOP * np.arange(n_frames)[:, None]
    out = np.empty((len(clips), n_frames, N_FFT // 2 + 1), np.float32)
    for s in range(0, len(clips), 64):
        frames = clips[s:s + 64][:, idx] * win                     # [B, frames, N_FFT]
        p = np.abs(np.fft.rfft(frames, axis=-1)) ** 2
        out[s:s + 64] = p / (p.max(axis=(1, 2), keepdims=True) + 1e-20)
    return out


def tonal_features(power: np.ndarray, rate: float) -> np.ndarray:
    """Power spectra [I, frames, bins] -> [I, 30] (module docstring)."""
    freqs = np.fft.rfftfreq(N_FFT, 1.0 / rate)
    eps = 1e-12
    feats = []
    for a, b in SPANS:
        p = power[:, a:b].mean(axis=1) + eps                     # [I, bins]
        for lo, hi in BANDS:
            band = p[:, (freqs >= lo) & (freqs < hi)]
            feats.append(np.mean(np.log(band), axis=1) - np.log(band.mean(axis=1)))        # flatness (log)
            feats.append(np.log(np.percentile(band, 99, axis=1)) - np.log(np.median(band, axis=1)))   # peakiness
        total = p.sum(axis=1)
        centroid = (p * freqs).sum(axis=1) / total
        spread = np.sqrt((p * (freqs - centroid[:, None]) ** 2).sum(axis=1) / total)
        feats += [np.log(centroid + 1.0), np.log(spread + 1.0)]
    return np.stack(feats, axis=1)


def main() -> None:
    argparse.ArgumentParser(description=__doc__.split("\n\n")[0]).parse_args()
    cfg = TaggerConfig()
    fixed, loko, tags = R.saved_runs()
    side = R.side(tags)
    tonal = tonal_features(fine_power(side.clips[:, :cfg.clip_samples]), cfg.spec.rate)
    for t, name in enumerate(tags):
        sel = side.y == t
        print(f"{name:<11} peakiness 1-3 kHz early {np.median(tonal[sel, 3]):5.2f}  flatness 8-16 kHz early "
              f"{np.median(tonal[sel, 6]):6.2f}")
    variants = {"shipped": side.x, "+tonal": np.concatenate([side.x, tonal], axis=1),
                "+flat/peak": np.concatenate([side.x, tonal[:, [i for i in range(30) if i % 10 < 8]]], axis=1)}
    results = R.score_variants(variants, side, fixed, loko, len(tags), STATS_C)
    out = Path(__file__).resolve().parent / "results" / "tagger_head_tonal.json"
    out.write_text(json.dumps({"heads": results}, indent=1))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()

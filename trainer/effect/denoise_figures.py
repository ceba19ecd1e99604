"""How much noise a denoiser took out, in the figures a person who cleans recordings reads: the SNR of the noisy
input and of the pack's output against the clean take, the improvement in dB, and beside it what spectral gating
(the ``noisereduce`` package) does to the same noisy input.

When a set is a denoiser's (:func:`denoise_check`): the part the gear took away (input - output, aligned) has to be
unrelated to what it let through, both in its sound (under :data:`REMOVED_SHARE` of its power explained by a linear
filter of the output: trainer/effect/takes.py ``linear_share``) and in its level over time (the correlation of its
50 ms frame levels with the output's under :data:`LEVEL_CORR`), it must not sound like the playing (the spread over
third-octave bands of its long-term spectrum against the output's, :func:`spectral_distance`, at least
:data:`SOUND_DB`), and the output has to be quieter than the input, on at least half of the pairs.  Noise is
unrelated to the playing and adds to it; what a drive, compressor, EQ or reverb takes away or adds follows the
playing in sound, what a chorus or phaser does follows it in level, what a tremolo, a slicer or a slow gear takes
away is the playing itself (a copy of it in the gaps and swells: the same spectrum), and a pedal that adds hiss
makes its output louder.  Only then does
"SNR" mean something: the report of a drive pedal says none (measured figures: docs/effect.md, "Denoiser report").

The SNR of the input and of the pack are the held-out ESRs the trainer already measured (bypass's and the pack's:
trainer/effect/evaluate.py), in dB (:func:`snr_from_esr`); noisereduce runs offline on the held-out stretch with
:data:`CONTEXT_S` of the take before it (it may look ahead: the pack cannot), its noise profile taken from the noisy
input alone (never the clean take), in each mode of :data:`NR_MODES`; the mode with the better median improvement is
the one set beside the pack.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from trainer.effect.data import EffectData, Pair, esr
from trainer.effect.takes import linear_share

REMOVED_SHARE = 0.25    # the removed part is noise when under this share of its power follows the output
LEVEL_CORR = 0.5        # ... and when its level over time correlates with the output's under this
SOUND_DB = 6.0          # ... and when its spectrum differs from the output's by at least this spread (dB) over bands
BAND_RANGE_DB = 60.0    # bands of the output further than this under its loudest band are not compared
SPECTRUM_SEGMENT = 4096  # samples per Welch segment of the long-term spectra (11.7 Hz bins at 48 kHz)
SNR_CEIL_DB = 120.0     # an output identical to the clean take (ESR 0) is said as this, not infinity
CONTEXT_S = 5.0         # s of the take before the held-out stretch that noisereduce also sees (its noise statistics)
QUIET_FRAME_S = 0.05    # s: frames of the noisy input whose quietest tenth is the "noise clip" profile
NR_MODES = ("stationary", "non-stationary", "stationary, noise clip")


def snr_from_esr(err: float) -> float:
    """An ESR (error energy over the clean take's, no unit) as an SNR in dB: ``-10 log10(err)``; ESR 0 (identical)
    is :data:`SNR_CEIL_DB`.  ESR 1 (as far off as silence) is 0 dB, ESR 0.01 is 20 dB."""
    return SNR_CEIL_DB if err <= 10 ** (-SNR_CEIL_DB / 10) else -10.0 * math.log10(err)


def snr_db(estimate: np.ndarray, clean: np.ndarray) -> float | None:
    """The signal-to-noise ratio of ``estimate`` [N] against ``clean`` [N] (the same scale, e.g. full scale 1.0), in
    dB: 10 log10(sum(clean^2) / sum((estimate - clean)^2)), i.e. everything that is not the clean take counts as
    noise (what is left of the noise, and any damage to the playing).  None when ``clean`` is silent (no signal to
    have a ratio to).  The noisy input against its clean take gives the input's SNR; ``clean`` itself the ceiling,
    :data:`SNR_CEIL_DB`."""
    n = min(estimate.shape[0], clean.shape[0])
    if not np.any(clean[:n]):
        return None
    return snr_from_esr(esr(clean[:n], estimate[:n]))


def removed_share(pair: Pair, rate: int) -> float:
    """The share (0..1) of what the gear took away (input - output [N], aligned) that a linear filter of the output
    explains: about 0 for noise taken off a clean take, near 1 for an EQ, high for drive, compression and reverb; 1 when
    nothing was taken away."""
    n = min(pair.input.shape[0], pair.output.shape[0])
    removed = pair.input[:n].astype(np.float64) - pair.output[:n]
    return linear_share(pair.output[:n], removed, rate) if np.any(removed) else 1.0     # nothing taken: no noise


def level_correlation(pair: Pair, rate: int) -> float:
    """The correlation (-1..1) of the levels (dB, 50 ms frames) of what the gear took away (input - output [N]) with
    the output's: about 0 for steady noise, near 1 for a chorus, phaser or drive (what they change follows the
    playing); 0 when either level is constant or the pair is under two frames."""
    n = int(QUIET_FRAME_S * rate)
    frames = min(pair.input.shape[0], pair.output.shape[0]) // n
    if frames < 2:
        return 0.0
    out = pair.output[:frames * n].astype(np.float64)
    removed = pair.input[:frames * n].astype(np.float64) - out
    levels = [10 * np.log10(np.mean(np.square(x.reshape(frames, n)), axis=1) + 1e-12) for x in (removed, out)]
    if min(float(np.std(v)) for v in levels) == 0.0:
        return 0.0
    return float(np.corrcoef(levels[0], levels[1])[0, 1])


def third_octaves(power: np.ndarray, freqs: np.ndarray) -> np.ndarray:
    """Mean power of ``power`` [F] (a Welch spectrum over ``freqs`` [F], Hz) in each third-octave band from 20 Hz up
    to the top bin -> [B]; NaN for a band without a bin (the lowest bands of a coarse spectrum)."""
    edges = 20.0 * 2.0 ** (np.arange(0, 3 * np.log2(max(float(freqs[-1]), 40.0) / 20.0) + 1) / 3)
    return np.array([float(np.mean(power[m])) if (m := (freqs >= a) & (freqs < b)).any() else np.nan
                     for a, b in zip(edges[:-1], edges[1:])])


def band_levels(x: np.ndarray, rate: int) -> np.ndarray:
    """The long-term spectrum of ``x`` [N] in third-octave bands (:func:`third_octaves`), power, [B]."""
    from scipy import signal
    freqs, power = signal.welch(np.asarray(x, np.float64), rate, nperseg=min(SPECTRUM_SEGMENT, x.shape[0]))
    return third_octaves(power, freqs)


def spectral_distance(pair: Pair, rate: int) -> float:
    """How unlike the playing what the gear took away (input - output [N], aligned) sounds, in dB: the spread
    (standard deviation over third-octave bands within :data:`BAND_RANGE_DB` of the output's loudest) of the level
    difference between the long-term spectra of the removed part and of the output.  About 0-5 dB for a tremolo,
    slicer or slow gear (what they take away is the playing, only quieter), 10 dB and more for hiss, hum or pink
    noise taken off guitar; 0 when nothing was taken away or the pair is too short for a spectrum."""
    n = min(pair.input.shape[0], pair.output.shape[0])
    removed = pair.input[:n].astype(np.float64) - pair.output[:n]
    if n < 2 or not np.any(removed):
        return 0.0
    a, b = band_levels(removed, rate), band_levels(pair.output[:n], rate)
    keep = np.isfinite(a) & np.isfinite(b) & (b > np.nanmax(b, initial=0.0) * 10 ** (-BAND_RANGE_DB / 10))
    if keep.sum() < 2:
        return 0.0
    return float(np.std(10 * np.log10(a[keep] + 1e-30) - 10 * np.log10(b[keep] + 1e-30)))


def quieter(pair: Pair) -> bool:
    """Whether the output [N] has less energy than the input [N] (noise taken off; added hiss makes it louder)."""
    n = min(pair.input.shape[0], pair.output.shape[0])
    return float(np.sum(np.square(pair.output[:n], dtype=np.float64))) < \
        float(np.sum(np.square(pair.input[:n], dtype=np.float64)))


def denoise_check(data: EffectData) -> dict[str, Any]:
    """metrics.json's ``denoise_check``: {"removed_share_per_pair": {pair: share}, "level_corr_per_pair": {pair:
    correlation}, "spectral_distance_per_pair": {pair: dB}, "quieter_pairs": [n, of], "denoised_pairs": [n, of],
    "denoising": bool}: a pair is denoised when its removed part is under :data:`REMOVED_SHARE` explained by its
    output, its level correlates with the output's under :data:`LEVEL_CORR`, its spectrum is at least
    :data:`SOUND_DB` from the output's, and its output is quieter; the set is a denoiser's when at least half its
    pairs are."""
    shares = {p.name: round(removed_share(p, data.rate), 4) for p in data.pairs}
    corr = {p.name: round(level_correlation(p, data.rate), 4) for p in data.pairs}
    sound = {p.name: round(spectral_distance(p, data.rate), 2) for p in data.pairs}
    quiet = {p.name: quieter(p) for p in data.pairs}
    clean = sum(shares[n] < REMOVED_SHARE and corr[n] < LEVEL_CORR and sound[n] >= SOUND_DB and quiet[n]
                for n in shares)
    return {"removed_share_per_pair": shares, "level_corr_per_pair": corr, "spectral_distance_per_pair": sound,
            "quieter_pairs": [sum(quiet.values()), len(quiet)], "denoised_pairs": [clean, len(shares)],
            "denoising": bool(shares) and 2 * clean >= len(shares)}


def quiet_clip(noisy: np.ndarray, rate: int) -> np.ndarray:
    """The quietest tenth of ``noisy``'s [N] 50 ms frames, joined in time order: the noise profile a person would
    select by ear (the noisy input alone: no clean take).  The whole input when it holds under ten frames."""
    n = int(QUIET_FRAME_S * rate)
    frames = noisy.shape[0] // n
    if frames < 10:
        return noisy
    blocks = noisy[:frames * n].reshape(frames, n)
    keep = np.sort(np.argsort(np.mean(np.square(blocks, dtype=np.float64), axis=1))[:frames // 10])
    return blocks[keep].reshape(-1)


def noisereduce_modes(noisy: np.ndarray, rate: int) -> dict[str, np.ndarray]:
    """{mode of :data:`NR_MODES`: noisereduce's output [N] float32} for ``noisy`` [N]: stationary (its noise
    statistics from the whole input), non-stationary (its default), and stationary with :func:`quiet_clip` as
    ``y_noise``; a mode noisereduce refuses (an input shorter than its window) is left out."""
    import warnings

    import noisereduce as nr
    x = np.asarray(noisy, np.float32)
    runs = {"stationary": dict(stationary=True), "non-stationary": dict(stationary=False),
            "stationary, noise clip": dict(stationary=True, y_noise=quiet_clip(x, rate))}
    out = {}
    for mode, kw in runs.items():
        try:
            with warnings.catch_warnings():         # scipy's about a segment longer than a short input
                warnings.simplefilter("ignore")
                y = np.asarray(nr.reduce_noise(y=x, sr=rate, n_jobs=1, **kw), np.float32).reshape(-1)[:x.shape[0]]
        except ValueError:                          # an input shorter than its window: no figure for it
            continue
        out[mode] = np.pad(y, (0, x.shape[0] - y.shape[0]))
    return out


def baseline_snrs(data: EffectData, span: Callable[[Pair], tuple[int, int]]) -> dict[str, dict[str, float]]:
    """{mode: {pair: SNR dB of noisereduce's output over the pair's scored ``span(pair)`` = [a, b)}}; noisereduce sees
    the noisy input from :data:`CONTEXT_S` before ``a``.  Pairs whose clean stretch is silent are left out."""
    out: dict[str, dict[str, float]] = {m: {} for m in NR_MODES}
    for pair in data.pairs:
        a, b = span(pair)
        start = max(0, a - int(CONTEXT_S * data.rate))
        clean = pair.output[a:b]
        for mode, y in noisereduce_modes(pair.input[start:b], data.rate).items():
            snr = snr_db(y[a - start:], clean)
            if snr is not None:
                out[mode][pair.name] = round(snr, 2)
    return out


def _median(values: list[float]) -> float | None:
    return round(float(np.median(values)), 2) if values else None


def model_snrs(metrics: dict[str, Any]) -> tuple[dict[str, float], dict[str, float]]:
    """({pair: input SNR dB}, {pair: the pack's output SNR dB}) from the held-out ESRs (bypass's and the pack's)."""
    bypass: dict[str, float] = metrics.get("val_bypass_esr_per_pair") or {}
    pack: dict[str, float] = metrics.get("val_esr_per_pair") or {}
    names = [n for n in pack if n in bypass]
    return ({n: round(snr_from_esr(bypass[n]), 2) for n in names}, {n: round(snr_from_esr(pack[n]), 2) for n in names})


def denoise_figures(metrics: dict[str, Any], data: EffectData,
                    span: Callable[[Pair], tuple[int, int]]) -> dict[str, Any] | None:
    """metrics.json's ``denoise`` (all in dB, over the held-out pairs ``span`` gives): ``input_snr``, ``pack_snr``,
    ``noisereduce_snr`` {pair: dB}; ``pack_gain`` and ``noisereduce_gain`` {pair: output SNR - input SNR};
    their ``*_median``; ``noisereduce_mode`` (the better one by median gain) and ``noisereduce_modes`` {mode: median
    gain}.  None when there is no pair with both ESRs measured."""
    inp, pack = model_snrs(metrics)
    if not inp:
        return None
    modes = baseline_snrs(data, span)
    gains = {m: {n: round(v - inp[n], 2) for n, v in snrs.items() if n in inp} for m, snrs in modes.items()}
    medians = {m: _median(list(g.values())) for m, g in gains.items()}
    best = max((m for m in medians if medians[m] is not None), key=lambda m: medians[m] or 0.0, default=NR_MODES[0])
    pack_gain = {n: round(pack[n] - inp[n], 2) for n in inp}
    return {"input_snr": inp, "pack_snr": pack, "pack_gain": pack_gain, "noisereduce_snr": modes[best],
            "noisereduce_gain": gains[best], "noisereduce_mode": best,
            "noisereduce_modes": {m: None if v is None else round(v, 2) for m, v in medians.items()},
            "input_snr_median": _median(list(inp.values())), "pack_snr_median": _median(list(pack.values())),
            "pack_gain_median": _median(list(pack_gain.values())),
            "noisereduce_snr_median": _median(list(modes[best].values())),
            "noisereduce_gain_median": medians[best]}


def _signed(db: float | None) -> str:
    return "-" if db is None else f"{db:+.1f} dB"


def denoise_words(fig: dict[str, Any] | None) -> list[str]:
    """The headline (one line, also printed after training): the median SNR of the input, the pack and noisereduce
    over the held-out pairs, with the improvements; [] without figures."""
    if not fig:
        return []
    n = len(fig["input_snr"])
    over = f"median over the {n} held-out pairs" if n > 1 else "the held-out pair"
    nr_snr = fig["noisereduce_snr_median"]
    return [f"noise removed ({over}; SNR against the clean take): input {fig['input_snr_median']:.1f} dB, the pack "
            f"{fig['pack_snr_median']:.1f} dB ({_signed(fig['pack_gain_median'])}); spectral gating "
            f"(noisereduce, {fig['noisereduce_mode']}, offline) "
            + ("-" if nr_snr is None else f"{nr_snr:.1f} dB") + f" ({_signed(fig['noisereduce_gain_median'])})"]

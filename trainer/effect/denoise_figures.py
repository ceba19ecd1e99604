"""How much noise a denoiser took out, in the figures a person who cleans recordings reads: the SNR of the noisy
input and of the pack's output against the clean take, the improvement in dB, and beside it what spectral gating
(the ``noisereduce`` package) does to the same noisy input.

When a set is a denoiser's (:func:`denoise_check`): the part the gear took away (input - output, aligned, the output
brought to the input's level where the playing is loudest, :func:`matched`: pairs normalised apart in a DAW are
judged as recorded) has to be unrelated to what it let through, both in its sound (under :data:`REMOVED_SHARE` of
its power explained by a linear filter of the output: trainer/effect/takes.py ``linear_share``) and in its level
over time (the correlation of its 50 ms frame levels with the output's under :data:`LEVEL_CORR`), it must not sound
like the playing (the spread over third-octave bands of its long-term spectrum against the output's,
:func:`spectral_distance`, at least :data:`SOUND_DB`), and the output has to be the cleaner side (:func:`cleaner`:
its pauses further under its playing than the input's, whatever the levels), on at least half of the pairs. Noise is
unrelated to the playing and adds to it; what a drive, compressor, EQ or reverb takes away or adds follows the
playing in sound, what a chorus or phaser does follows it in level, what a tremolo, a slicer or a slow gear takes
away is the playing itself (a copy of it in the gaps and swells: the same spectrum), and a pedal that adds hiss
fills its output's pauses. A set that passes with its columns exchanged is said to look swapped. Only then does
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
SPREAD_DB = 1.0         # the output is the cleaner side when its pauses lie this much further under its playing
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


def loud_frames(y: np.ndarray, rate: int) -> np.ndarray:
    """The samples of ``y`` [N] in its loudest tenth of 50 ms frames -> a bool mask [N] (every sample where ``y``
    holds under ten frames): where the playing stands well over any noise."""
    n = int(QUIET_FRAME_S * rate)
    frames = y.shape[0] // n
    if frames < 10:
        return np.ones(y.shape[0], bool)
    power = np.mean(np.square(y[:frames * n].reshape(frames, n), dtype=np.float64), axis=1)
    mask = np.zeros(y.shape[0], bool)
    mask[:frames * n] = np.repeat(power >= np.percentile(power, 90), n)
    return mask


def output_gain(pair: Pair, rate: int) -> float:
    """The gain (no unit) that brings the output [N] to the input's [N] level where the playing is loudest (the
    output's loudest tenth of frames, :func:`loud_frames`): the least-squares scale ``<x, y> / <y, y>`` of the
    output onto the input there.  About 1 for a noisy take and its clean take as recorded (the noise is unrelated to
    the playing), and for a tremolo or a slow gear (their loudest moments pass the playing as it is); 0.3 for a
    noisy take and its clean take each normalised to -1 dBFS where the noise was 10 dB over the playing; 1 for a
    silent output."""
    n = min(pair.input.shape[0], pair.output.shape[0])
    y = pair.output[:n].astype(np.float64)
    keep = loud_frames(y, rate)
    power = float(np.dot(y[keep], y[keep]))
    return float(np.dot(pair.input[:n][keep].astype(np.float64), y[keep])) / power if power > 0 else 1.0


def gain_db(gain: float) -> float:
    """A gain (no unit, either sign) in dB, rounded to 0.01; -200 for none."""
    return round(float(20 * np.log10(max(abs(gain), 1e-10))), 2)


def matched(pair: Pair, rate: int) -> tuple[np.ndarray, np.ndarray]:
    """(the output at the input's level, what the gear took away) [N] float64 each: the output times
    :func:`output_gain`, and the input minus that, so that pairs normalised apart (a DAW's -1 dBFS on each side)
    are judged as recorded."""
    n = min(pair.input.shape[0], pair.output.shape[0])
    out = pair.output[:n].astype(np.float64) * output_gain(pair, rate)
    return out, pair.input[:n].astype(np.float64) - out


def removed_share(out: np.ndarray, removed: np.ndarray, rate: int) -> float:
    """The share (0..1) of what the gear took away (``removed`` [N]: input - output, aligned, the output at the
    input's level, ``out`` [N]: a pair's :func:`matched` sides) that a linear filter of the output explains: about 0
    for noise taken off a clean take, near 1 for an EQ, high for drive, compression and reverb; 1 when nothing was
    taken away."""
    return linear_share(out, removed, rate) if np.any(np.abs(removed) > 1e-7 * np.max(np.abs(out), initial=0.0)) \
        else 1.0     # nothing taken (a gain only leaves rounding): no noise


def level_correlation(out: np.ndarray, removed: np.ndarray, rate: int) -> float:
    """The correlation (-1..1) of the levels (dB, 50 ms frames) of what the gear took away (``removed`` [N]) with the
    output's (``out`` [N]; a pair's :func:`matched` sides): about 0 for steady noise, near 1 for a chorus, phaser or
    drive (what they change follows the playing); 0 when either level is constant or the pair is under two frames."""
    n = int(QUIET_FRAME_S * rate)
    frames = out.shape[0] // n
    if frames < 2:
        return 0.0
    levels = [10 * np.log10(np.mean(np.square(x[:frames * n].reshape(frames, n)), axis=1) + 1e-12)
              for x in (removed, out)]
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
    """How unlike the playing what the gear took away (:func:`matched`) sounds, in dB: the spread
    (standard deviation over third-octave bands within :data:`BAND_RANGE_DB` of the output's loudest) of the level
    difference between the long-term spectra of the removed part and of the output.  About 0-5 dB for a tremolo,
    slicer or slow gear (what they take away is the playing, only quieter), 10 dB and more for hiss, hum or pink
    noise taken off guitar; 0 when nothing was taken away or the pair is too short for a spectrum."""
    return _distance(*matched(pair, rate), rate)


def _distance(out: np.ndarray, removed: np.ndarray, rate: int) -> float:
    """:func:`spectral_distance` of the :func:`matched` sides ``out`` and ``removed`` [N]."""
    if out.shape[0] < 2 or not np.any(removed):
        return 0.0
    a, b = band_levels(removed, rate), band_levels(out, rate)
    keep = np.isfinite(a) & np.isfinite(b) & (b > np.nanmax(b, initial=0.0) * 10 ** (-BAND_RANGE_DB / 10))
    if keep.sum() < 2:
        return 0.0
    return float(np.std(10 * np.log10(a[keep] + 1e-30) - 10 * np.log10(b[keep] + 1e-30)))


def quieter(pair: Pair) -> bool:
    """Whether the output [N] has less energy than the input [N] (noise taken off; added hiss makes it louder), as
    recorded: a pair normalised apart can say either."""
    n = min(pair.input.shape[0], pair.output.shape[0])
    return float(np.sum(np.square(pair.output[:n], dtype=np.float64))) < \
        float(np.sum(np.square(pair.input[:n], dtype=np.float64)))


def level_spread(x: np.ndarray, rate: int) -> float:
    """How far ``x``'s [N] quiet moments lie under its loud ones, in dB: the 95th minus the 10th percentile of its
    50 ms frame levels (a pause in digital silence is -200 dBFS).  Noise fills the pauses and narrows it; a level
    change leaves it as it is.  0 for under two frames."""
    n = int(QUIET_FRAME_S * rate)
    frames = x.shape[0] // n
    if frames < 2:
        return 0.0
    levels = 10 * np.log10(np.mean(np.square(x[:frames * n].reshape(frames, n), dtype=np.float64), axis=1) + 1e-20)
    return float(np.percentile(levels, 95) - np.percentile(levels, 10))


def spread_gain(pair: Pair, rate: int) -> float:
    """:func:`level_spread` of the output minus the input's (dB): positive where the output's pauses are the quieter
    (noise taken out), negative where the output is the noisier one; the same at any level of either side."""
    n = min(pair.input.shape[0], pair.output.shape[0])
    return level_spread(pair.output[:n], rate) - level_spread(pair.input[:n], rate)


def cleaner(pair: Pair, rate: int) -> bool:
    """Whether the output is the cleaner side: its quiet moments lie at least :data:`SPREAD_DB` further under its
    loud ones than the input's (:func:`spread_gain`: a level difference between the sides, a DAW's normalising,
    changes nothing); within that (playing without pauses), whether it is :func:`quieter`."""
    gained = spread_gain(pair, rate)
    return gained > 0 if abs(gained) >= SPREAD_DB else quieter(pair)


def _pair_rule(pair: Pair, rate: int, lazy: bool) -> tuple[float, float, float, bool]:
    """(:func:`removed_share`, :func:`level_correlation`, :func:`spectral_distance`, :func:`cleaner`) of ``pair``,
    rounded as :func:`denoise_check` keeps them, its sides matched once (:func:`matched`); ``lazy``: the removed
    share (the costly one) is 1.0 where the pair fails the other tests."""
    out, removed = matched(pair, rate)
    corr, sound = round(level_correlation(out, removed, rate), 4), round(_distance(out, removed, rate), 2)
    clean = cleaner(pair, rate)
    costly = not lazy or (corr < LEVEL_CORR and sound >= SOUND_DB and clean)
    return (round(removed_share(out, removed, rate), 4) if costly else 1.0), corr, sound, clean


def _rule(data: EffectData, lazy: bool = False) -> dict[str, Any]:
    """The rule's figures per pair and how many pairs pass: :func:`denoise_check` for ``data`` as given.  ``lazy``:
    a pair that fails the cheaper tests gets no removed share (1.0: the coherence is the costly one; for the swapped
    look, whose figures are not kept)."""
    figures = {p.name: _pair_rule(p, data.rate, lazy) for p in data.pairs}
    shares, corr, sound, clean = ({n: f[i] for n, f in figures.items()} for i in range(4))
    fits = {n: shares[n] < REMOVED_SHARE and corr[n] < LEVEL_CORR and sound[n] >= SOUND_DB and clean[n]
            for n in shares}
    quiet = {p.name: quieter(p) for p in data.pairs}
    passed = sum(fits[n] and (quiet[n] or all(fits.values())) for n in shares)
    return {"removed_share_per_pair": shares, "level_corr_per_pair": corr, "spectral_distance_per_pair": sound,
            "cleaner_pairs": [sum(clean.values()), len(clean)], "quieter_pairs": [sum(quiet.values()), len(quiet)],
            "denoised_pairs": [passed, len(shares)], "denoising": bool(shares) and 2 * passed >= len(shares)}


def swapped(data: EffectData) -> EffectData:
    """``data`` with each pair's input and output exchanged (the columns of pairs.csv the other way round)."""
    pairs = [Pair(p.name, p.output, p.input, p.setting, p.latency, p.files[::-1]) for p in data.pairs]
    return EffectData(data.rate, data.knobs, pairs)


def denoise_check(data: EffectData) -> dict[str, Any]:
    """metrics.json's ``denoise_check``: {"removed_share_per_pair": {pair: share}, "level_corr_per_pair": {pair:
    correlation}, "spectral_distance_per_pair": {pair: dB}, "output_gain_db_per_pair": {pair: dB},
    "quieter_pairs": [n, of], "cleaner_pairs": [n, of], "denoised_pairs": [n, of], "denoising": bool,
    "swapped": bool}: a pair is denoised when what was taken away (the output at the input's level:
    :func:`matched`) is under :data:`REMOVED_SHARE` explained by its output, its level correlates with the output's
    under :data:`LEVEL_CORR`, its spectrum is at least :data:`SOUND_DB` from the output's, and its output is the
    :func:`cleaner` side, and it is :func:`quieter` as recorded unless every pair of the set passes (a set normalised
    in a DAW; where some pairs are gear, a louder output is the gear's gain: a clean boost of a humming DI beside a
    drive is no denoiser); the set is a denoiser's when at least half its pairs are.  ``swapped``: no denoiser's as
    given, but one with input and output exchanged (the noisy takes in the output column)."""
    rule = _rule(data)
    rule["output_gain_db_per_pair"] = {p.name: gain_db(output_gain(p, data.rate)) for p in data.pairs}
    noisier = len(data.pairs) - rule["cleaner_pairs"][0]
    rule["swapped"] = (not rule["denoising"] and 2 * noisier >= len(data.pairs) > 0
                       and _rule(swapped(data), lazy=True)["denoising"])
    return rule


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
    over the held-out pairs, and the median of each pair's gain (said as such: it is not the difference of the two
    medians, p60 QA); [] without figures.  ``fig``: :func:`denoise_figures` or the pack's :func:`pack_summary`."""
    if not fig:
        return []
    n = fig.get("pairs", len(fig.get("input_snr") or {}))
    over = f"median over the {n} held-out pairs" if n > 1 else "the held-out pair"
    gain = "median gain per pair" if n > 1 else "gain"
    nr_snr = fig["noisereduce_snr_median"]
    return [f"noise removed ({over}; SNR against the clean take): input {fig['input_snr_median']:.1f} dB, the pack "
            f"{fig['pack_snr_median']:.1f} dB ({gain} {_signed(fig['pack_gain_median'])}); spectral gating "
            f"(noisereduce, {fig['noisereduce_mode']}, offline) "
            + ("-" if nr_snr is None else f"{nr_snr:.1f} dB") + f" ({gain} {_signed(fig['noisereduce_gain_median'])})"]


SUMMARY_KEYS = ("input_snr_median", "pack_snr_median", "pack_gain_median", "noisereduce_snr_median",
                "noisereduce_gain_median", "noisereduce_mode")


def pack_summary(fig: dict[str, Any] | None, levels_db: tuple[float, float] | None) -> dict[str, Any] | None:
    """The pack's metrics' ``denoise_snr`` (what ``pack inspect`` and the training summary say of a denoiser):
    :func:`denoise_figures`' medians (:data:`SUMMARY_KEYS`, dB), ``pairs`` (how many held-out pairs) and
    ``levels_db`` (the training levels, trainer/effect/report_denoise.py DENOISER_LEVELS_DB; None: as recorded);
    None for a set that is no denoiser's."""
    if not fig:
        return None
    return {**{k: fig[k] for k in SUMMARY_KEYS}, "pairs": len(fig["input_snr"]),
            "levels_db": None if levels_db is None else list(levels_db)}

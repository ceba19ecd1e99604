"""What the takes themselves give away, checked after loading and before training (fifty-ninth stop, QA Q2).

* Takes normalised one by one in the DAW (:func:`normalised_takes`): every output's peak at one level, to within
  :data:`SAME_PEAK_DB`, at a round normalising target, over at least :data:`NORMALISED_MIN_TAKES` takes of different
  knob settings, at least half of them reaching it on a handful of samples (under :data:`AT_PEAK_FEW`): a normalise
  scales a take's one loudest sample to the target, where gear with a ceiling (a limiter, a hard clip) holds many.
  The real levels are gone (the QA's set: every peak -0.10 dBFS while the takes' RMS spread 10.5 dB; its pack played
  7-15 dB louder than the pedal and lost the tone knob's level change), so training is refused unless
  ``--takes-normalised`` says it was meant: a refusal before training costs a re-export, a warning costs the minutes
  of training and a pack that is too loud on the box.
* A DI's hum is said where its takes carry it too (the gear passed it on), or, in a set that is no denoiser's, where
  they do not (it came in on the DI's way); a denoiser's humming input is what it learns to take off.
* An output carrying the DI on one of its channels (checks.dry_channel) is refused for training, with the sox line
  that exports the gear's channel (losing nothing), unless ``--keep-dry-channel``: the loader only warns of it
  (trainer/effect/data.py), which trained a half-dry blend.
* Mains hum (50 or 60 Hz and its harmonics, :func:`hum`) on the takes and not on the DI: said before training, and
  its share of each take's held-out energy (:func:`hum_error`) is what the held-out error owes to it (a pack fed a
  hum-free DI does not learn it: the QA's pack scored 0.357 on its humming takes, 0.078 against the hum-free pedal).
* A DI far quieter than its takes and than a DI is recorded (:func:`quiet_di_warnings`): the pack learns the gain.
Torch-free; numpy only.
"""
from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import numpy as np

from hatbox.errors import DataError
from trainer.data.metrics import rms_db
from trainer.effect import checks

SAME_PEAK_DB = 0.05             # the takes' peaks lie within this (dB) of each other: one normalising target
NORMALISED_MIN_TAKES = 3        # at least this many takes, of different knob settings
# The targets a DAW's normalise offers or a user types (dBFS); a peak within TARGET_SLACK_DB of one is "at" it.  Not
# -6 dBFS: a drive whose tanh rails sit there holds every take's peak at one level by itself, its soft settings on a
# few samples (tests/effect/synth.py: 4 and 12 samples at 0 and 6 dB of drive).
ROUND_TARGETS_DB = (0.0, -0.1, -0.2, -0.3, -0.5, -1.0)
TARGET_SLACK_DB = 0.01
# A take normalised in a DAW reaches its peak on a handful of samples (the QA's set: 1-8 within AT_PEAK_DB of it); a
# limiter's or a clipper's ceiling holds many (a compressor into a -0.1 dBFS brickwall: 410-8518 in 12 s, a hard-clip
# fuzz thousands).  The takes look normalised only where at least half of them reach their peak on under AT_PEAK_FEW.
AT_PEAK_DB = 0.05
AT_PEAK_FEW = 50


def db(value: float) -> float:
    """``value`` (linear, > 0) in dB; -inf for 0."""
    return 20.0 * float(np.log10(value)) if value > 0 else float("-inf")


def at_peak(y: np.ndarray) -> int:
    """How many samples of ``y`` [N] lie within :data:`AT_PEAK_DB` of its peak |y|."""
    a = np.abs(y)
    top = float(a.max()) if a.size else 0.0
    return int(np.count_nonzero(a >= top * 10.0 ** (-AT_PEAK_DB / 20.0))) if top > 0 else 0


def normalised_takes(peaks: list[float], settings: list[str], rms: list[float],
                     on_peak: list[int] | None = None) -> str | None:
    """What is wrong when the takes look normalised one by one: ``peaks`` (each output's peak |x|, linear),
    ``settings`` (their knob settings' labels), ``rms`` (their RMS, dBFS) and ``on_peak`` (how many samples of each
    reach its peak: :func:`at_peak`; None: not known); None when they do not (fewer than
    :data:`NORMALISED_MIN_TAKES` takes of different settings, peaks further apart than :data:`SAME_PEAK_DB`, a
    level that is no round normalising target, or under half of them on fewer than :data:`AT_PEAK_FEW` samples at
    their peak: a ceiling of the gear's)."""
    if len(peaks) < NORMALISED_MIN_TAKES or len(set(settings)) < NORMALISED_MIN_TAKES or min(peaks) <= 0:
        return None
    if on_peak is not None and 2 * sum(n < AT_PEAK_FEW for n in on_peak) < len(on_peak):
        return None
    levels = [db(p) for p in peaks]
    if max(levels) - min(levels) > SAME_PEAK_DB:
        return None
    target = next((t for t in ROUND_TARGETS_DB if abs(float(np.median(levels)) - t) <= TARGET_SLACK_DB), None)
    if target is None:
        return None
    spread, apart = max(rms) - min(rms), max(max(levels) - min(levels), 0.01)
    return (f"all {len(peaks)} takes peak at exactly {target:.2f} dBFS (within {apart:.2f} dB of each other) while "
            f"their loudness differs by {spread:.1f} dB: they look normalised one by one in the DAW, which throws the "
            "gear's real levels away; the pack would learn those levels (louder than the gear, and a knob's change "
            "of level lost)")


NORMALISED_HINT = ("export the takes again without normalising (or with one gain for all of them) and train again; if "
                   "the gear itself holds every take at that peak (a limiter), pass --takes-normalised")


def check_normalised(pairs: list, allowed: bool) -> str | None:
    """DataError (or, where ``allowed``: the warning) when the pairs' outputs look normalised one by one
    (:func:`normalised_takes`); ``pairs``: trainer.effect.data.Pair with ``out_peak``."""
    distinct = {}
    for p in pairs:                     # one output file once (a file listed by two rows is another warning's)
        distinct.setdefault(p.files[1], p)
    takes = list(distinct.values())
    said = normalised_takes([p.out_peak for p in takes], [p.key for p in takes], [rms_db(p.output) for p in takes],
                            [at_peak(p.output) for p in takes])
    if said is None:
        return None
    if not allowed:
        raise DataError(said, hint=NORMALISED_HINT)
    return said + " (--takes-normalised: trained as they are)"


KEEP_DRY_WORDS = ("if the gear itself puts its dry sound there (a stereo effect's dry out, a chorus's or a "
                  "vibrato's), --keep-dry-channel trains the mono sum of both channels, the sound the box plays")


def dry_channel_problems(pairs: list) -> list[DataError]:
    """The refusal of each pair whose output carries the input on a channel (``Pair.dry``: checks.dry_channel),
    with the sox line that exports the gear's channel alone and the way to train on the blend after all."""
    said = []
    for p in pairs:
        if p.dry is None:
            continue
        got = checks.dry_mix_error(p.name, p.files[1], p.dry, p.cells[1] if p.cells else None)
        said.append(DataError(got.args[0], hint=f"{got.hint}; {KEEP_DRY_WORDS}"))
    return said


def check_dry_channels(pairs: list, allowed: bool) -> None:
    """Refuse the pairs whose output carries the DI on a channel (:func:`dry_channel_problems`), every one in one
    error, unless ``allowed`` (``--keep-dry-channel``: the loader's warnings stay)."""
    problems = dry_channel_problems(pairs)
    if problems and not allowed:
        raise checks.all_problems(problems, "pairs.csv" if pairs[0].cells else "the --target recording")


def before_training(data, takes_normalised: bool = False, keep_dry_channel: bool = False) -> list[str]:
    """The checks of this module on loaded ``data`` (trainer.effect.data.EffectData), before any training: raises
    DataError for takes normalised one by one or an output carrying the DI (unless ``takes_normalised`` /
    ``keep_dry_channel``), else -> the warnings (hum, a quiet DI, the normalised takes let through)."""
    check_dry_channels(data.pairs, keep_dry_channel)
    said = [check_normalised(data.pairs, takes_normalised)]
    return ([w for w in said if w] + hum_warnings(data.pairs, data.rate, data.denoise_check)
            + quiet_di_warnings(data.pairs))


# --------------------------------------------------------------------------- mains hum
MAINS_HZ = (50.0, 60.0)
HUM_HARMONICS = 8               # harmonics of the mains looked at (50..400 Hz, 60..480 Hz)
HUM_BAND_HZ = 0.5               # a mains line lies within this of k x 50 (60) Hz (the grid drifts under 0.1 Hz)
HUM_NEAR_HZ = (2.0, 8.0)        # the neighbourhood a line's prominence is measured against
HUM_PROMINENCE = 30.0           # a line whose density is this many times (15 dB) its neighbourhood's median
# A mains line is narrow: its band's peak stands HUM_NARROW times (10 dB) over the largest bin HUM_SHOULDER_HZ from it,
# where a held low note's skirt does not (RD2's r9: the QA's humming take 36354x; a GM bass riff in G, G1 = 49.0 Hz,
# 0.1-0.7x; 10 s of a synthetic G1 riff 0.05-0.5x, of one at exactly 50.0 Hz 4-28x).  Not 30x: hum 25 dB under a 10 s
# A1 riff (55 Hz) stands 7, 15 and 50x at 50, 100, 150 Hz, its notes' skirts in the shoulders.
HUM_SHOULDER_HZ = (0.6, 1.5)
HUM_NARROW = 10.0
HUM_LINES = 2                   # of the first three harmonics, at least this many lines: hum, not a held note
HUM_MIN_SHARE = 1e-4            # hum under -40 dB of the take's energy is not said
HUM_SECONDS = 60.0              # at most this much of a recording is measured
# Hum lasts: its lines keep their level and their phase from one second to the next, where notes come and go (p60 F3:
# a riff held on exactly 50.0 or 60.0 Hz passed the narrow-line guard).  Over HUM_FRAME_S frames, the lines' phase
# turns at one rate (coherence, :func:`_lasts`: hum 0.96-1.00 under an A1 riff, a riff at exactly 50 or 60 Hz of
# separately plucked notes 0.06-0.60) and their level stays within HUM_STEADY_DB (90th over 10th percentile frame:
# hum under a riff 0.5-4.4 dB, one bass note at 50.0 Hz dying out over a 10 s take 20.9 dB).  A take of fewer than
# HUM_FRAMES_MIN frames is judged by its spectrum alone.  A note held steady at the mains frequency is hum to any test.
HUM_FRAME_S = 1.0
HUM_FRAMES_MIN = 4
HUM_COHERENT = 0.8
HUM_STEADY_DB = 12.0


class Hum(NamedTuple):
    """Mains hum found in a recording: its ``mains`` (50 or 60 Hz), the ``lines`` (Hz) that stand out, its
    ``share`` of the recording's energy (0..1) and its level (``dbfs``, RMS)."""

    mains: float
    lines: tuple[float, ...]
    share: float
    dbfs: float


def _shoulder(power: np.ndarray, df: float, f: float, band: tuple[int, int]) -> float:
    """The largest bin of ``power`` [F] (bins ``df`` Hz apart) :data:`HUM_SHOULDER_HZ` from ``f`` Hz, outside the
    ``band`` of bins [i0, i1) a line at ``f`` lies in; infinite where no bin is: a take too short to tell a mains line
    from a held note's skirt (1.0-1.4 s: p59 RD3, a 1 s G1 bass note was said as hum) is not said to hum."""
    lo, hi = f - HUM_SHOULDER_HZ[1], f + HUM_SHOULDER_HZ[1]
    k = np.arange(max(0, int(lo / df)), min(power.shape[0], int(hi / df) + 2))
    away = np.abs(k * df - f)
    k = k[(away >= HUM_SHOULDER_HZ[0]) & (away <= HUM_SHOULDER_HZ[1]) & ((k < band[0]) | (k >= band[1]))]
    return float(power[k].max()) if k.size else float("inf")


def _lines(power: np.ndarray, df: float, mains: float, narrow: bool = False) -> tuple[list[float], float]:
    """(the harmonics of ``mains`` Hz standing out of ``power`` [F] (a power spectrum, bins ``df`` Hz apart), their
    energy over the neighbourhood's); ``narrow``: a line must also stand :data:`HUM_NARROW` over its shoulders
    (:func:`_shoulder`), which a held note's skirt does not."""
    found, excess = [], 0.0
    for k in range(1, HUM_HARMONICS + 1):
        f = k * mains
        i0, i1 = int(np.floor((f - HUM_BAND_HZ) / df)), int(np.ceil((f + HUM_BAND_HZ) / df)) + 1
        lo, hi = int((f - HUM_NEAR_HZ[1]) / df), int((f + HUM_NEAR_HZ[1]) / df) + 1
        gap = int(HUM_NEAR_HZ[0] / df)
        if hi >= power.shape[0] or i1 - i0 < 1:
            break
        near = np.concatenate([power[lo:int(f / df) - gap], power[int(f / df) + gap + 1:hi]])
        base = float(np.median(near)) if near.size else 0.0
        band = power[i0:i1]
        wide = narrow and band.max() < HUM_NARROW * _shoulder(power, df, f, (i0, i1))
        if band.max() > HUM_PROMINENCE * max(base, 1e-30) and not wide:
            found.append(f)
            excess += max(0.0, float(band.sum()) - base * band.shape[0])
    return found, excess


def hum(x: np.ndarray, rate: int) -> Hum | None:
    """The mains hum in recording ``x`` [N] at ``rate`` Hz (its first :data:`HUM_SECONDS`), or None: lines at 50
    (or 60) Hz and harmonics standing :data:`HUM_PROMINENCE` over their neighbourhood and :data:`HUM_NARROW` over
    their shoulders (a line, not a held note near it), at least :data:`HUM_LINES`
    of the first three, together over :data:`HUM_MIN_SHARE` of its energy, lasting through it (:func:`_lasts`: not
    notes played on the mains frequency)."""
    seg = x[:int(HUM_SECONDS * rate)].astype(np.float64)
    if seg.shape[0] < rate:
        return None
    power, df = _power(seg, rate)
    total = float(power.sum())
    best = None
    for mains in MAINS_HZ:
        lines, excess = _lines(power, df, mains, narrow=True)
        first = [f for f in lines if f <= 3 * mains]
        if len(first) >= HUM_LINES and total > 0 and excess / total > HUM_MIN_SHARE and _lasts(seg, rate, first):
            if best is None or excess > best[2]:
                best = (mains, tuple(lines), excess)
    if best is None:
        return None
    share = best[2] / total
    return Hum(best[0], best[1], share, rms_db(seg) + 10.0 * float(np.log10(share)))


def _lasts(seg: np.ndarray, rate: int, lines: list[float]) -> bool:
    """Whether the ``lines`` (Hz) of recording ``seg`` [n] at ``rate`` Hz last through it as hum does (their phase
    from frame to frame coherent to :data:`HUM_COHERENT`, their level steady to :data:`HUM_STEADY_DB`), not notes
    that come and go; True for a recording of fewer than :data:`HUM_FRAMES_MIN` frames (too short to tell)."""
    amp = _frame_amplitudes(seg, rate, lines)
    if amp.shape[0] < HUM_FRAMES_MIN:
        return True
    turns = amp[1:] * np.conj(amp[:-1])             # [frames - 1, lines]: each line's phase step and weight
    coherent = float(np.abs(turns.sum(axis=0)).sum()) / max(float(np.abs(turns).sum()), 1e-300)
    level = np.sum(np.abs(amp) ** 2, axis=1)
    low, high = np.percentile(level, 10), np.percentile(level, 90)
    return coherent >= HUM_COHERENT and high <= 10.0 ** (HUM_STEADY_DB / 10.0) * max(float(low), 1e-300)


def _frame_amplitudes(seg: np.ndarray, rate: int, lines: list[float]) -> np.ndarray:
    """[frames, lines] complex: each :data:`HUM_FRAME_S` frame's (Hann-windowed, one after another) amplitude at each
    of ``lines`` (Hz)."""
    n = int(HUM_FRAME_S * rate)
    frames = seg[:seg.shape[0] // n * n].reshape(-1, n)
    phase = 2.0 * np.pi * (np.arange(n) / rate)[:, None] * np.asarray(lines, dtype=np.float64)[None, :]
    window = np.hanning(n)[:, None]
    return frames @ (window * np.cos(phase)) - 1j * (frames @ (window * np.sin(phase)))


def hum_power(found: Hum) -> float:
    """The mean power (of full scale squared) of the hum ``found``: its share of the recording's energy at its level."""
    return 10.0 ** (found.dbfs / 10.0)


STRETCH_MEASURED_S = 2.0        # a held-out stretch this long has its hum measured in it (finer than the take's)


def stretch_hum(y: np.ndarray, rate: int, found: Hum) -> float:
    """The share (0..1) of stretch ``y`` [n]'s energy that is the take's hum ``found``: measured in the stretch where
    it is :data:`STRETCH_MEASURED_S` or longer (the QA's 6 s stretches: 0.732 where the hum added was 0.733 of it),
    else the hum's steady power over the whole take (:func:`hum_power`; 1.3 dB high where a drive's low notes sit
    near the lines) over the stretch's."""
    energy = float(np.mean(np.square(y, dtype=np.float64))) if y.size else 0.0
    if energy <= 0:
        return 0.0
    if y.shape[0] < STRETCH_MEASURED_S * rate:
        return hum_power(found) / energy
    power, df = _power(y.astype(np.float64), rate)
    return _lines(power, df, found.mains)[1] / float(power.sum())


def _power(seg: np.ndarray, rate: int) -> tuple[np.ndarray, float]:
    """(the power spectrum [F] of ``seg`` [n] at ``rate`` Hz with its mean taken off, its bins' spacing in Hz)."""
    return np.abs(np.fft.rfft(seg - seg.mean())) ** 2, rate / seg.shape[0]


def hum_words(found: Hum) -> str:
    """"50 Hz (lines at 50, 100, 150, 250 Hz) at -30 dBFS"."""
    return (f"{found.mains:g} Hz (lines at {', '.join(f'{f:g}' for f in found.lines)} Hz) at {found.dbfs:.0f} dBFS")


def hum_findings(pairs: list, rate: int) -> tuple[dict[str, Hum], dict[str, Hum]]:
    """({output file: its hum}, {input file: its hum}) over ``pairs`` (each file measured once)."""
    outs, ins = {}, {}
    for p in pairs:
        for files, got, audio in ((outs, p.files[1], p.output), (ins, p.files[0], p.input)):
            if got not in files:
                files[got] = hum(audio, rate)
    return {k: v for k, v in outs.items() if v}, {k: v for k, v in ins.items() if v}


def hum_warnings(pairs: list, rate: int, check: dict | None = None) -> list[str]:
    """The warning for takes that carry mains hum their DI does not (the pack, fed the DI, cannot learn it: it counts
    in the held-out error, said after training; not where ``check``, the set's denoise_check figures made already
    by trainer/effect/report_denoise.py plan_levels, finds a denoiser's set with its columns swapped: that warning
    says it), and the note-like warning for a DI that hums where its takes do too (:func:`passed_on`: the gear
    passes it and the pack learns it as part of the sound: a box with a clean input would not hum)."""
    outs, ins = hum_findings(pairs, rate)
    said = []
    wet = [p for p in pairs if p.files[1] in outs and p.files[0] not in ins]
    if wet and not (check or {}).get("swapped"):      # a swapped denoiser's set: its noisy takes hum (said so)
        names = sorted({Path(p.files[1]).name for p in wet})
        worst = max((outs[p.files[1]] for p in wet), key=lambda h: h.share)
        who, verb = _takes_carry(len(names), len({p.files[1] for p in pairs}))
        said.append(f"{who} ({_names(names)}) {verb} mains hum the DI does not: {hum_words(worst)}, up to "
                    f"{100 * worst.share:.1f}% of a take's energy. The pack, fed the DI, does not learn it, so it "
                    "counts in the held-out error (said after training); to score the gear alone, find the ground "
                    "loop or the unshielded cable on the way from the gear to the interface and record again")
    passed = passed_on(pairs, outs, ins)
    for f, h in passed.items():
        said.append(f"the DI {Path(f).name} carries mains hum: {hum_words(h)}; the gear passed it on, so the pack "
                    "learns what the gear did with it (a box played clean will not hum), but a DI recorded without "
                    "it is better: find the ground loop on its way")
    kept = {f: h for f, h in ins.items() if f not in passed}
    return said + ([] if not kept or denoising(pairs, rate, check) else
                   [_di_only_words(f, h) for f, h in kept.items()])


def denoising(pairs: list, rate: int, check: dict | None = None) -> bool:
    """Whether ``pairs`` are a denoiser's set (trainer.effect.denoise_figures.denoise_check's rule; ``check``: its
    figures where they were made already)."""
    if check is not None:
        return bool(check["denoising"])
    from trainer.effect.denoise_figures import denoise_check     # noqa: PLC0415 - only where a DI hums alone
    from trainer.effect.data import EffectData                    # noqa: PLC0415
    return bool(denoise_check(EffectData(rate, [], list(pairs)))["denoising"])


def _di_only_words(f: str, h: Hum) -> str:
    """The warning for a DI ``f`` humming (``h``) where its takes do not, in a set that is no denoiser's."""
    return (f"the DI {Path(f).name} carries mains hum its takes do not: {hum_words(h)}; the hum came in on the DI's "
            "way to the interface, not through the gear, so the pack learns to take it off as well as the gear's "
            "sound; find the ground loop on the DI's way (if the gear removes hum, this is what it learns)")


def passed_on(pairs: list, outs: dict[str, Hum], ins: dict[str, Hum]) -> dict[str, Hum]:
    """The humming inputs (``ins``: input file -> its hum) whose every output carries hum of the same mains too
    (``outs``): the gear passed it on.  A DI whose takes are clean of it is a denoiser's noisy input (the hum is
    what it learns to take off), or gear that gates or filters it: no ground loop to speak of."""
    same = {}
    for f, h in ins.items():
        got = [outs.get(p.files[1]) for p in pairs if p.files[0] == f]
        if got and all(o is not None and o.mains == h.mains for o in got):
            same[f] = h
    return same


def _takes_carry(n: int, of: int) -> tuple[str, str]:
    """("every take", "carries") (n == of), ("1 take", "carries"), ("3 takes", "carry") (of ``of`` takes)."""
    if n == of:
        return "every take", "carries"
    return ("1 take", "carries") if n == 1 else (f"{n} takes", "carry")


def _names(names: list[str], shown: int = 10) -> str:
    """Up to ``shown`` file names, then "and N more"."""
    more = f" and {len(names) - shown} more" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more


def hum_error(pairs: list, rate: int, spans: dict[str, tuple[int, int]], per_pair: dict[str, float]
              ) -> dict[str, float] | None:
    """How much of the held-out error the takes' hum accounts for, or None where no take carries hum its DI lacks (or
    the error without it would be no lower: a pack worse than silence):
    {"share": the mean held-out error the hum's energy accounts for, "without": the mean error left without it}.
    ``spans``: each pair's held-out stretch (samples), ``per_pair``: its held-out ESR.  A pack fed a hum-free DI puts
    out no hum, so the hum's share h of the stretch's energy (:func:`stretch_hum`) is error: e = rest + h, and
    without the hum (e - h) / (1 - h)."""
    outs, ins = hum_findings(pairs, rate)
    shares, without, names = [], [], []
    for p in pairs:
        if p.name not in per_pair or p.name not in spans:
            continue
        names.append(p.name)
        e = float(per_pair[p.name])
        h = 0.0
        if p.files[1] in outs and p.files[0] not in ins:
            a, b = spans[p.name]
            h = min(stretch_hum(p.output[a:b], rate, outs[p.files[1]]), e)
        shares.append(h)
        without.append(max(0.0, (e - h) / (1.0 - h)) if h < 1.0 else 0.0)
    if not shares or not any(shares) or np.mean(without) >= np.mean([per_pair[n] for n in names]):
        return None             # a pack worse than silence (ESR over 1): its error is its own, not the hum's
    return {"share": float(np.mean(shares)), "without": float(np.mean(without))}


# --------------------------------------------------------------------------- a quiet DI
QUIET_DI_PEAK_DB = -24.0        # a DI peaking under this (dBFS) is quiet: a guitar DI peaks around -12..-6 dBFS
QUIET_DI_GAIN_DB = 20.0         # ... and its takes this much louder (RMS): the pack would learn that gain


def quiet_di_warnings(pairs: list) -> list[str]:
    """A warning per input file (DI) that peaks under :data:`QUIET_DI_PEAK_DB` while its takes are, in the median,
    :data:`QUIET_DI_GAIN_DB` or more louder (RMS): the pack learns that gain, and a guitar at a normal level through
    it plays that much louder than the gear did.  ``pairs``: trainer.effect.data.Pair with ``in_peak``."""
    groups: dict[str, list] = {}
    for p in pairs:
        groups.setdefault(p.files[0], []).append(p)
    said = []
    for src, group in groups.items():
        peak = db(group[0].in_peak)
        gain = float(np.median([rms_db(p.output) - rms_db(p.input) for p in group]))
        if peak < QUIET_DI_PEAK_DB and gain >= QUIET_DI_GAIN_DB:
            said.append(f"the DI {Path(src).name} peaks at {peak:.1f} dBFS, and its "
                        f"take{'s are' if len(group) > 1 else ' is'} {gain:.0f} dB louder (RMS): recorded this "
                        f"quietly, the pack learns {gain:.0f} dB of gain the gear may not have, and a guitar at a "
                        f"normal level (peaks near -12 dBFS, {-12.0 - peak:.0f} dB over this DI) through it plays "
                        "louder than the gear did (the pack never heard a DI that loud). Record the DI at the level "
                        "the gear heard (peaks around -12 to -6 dBFS); if a re-amp box raised it on its way to the "
                        "gear, raise the DI file by the same gain (sox -v GAIN)")
    return said

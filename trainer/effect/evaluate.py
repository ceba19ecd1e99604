"""Score an effect pack on recordings, through the box's own processor (device/audio/effect.py).

ESR per pair is measured on ``[start, end)`` of each aligned pair: the stretch held out in training
(:func:`trainer.effect.split.held_out`: the last ``val_fraction``, or an earlier stretch as long when the
gear's output is silent there, where ESR is undefined), or the whole recording for fresh recordings;
the model always runs from the pair's first sample so its state is warmed up honestly.

Beside the pack's ESR each pair gets its **bypass** ESR: the same measure for the dry input (latency-aligned, as
the model sees it) taken as the output, i.e. what "no effect at all" scores.  A capture that is not clearly below
it (:data:`BYPASS_FACTOR`), or a row far worse than the others (:data:`OUTLIER_FACTOR`), gets a warning
(:func:`quality_warnings`).
"""
from __future__ import annotations

import math
import sys
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import numpy as np

from device.audio.effect import EffectProcessor, render
from export.pack import Pack, read_pack
from hatbox.advice import Limit, longer_words, stop_word
from hatbox.text import audio_bar, duration_words
from trainer.effect.data import EffectData, Pair, esr, load_folder
from trainer.effect.split import held_out

BYPASS_FACTOR = 2.0     # a capture's held-out ESR should be at least this many times lower than bypass's
OUTLIER_FACTOR = 3.0    # a row whose held-out ESR is more than this many times the median over rows is named
OUTLIER_FLOOR = 0.01    # ... unless its ESR is under this (near-transparent whatever the others score)
WARN_ROWS = 4           # rows a warning names (the rest: the report's table)


def scored_span(pair: Pair, val_fraction: float | None) -> tuple[int, int]:
    """``[start, end)`` of ``pair`` that is scored: its held-out stretch, or all of it (``val_fraction`` None)."""
    return held_out(pair.output, val_fraction) if val_fraction else (0, pair.output.shape[0])


def render_pair(proc: EffectProcessor, pair: Pair, block: int = 4096,
                progress: Callable[[int, int], None] | None = None) -> np.ndarray:
    """The pack's output [N] for the pair's input at the pair's knob setting (``progress(done, total)`` in samples,
    as :func:`device.audio.effect.render` tells it)."""
    return render(proc, pair.input, pair.setting, block=block, progress=progress)


def evaluate_data(pack: Pack | str | Path, data: EffectData,
                  val_fraction: float | None = None, progress: bool = False) -> dict[str, Any]:
    """{"esr": mean over pairs, "esr_pooled", "per_pair": {name: esr}, "per_setting": {key: esr} (worst first),
    "bypass_esr": the dry input's mean ESR over pairs, "bypass_per_pair": {name: esr}, "latency"}.

    ``progress``: say first how much audio is rendered (every pair, whole: 57 s with nothing said for a 20-minute
    pair, fortieth stop's QA), and show a bar over its seconds when that is over hatbox.text.LONG_RENDER_S."""
    proc = EffectProcessor(pack if isinstance(pack, Pack) else read_pack(pack))
    per_pair: dict[str, float] = {}
    bypass: dict[str, float] = {}
    by_setting: dict[str, list[float]] = {}
    err = energy = 0.0
    total, done = sum(p.input.shape[0] for p in data.pairs), 0
    if progress:
        print(f"scoring the pack on {duration_words(total / data.rate)} of recordings, through the box's processor...",
              file=sys.stderr, flush=True)      # progress: stderr's, as the bars (stdout is the summary's)
    with audio_bar(total, data.rate, "scoring") if progress else nullcontext(None) as told:
        for pair in data.pairs:
            y_hat = render_pair(proc, pair, progress=None if told is None else
                                (lambda n, _of, before=done: told(before + n, total)))
            done += pair.input.shape[0]
            a, b = scored_span(pair, val_fraction)
            e = esr(pair.output[a:b], y_hat[a:b])
            per_pair[pair.name] = e
            bypass[pair.name] = esr(pair.output[a:b], pair.input[a:b])
            by_setting.setdefault(pair.key, []).append(e)
            energy_p = float(np.sum(np.square(pair.output[a:b], dtype=np.float64)))
            err, energy = err + e * energy_p, energy + energy_p
    per_setting = {k: float(np.mean(v)) for k, v in by_setting.items()}
    return {"esr": float(np.mean(list(per_pair.values()))), "esr_pooled": err / max(energy, 1e-20),
            "per_pair": per_pair,
            "per_setting": dict(sorted(per_setting.items(), key=lambda kv: -kv[1])),
            "bypass_esr": float(np.mean(list(bypass.values()))), "bypass_per_pair": bypass,
            "latency": data.latencies}


def times_text(model: float, bypass: float) -> str:
    """How the model's ESR compares with bypass's: "36x lower", "1.3x higher", "hardly lower" (within 5 %: "1x
    lower" read oddly), "no lower"."""
    if model < bypass:
        if model > 0 and bypass / model < 1.05:
            return "hardly lower"
        return f"{bypass / model:.3g}x lower" if model > 0 else "infinitely lower"
    if model > bypass:
        if bypass > 0 and model / bypass < 1.05:
            return "hardly higher"
        return f"{model / bypass:.3g}x higher" if bypass > 0 else "higher"
    return "no lower"


def setting_rows(metrics: dict[str, Any], data: EffectData) -> list[dict[str, Any]]:
    """One row per held-out pair, worst first: {"pair", "setting", "esr", "bypass_esr" (None if not measured),
    "x_median" (its ESR over the median of the rows' ESRs; None when that median is 0)}."""
    per_pair: dict[str, float] = metrics["val_esr_per_pair"]
    bypass: dict[str, float] = metrics.get("val_bypass_esr_per_pair", {})
    median = float(np.median(list(per_pair.values()))) if per_pair else 0.0
    keys = {p.name: p.key for p in data.pairs}
    rows = [{"pair": name, "setting": keys.get(name, ""), "esr": e, "bypass_esr": bypass.get(name),
             "x_median": e / median if median > 0 else None} for name, e in per_pair.items()]
    return sorted(rows, key=lambda r: -r["esr"])


def bypass_warning(metrics: dict[str, Any], limit: Limit | None = None, knobs: bool = True) -> str | None:
    """The warning for a pack whose mean held-out ESR is not :data:`BYPASS_FACTOR` times below bypass's; how to train
    longer follows what ended the run (``limit``: hatbox.advice; None when not known: both ways are said).
    ``knobs``: the set has knob columns (else no "settings" are spoken of)."""
    model, bypass = metrics.get("val_esr"), metrics.get("val_bypass_esr")
    if model is None or bypass is None or model * BYPASS_FACTOR <= bypass:
        return None
    if limit is None and metrics.get("stopped_early") and isinstance(metrics.get("steps"), int):
        limit = Limit(steps=metrics["steps"], stopped_early=True,     # a Ctrl-C or SIGTERM is in the metrics
                      by=stop_word(metrics["stopped_early"]))
    how = ("the pack sounds less like the gear than no effect at all" if model >= bypass
           else "the pack is hardly closer to the gear than no effect at all")
    little = (f"; the gear changes the sound little{' at these settings' if knobs else ''} (bypass ESR under "
              f"{OUTLIER_FLOOR:g}), so "
              "a capture has to be very exact to beat it" if bypass < OUTLIER_FLOOR else "")
    at_row = " at that row's settings" if knobs else ""
    return (f"held-out ESR {model:.4f} is {times_text(model, bypass)} than bypass's {bypass:.4f} (the dry input "
            f"passed through unchanged): {how}; train longer ({longer_words(limit)}), or check that each output is a "
            f"recording of its row's input through the gear{at_row}{little}")


def more_rows(n: int, report: bool) -> str:
    """"; and N more (...)" for the ``n`` rows over :data:`WARN_ROWS` a warning leaves out, pointing at the report's
    table (``report``: one is written) or at --report DIR that lists them; "" for none."""
    if n <= 0:
        return ""
    where = "the report's table" if report else "--report DIR lists them"
    return f"; and {n} more ({where})"


def outlier_warning(rows: list[dict[str, Any]], knobs: bool = True, report: bool = False) -> str | None:
    """The warning naming the rows (``setting_rows``) whose ESR is over :data:`OUTLIER_FACTOR` times the median
    and at least :data:`OUTLIER_FLOOR`; None when there are none.  ``knobs``: the set has knob columns; without
    them (a denoiser's set) the rows are recordings, not settings, and no setting is named or asked for.
    ``report``: a report is written (the rows left out are its table's), else --report DIR is named."""
    bad = [r for r in rows if r["x_median"] is not None and r["x_median"] > OUTLIER_FACTOR
           and r["esr"] >= OUTLIER_FLOOR]
    if not bad:
        return None
    median = bad[0]["esr"] / bad[0]["x_median"]
    named = "; ".join(f"{r['pair']}" + (f" ({r['setting']})" if knobs else "") + f": {r['esr']:.4f}, "
                      f"{r['x_median']:.3g}x" for r in bad[:WARN_ROWS])
    more = more_rows(len(bad) - WARN_ROWS, report)
    table = "the report's table" if report else "the table --report DIR writes"
    if not knobs:
        one = len(bad) == 1
        return (f"the pack is much worse on {'this recording' if one else 'these recordings'} than on the others "
                f"(held-out ESR over {OUTLIER_FACTOR:g}x the median {median:.4f}): {named}{more}; check "
                f"{'that recording' if one else 'those recordings'} (a bypass ESR far above the others' in {table}: "
                "a far noisier or more changed take), record more like it, or train longer")
    return (f"the pack is much worse at {'this setting' if len(bad) == 1 else 'these settings'} than at the others "
            f"(held-out ESR over {OUTLIER_FACTOR:g}x the median {median:.4f}): {named}{more}; check "
            f"{'that recording' if len(bad) == 1 else 'those recordings'}, record more at or near "
            f"{'that setting' if len(bad) == 1 else 'those settings'}, or train longer")


OUTLIER_GAIN_DB = 6.0       # a denoiser's pair is far behind when it gained this much less SNR than the median pair


def snr_gains(metrics: dict[str, Any]) -> dict[str, float]:
    """{pair: the SNR the pack gained on it, dB} (a denoiser's: 10 log10 of bypass's held-out ESR over the pack's,
    the same as its output SNR minus its input SNR), for the pairs both were measured on."""
    return {n: 10.0 * math.log10(max(b, 1e-30) / max(m, 1e-30)) for n, (m, b) in pair_scores(metrics).items()}


def gain_outlier_warning(metrics: dict[str, Any], report: bool = False) -> str | None:
    """A denoiser's :func:`outlier_warning`: the pairs the pack took at least :data:`OUTLIER_GAIN_DB` less noise
    off (SNR gained, :func:`snr_gains`) than off the median pair, least first; None when there are none or under
    three pairs.  Judged by the SNR gained, not the ESR: the noisiest pair has the highest ESR left though the pack
    gained most on it (QA, p60: 0 dB SNR in, +10.4 dB gained, was named 12.4x the median ESR)."""
    gains = snr_gains(metrics)
    if len(gains) < 3:
        return None
    median = float(np.median(list(gains.values())))
    bad = sorted(((n, g) for n, g in gains.items() if g < median - OUTLIER_GAIN_DB), key=lambda t: t[1])
    if not bad:
        return None
    named = "; ".join(f"{n}: {g:+.1f} dB" for n, g in bad[:WARN_ROWS]) + more_rows(len(bad) - WARN_ROWS, report)
    one = len(bad) == 1
    return (f"the pack takes much less noise off {'this recording' if one else 'these recordings'} than off the "
            f"others (SNR gained, {OUTLIER_GAIN_DB:g} dB or more under the median pair's {median:+.1f} dB): {named}; "
            f"check {'that recording' if one else 'those recordings'} (a noise the other pairs do not have? a pack "
            "knows only the noises it heard), record more like it, or train longer")


def pair_scores(metrics: dict[str, Any]) -> dict[str, tuple[float, float]]:
    """{pair: (the pack's held-out ESR, bypass's)} for the pairs both were measured on, in the metrics' order."""
    bypass: dict[str, float] = metrics.get("val_bypass_esr_per_pair") or {}
    return {n: (e, bypass[n]) for n, e in (metrics.get("val_esr_per_pair") or {}).items() if bypass.get(n) is not None}


def per_pair_words(metrics: dict[str, Any]) -> str | None:
    """The headline per pair, beside the ratio of the means (which one noisy or far-off pair can make):
    "better than bypass on 5 of 7 pairs; the median pair's error is 1.02x lower"; None under two pairs."""
    scores = pair_scores(metrics)
    if len(scores) < 2:
        return None
    better = sum(m < b for m, b in scores.values())
    ratios = [b / m if m > 0 else math.inf for m, b in scores.values()]
    return (f"better than bypass on {better} of {len(scores)} pairs; the median pair's error is "
            f"{times_text(1.0, float(np.median(ratios)))}")


def worse_than_bypass_warning(metrics: dict[str, Any], report: bool = False) -> str | None:
    """The warning naming each held-out pair on which the pack does worse than no effect at all (its ESR above
    bypass's), with both figures, worst ratio first; None when there is none, or one pair (the headline says it).
    ``report``: a report is written (the pairs left out are its table's), else --report DIR is named."""
    scores = pair_scores(metrics)
    bad = sorted(((n, m, b) for n, (m, b) in scores.items() if m > b), key=lambda t: -t[1] / max(t[2], 1e-30))
    if len(scores) < 2 or not bad:
        return None
    named = "; ".join(f"{n}: {m:.4f} vs bypass {b:.4f} ({times_text(m, b)})" for n, m, b in bad[:WARN_ROWS])
    more = more_rows(len(bad) - WARN_ROWS, report)
    which = "that pair" if len(bad) == 1 else "those pairs"
    return (f"on {len(bad)} of {len(scores)} held-out pairs the pack does worse than no effect at all (its held-out "
            f"ESR above the dry input's, passed through unchanged): {named}{more}; on {which} the pack changes the "
            f"sound away from the recorded output: check {'that recording' if len(bad) == 1 else 'those recordings'} "
            "(is each output a recording of its own row's input?), or train longer")


DOMINANT_FACTOR = 10.0      # a pair whose bypass ESR is this many times the other pairs' median ...
DOMINANT_SHARE = 0.5        # ... and over this share of the pairs' sum makes the mean of bypass's ESR its own


def dominant_bypass_warning(metrics: dict[str, Any]) -> str | None:
    """The note for a set where one pair's bypass ESR (for a denoiser: its noise) is far above the others' and makes
    most of their mean, so the ratio of the means says little about the other pairs; None otherwise."""
    scores = pair_scores(metrics)
    if len(scores) < 3:
        return None
    name, (model, top) = max(scores.items(), key=lambda kv: kv[1][1])
    rest = float(np.median([b for n, (_m, b) in scores.items() if n != name]))
    total = sum(b for _m, b in scores.values())
    if top < DOMINANT_FACTOR * rest or top < DOMINANT_SHARE * total:
        return None
    return (f"the mean of bypass's held-out ESR is mostly {name}'s: {top:.4f}, {top / max(rest, 1e-30):.3g}x the "
            f"other pairs' median {rest:.4f} and {100 * top / total:.0f}% of the sum (its output is far from its "
            "input: for a denoiser, a recording far noisier than the others), so the ratio of the means mostly speaks "
            f"for {name} ({model:.4f} vs {top:.4f}); per pair: "
            f"{per_pair_words(metrics)}")


def quality_warnings(metrics: dict[str, Any], data: EffectData, limit: Limit | None = None,
                     report: bool = False) -> list[str]:
    """Warnings about how well the pack matches the gear on the held-out audio (shown by the CLI and in the
    report): not clearly better than bypass (on the mean, and per pair: :func:`worse_than_bypass_warning`), one
    pair's bypass ESR making the mean (:func:`dominant_bypass_warning`), rows far worse than the rest (``limit``:
    what ended the run).  ``report``: a report is written (rows a warning leaves out are in its table); without
    one (the default) a warning that leaves rows out says --report DIR lists them."""
    knobs = bool(data.knobs)
    outliers = (gain_outlier_warning(metrics, report) if data.denoiser
                else outlier_warning(setting_rows(metrics, data), knobs, report))
    said = [bypass_warning(metrics, limit, knobs), worse_than_bypass_warning(metrics, report),
            dominant_bypass_warning(metrics), outliers]
    return [w for w in said if w]


# Optimiser steps under which a run is too short to judge its data by: an untrained network starts above ESR 1, and
# 5-minute captures take 800-5000 steps (docs/effect.md, measured figures); QA's `--max-steps 20` on clean data
# scored 1.764, blamed on the data.
SHORT_RUN_STEPS = 500


def short_run_words(metrics: dict[str, Any]) -> str | None:
    """Why a pack scoring worse than silence may only be under-trained (fewer than :data:`SHORT_RUN_STEPS` steps:
    --max-steps, a Ctrl-C, or a time budget spent on a busy machine), said instead of blaming the data; None for a
    run that trained long enough (or whose steps are not known)."""
    steps = metrics.get("steps")
    if steps is None or steps >= SHORT_RUN_STEPS:
        return None
    why = " (stopped early)" if metrics.get("stopped_early") else ""
    return (f"but it trained only {steps} step{'s' if steps != 1 else ''}{why}, too few to learn the gear (a "
            f"5-minute capture takes 800-5000): the pack is under-trained; train longer (more --minutes, a larger or "
            f"no --max-steps) before judging the recordings")


def evaluate_folder(pack: str | Path, folder: str | Path, *, csv_name: str = "pairs.csv",
                    val_fraction: float | None = None, allow_clipping: bool = False) -> dict[str, Any]:
    """Score ``pack`` on every recording of ``folder/<csv_name>`` (e.g. unseen knob settings).

    Recordings are checked and latency-aligned like training data; knob values must lie in
    the pack's ranges (KnobError otherwise).
    """
    data = load_folder(folder, allow_clipping=allow_clipping, keep_all_columns=True, csv_name=csv_name)
    return evaluate_data(pack, data, val_fraction)

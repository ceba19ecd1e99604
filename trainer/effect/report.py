"""Training report: markdown + PNGs (loss/ESR curves, spectrograms, ESR per knob setting).

Written to a folder: ``report.md``, ``curves.png``, ``spectrogram.png`` (the worst held-out pair: input, gear, pack),
``esr_per_setting.png`` (a pack with knobs), ``denoise_snr.png`` (a denoiser's set: trainer/effect/report_denoise.py),
``metrics.json`` (the run's metrics plus ``val_rows``, the per-pair table worst first, and ``val_bypass_ratio``).
The held-out ESR stands beside bypass's (the dry input as the output: trainer/effect/evaluate.py).
matplotlib runs headless (Agg).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from hatbox.text import display_name
from trainer.cpuwatch import busy_warning
from trainer.effect import report_denoise
from trainer.effect.align import MARGIN
from trainer.effect.data import EffectData, Pair
from trainer.effect.gaps import (GAP_BELOW_DB, gap_levels, gaps_text, median_levels,  # noqa: F401 - re-exported
                                 quiet_levels, quiet_text)
from trainer.effect.evaluate import pair_scores, per_pair_words, render_pair, scored_span, setting_rows, times_text


def _plt():
    from trainer.plot_fonts import pyplot
    return pyplot()


def plot_curves(history: list[dict[str, float]], path: Path, final: float | None = None,
                resumed: list[list[float]] | None = None) -> Path:
    """Training loss / ESR and validation ESR against wall-clock seconds (log scale).  The held-out curve is the
    trainer's check windows of the held-out stretch; ``final``: the report's figure (the whole held-out stretch
    through the pack), marked at the end so the two are not read as one; ``resumed``: [step, seconds] where each
    ``--resume`` went on (a dotted line: the curves before it are the earlier runs')."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(7, 4))
    train = [h for h in history if "loss" in h]
    val = [h for h in history if "val_esr" in h]
    if train:
        same = all(abs(h["loss"] - h["train_esr"]) <= 1e-9 * max(abs(h["loss"]), 1e-12) for h in train)
        ax.semilogy([h["t"] for h in train], [h["train_esr"] for h in train], lw=0.6, alpha=0.6,
                    label="training ESR (= the loss)" if same else "training ESR")
        if not same:                # drawn under the ESR it would be invisible, its legend entry a riddle
            ax.semilogy([h["t"] for h in train], [h["loss"] for h in train], lw=0.6, alpha=0.6, ls="--",
                        label="training loss (ESR + spectral terms)")
    if val:
        ax.semilogy([h["t"] for h in val], [h["val_esr"] for h in val], "o-",
                    label="held-out ESR, the trainer's check windows")
    if final is not None and final > 0:
        end = max([h["t"] for h in history] or [0.0])
        ax.semilogy([end], [final], "*", ms=12, color="tab:red",
                    label=f"final: {final:.4f}, the whole held-out stretch through the pack (the report's figure)")
    for i, (step, t) in enumerate(resumed or ()):
        ax.axvline(t, color="gray", ls=":", lw=1, label="resumed (--resume)" if i == 0 else None)
        ax.annotate(f"resumed at step {int(step)}", (t, 0.0), xycoords=("data", "axes fraction"), xytext=(3, 4),
                    textcoords="offset points", fontsize=7, color="gray")      # at the foot: the legend is at the top
    ax.set_xlabel("seconds of training")
    ax.set_ylabel("error-to-signal ratio (log; lower is better)")
    ax.set_title("how close the model came to the gear while it trained", fontsize=10)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


SPEC_FLOOR_DB = -140.0      # the spectrograms' floor: digital silence is drawn at it, never the log of 0
SPEC_LOW_HZ = 30.0          # the log frequency axis starts here (a guitar's low E is 82 Hz)


def plot_spectrograms(target: np.ndarray, model: np.ndarray, rate: int, path: Path, title: str = "",
                      inp: np.ndarray | None = None) -> Path:
    """Target vs model spectrograms of the same held-out audio [N], under ``title`` (which pair it is), after the
    input's when ``inp`` [N] is given (what the gear changed, or a denoiser removed): power in dB (a colour bar says
    the scale) on a log frequency axis (a linear 0-24 kHz one squeezed the guitar's range into its bottom tenth)."""
    from matplotlib import mlab
    plt = _plt()
    shown = ([] if inp is None else [(inp, "input (what went in)")]) + [(target, "target (gear)"),
                                                                       (model, "model (pack)")]
    fig, axes = plt.subplots(1, len(shown), figsize=(5.25 * len(shown), 4.4), sharey=True)
    if title:
        fig.suptitle(display_name(title), fontsize=10)
    mesh = None
    for ax, (sig, label) in zip(axes, shown):
        spec, freqs, times = mlab.specgram(np.asarray(sig, np.float64), NFFT=1024, Fs=rate, noverlap=768)
        db = 10.0 * np.log10(np.maximum(spec, 10.0 ** (SPEC_FLOOR_DB / 10.0)))
        keep = freqs >= SPEC_LOW_HZ
        mesh = ax.pcolormesh(times, freqs[keep], db[keep], cmap="magma", vmin=SPEC_FLOOR_DB, shading="auto")
        ax.set_yscale("log")
        ax.set_ylim(SPEC_LOW_HZ, rate / 2)
        ax.set_title(label)
        ax.set_xlabel("seconds")
    axes[0].set_ylabel("Hz (log scale)")
    right = 0.9 if len(shown) == 2 else 0.93
    fig.tight_layout(rect=(0.0, 0.0, right, 1.0))
    if mesh is not None:                            # the colour scale in a column of its own, right of the pictures
        fig.colorbar(mesh, cax=fig.add_axes((right + 0.015, 0.15, 0.01, 0.7))).set_label("dB")
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def plot_esr_bars(per_setting: dict[str, float], path: Path, bypass: dict[str, float] | None = None,
                  labels: dict[str, str] | None = None) -> Path:
    """Held-out ESR per knob setting: a dot for the pack and a ring for bypass (the dry input as the output) on a
    row per setting, each with its figure, on a log axis (bars on a log axis have lengths that mean nothing: it
    has no zero).  ``labels``: the settings in words with units (:func:`setting_labels`)."""
    plt = _plt()
    keys, bypass, labels = list(per_setting), bypass or {}, labels or {}
    fig, ax = plt.subplots(figsize=(7.5, 1.4 + 0.42 * len(keys)))
    rows = np.arange(len(keys))[::-1]                       # the data's first setting on top
    pack = [max(per_setting[k], 1e-6) for k in keys]
    ax.plot(pack, rows, "o", color="tab:blue", ms=7, label="the pack", zorder=3)
    for y, k, v in zip(rows, keys, pack):
        ax.annotate(f"{per_setting[k]:.4f}", (v, y), xytext=(0, 7), textcoords="offset points", ha="center",
                    fontsize=7, color="tab:blue")
    shown = [(y, k) for y, k in zip(rows, keys) if bypass.get(k) is not None]
    if shown:
        ax.plot([max(bypass[k], 1e-6) for _, k in shown], [y for y, _ in shown], "o", mfc="none", color="tab:gray",
                ms=7, label="bypass (the dry input)", zorder=3)
        for y, k in shown:
            ax.annotate(f"{bypass[k]:.4f}", (max(bypass[k], 1e-6), y), xytext=(0, -11), textcoords="offset points",
                        ha="center", fontsize=7, color="tab:gray")
            ax.plot([max(per_setting[k], 1e-6), max(bypass[k], 1e-6)], [y, y], color="0.8", lw=1, zorder=1)
    ax.set_xscale("log")
    ax.set_yticks(rows, [display_name(labels.get(k, k)) for k in keys], fontsize=8)
    ax.set_ylim(-0.7, len(keys) - 0.3)
    ax.set_xlabel("held-out ESR (log scale; left is better)")
    from hatbox.cmd_effect import CLOSE_ESR
    ax.axvline(CLOSE_ESR, color="gray", ls="--", lw=0.8, label=f"under {CLOSE_ESR:g}: close to the gear")
    ax.margins(x=0.15)
    ax.grid(True, axis="x", which="both", alpha=0.25)
    ax.legend(fontsize=7, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, frameon=False)   # over no row
    fig.suptitle("held-out error per knob setting", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def setting_labels(data: EffectData) -> dict[str, str]:
    """Each setting's label (Pair.key, "drive=0 tone=1500") in words with units ("drive 0 dB, tone 1500 Hz")."""
    from hatbox.text import knob_words
    units = {k.name: k.unit for k in data.knobs}
    return {p.key: knob_words(p.setting, units) for p in data.pairs}


def setting_bypass(metrics: dict[str, Any], data: EffectData) -> dict[str, float]:
    """Bypass's held-out ESR per setting: the mean over its pairs' (as ``val_esr_per_setting`` is the pack's)."""
    per_pair: dict[str, float] = metrics.get("val_bypass_esr_per_pair") or {}
    out: dict[str, list[float]] = {}
    for p in data.pairs:
        if per_pair.get(p.name) is not None:
            out.setdefault(p.key, []).append(per_pair[p.name])
    return {k: float(np.mean(v)) for k, v in out.items()}


def worst_pair(data: EffectData, per_pair: dict[str, float]) -> Pair:
    """The pair with the highest held-out ESR (``per_pair``: name -> ESR); the first pair if none is scored."""
    scored = [p for p in data.pairs if p.name in per_pair]
    return max(scored, key=lambda p: per_pair[p.name]) if scored else data.pairs[0]


def _held_out_audio(pack: Path, val_fraction: float, pair: Pair) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The input, the gear's output and the pack's output [N] over ``pair``'s held-out stretch."""
    from device.audio.effect import EffectProcessor
    y_hat = render_pair(EffectProcessor(pack), pair)
    a, b = scored_span(pair, val_fraction)
    return pair.input[a:b], pair.output[a:b], y_hat[a:b]


def _markdown(metrics: dict[str, Any], data: EffectData, config: dict[str, Any],
              made: dict[str, str] | None = None) -> str:
    from hatbox.cmd_effect import time_text        # "188 steps in 60.0 s of training; 7.7 s loading and checking"
    lines = ["# Effect capture report", "",
             *([f"- {k}: `{v}`" for k, v in made.items()] if made else []),
             f"- architecture: `{metrics['arch']}` ({metrics['params']} parameters), {time_text(metrics)}"
             + ("; chosen by a trial of " + ", ".join(f"`{a}` (validation ESR {v:.4f})"
                                                     for a, v in metrics["arch_trials"].items())
                if metrics.get("arch_trials") else "")
             + (f"; {metrics['arch_trial_skipped']}" if metrics.get("arch_trial_skipped") else "")
             + (f"; stopped early ({metrics['stopped_early']}): the pack holds what was trained by then"
                if isinstance(metrics.get("stopped_early"), str) else
                "; stopped early: the pack holds what was trained by then" if metrics.get("stopped_early") else ""),
             *_resumed_text(metrics.get("resumed"), len(metrics.get("resumes") or ())),
             f"- held-out ESR (through the pack, mean over pairs): **{metrics['val_esr']:.5f}**"
             + _bypass_text(metrics),
             *_hum_text(metrics.get("val_esr_hum")),
             report_denoise.esr_words(metrics, _close()),
             *report_denoise.headline(metrics),
             *(gaps_text(metrics.get("quiet_levels_per_pair") or {}, report_denoise.target_words(metrics))
               or quiet_text(metrics.get("quiet_levels"), str(metrics.get("quiet_pair", "")),
                             report_denoise.target_words(metrics))),
             f"- sample rate: {data.rate} Hz; knobs: "
             + (", ".join(f"{k.name} {k.min:g}..{k.max:g} {k.unit}".strip() for k in data.knobs) or "none"),
             "", "Per pair, worst first (bypass: the dry input as the output; x median: its ESR over the median "
             "of the pairs'):", "",
             "| pair | setting | latency found / removed (samples) | held-out ESR | bypass ESR | x median |",
             "|---|---|---|---|---|---|"]
    pairs = {p.name: p for p in data.pairs}
    for r in metrics["val_rows"]:
        p = pairs[r["pair"]]
        lines.append(f"| {p.name} | {p.key} | {p.latency} / {max(0, p.shifted - MARGIN)} | {r['esr']:.5f} | "
                     + ("-" if r["bypass_esr"] is None else f"{r['bypass_esr']:.5f}") + " | "
                     + ("-" if r["x_median"] is None else f"{r['x_median']:.2f}") + " |")
    steps = (metrics.get("resumed") or {}).get("steps", metrics["steps"])        # this run's (a --resume's added)
    busy = busy_warning(metrics.get("others_cores"), steps, config.get("max_steps"))
    lines += ["", *report_denoise.section(metrics), *(f"- note: {n}" for n in data.notes),
              *([f"- warning: {busy}"] if busy else []),
              *(f"- warning: {w}" for w in metrics.get("warnings", [])), "",
              "![curves](curves.png)", "",
              *(["![ESR per knob setting](esr_per_setting.png)", ""] if data.knobs else
                ["No chart per knob setting: the pack has no knobs (one setting, scored above).", ""]),
              f"Spectrograms of the worst held-out pair, {metrics['spectrogram_pair']}:", "",
              "![spectrograms](spectrogram.png)", "", "```", json.dumps(config, indent=1), "```", ""]
    return "\n".join(lines)


_quiet_text = quiet_text      # its name before trainer/effect/gaps.py


def _close() -> float:
    from hatbox.cmd_effect import CLOSE_ESR
    return CLOSE_ESR


def _bypass_text(metrics: dict[str, Any]) -> str:
    """"; bypass ... : N x lower" for the ESR line ("" when bypass was not measured), on the mean and per pair
    (evaluate.per_pair_words: a noisy pair's bypass ESR of 3.8 made the mean's 5.72x of a pack worse than bypass on
    two of seven pairs, forty-second stop's denoiser QA)."""
    bypass = metrics.get("val_bypass_esr")
    if bypass is None:
        return ""
    per_pair = per_pair_words(metrics)
    return (f"; bypass (the dry input as the output): {bypass:.5f}, so the pack's error is "
            f"**{times_text(metrics['val_esr'], bypass)}**" + (f" on the mean; per pair, **{per_pair}**" if per_pair
                                                                else ""))


def bypass_per_pair_figures(metrics: dict[str, Any]) -> dict[str, Any]:
    """metrics.json's per-pair view of bypass: ``val_bypass_ratio_median`` (the median over pairs of bypass's ESR
    over the pack's) and ``val_pairs_better_than_bypass`` ([better, of]); {} when bypass was not measured."""
    scores = pair_scores(metrics)
    if not scores:
        return {}
    ratios = [b / m if m > 0 else float("inf") for m, b in scores.values()]
    return {"val_bypass_ratio_median": float(np.median(ratios)),
            "val_pairs_better_than_bypass": [sum(m < b for m, b in scores.values()), len(scores)]}


def write_report(folder: str | Path, *, history: list[dict[str, float]], data: EffectData,
                 pack: Path, metrics: dict[str, Any], config: dict[str, Any],
                 made: dict[str, str] | None = None) -> Path:
    """Write the report folder; returns the path of report.md.  ``made``: what it describes (trainer.made_words:
    the pack written, the data, when, the command), at the top of report.md and in metrics.json (not in the pack:
    local paths stay on this computer)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    bypass, model_esr = metrics.get("val_bypass_esr"), metrics["val_esr"]
    worst = worst_pair(data, metrics["val_esr_per_pair"])
    metrics = {**metrics, "val_rows": setting_rows(metrics, data),
               "val_bypass_ratio": None if bypass is None or model_esr <= 0 else bypass / model_esr,
               **bypass_per_pair_figures(metrics),
               "spectrogram_pair": f"{worst.name}{f' ({worst.key})' if data.knobs else ''}, held-out ESR "
                                   f"{metrics['val_esr_per_pair'].get(worst.name, float('nan')):.5f}"}
    plot_curves(history, folder / "curves.png", model_esr, metrics.get("resumes"))
    per_setting = metrics["val_esr_per_setting"]
    if data.knobs:              # one setting: a chart of one bar says nothing the ESR line does not
        plot_esr_bars({p.key: per_setting[p.key] for p in data.pairs if p.key in per_setting},   # the data's order
                      folder / "esr_per_setting.png", setting_bypass(metrics, data), setting_labels(data))
    else:
        (folder / "esr_per_setting.png").unlink(missing_ok=True)     # an earlier run's, of another pack
    inp, target, model = _held_out_audio(pack, config["val_fraction"], worst)
    per_pair = gap_levels(pack, data, config["val_fraction"])
    metrics["quiet_levels_per_pair"] = per_pair
    metrics["quiet_levels"] = median_levels(per_pair) or quiet_levels(inp, target, model, data.rate)
    held = {n: v for n, v in per_pair.items() if v}
    metrics["quiet_pair"] = (min(held, key=lambda n: held[n]["input_db"] - held[n]["pack_db"]) if held
                             else worst.name)
    metrics.update(report_denoise.write_part(folder, metrics, data, config["val_fraction"]))
    shown = 3 * data.rate
    plot_spectrograms(target[:shown], model[:shown], data.rate, folder / "spectrogram.png",
                      title=f"worst held-out pair: {metrics['spectrogram_pair']}", inp=inp[:shown])
    (folder / "metrics.json").write_text(json.dumps({**metrics, **({"made": made} if made else {})}, indent=2,
                                                    default=float))
    path = folder / "report.md"
    path.write_text(display_name(_markdown(metrics, data, config, made)))     # a file name that was not UTF-8: \xNN
    return path


def _hum_text(hummed: object) -> list[str]:
    """The report's line for takes carrying mains hum their DI lacks (metrics ``val_esr_hum``:
    trainer.effect.take_checks.hum_error); [] where there is none."""
    if not isinstance(hummed, dict):
        return []
    return [f"- of it, about **{hummed['share']:.4f}** is the mains hum on the takes (the DI has none, so the pack "
            f"does not learn it): without the hum the held-out ESR is about **{hummed['without']:.4f}**"]


def _resumed_text(resumed: object, times: int) -> list[str]:
    """The report's line for a resumed training (metrics ``resumed``: trainer.effect.train.resumed_figures; ``times``:
    how many times this training was resumed); [] for a training from scratch."""
    if not isinstance(resumed, dict):
        return []
    return [f"- resumed (`--resume`) at step {resumed['from_step']}, after {resumed['from_seconds']} s of training: "
            f"{resumed['steps']} more steps in {resumed['seconds']} s"
            + (f"; this training was resumed {times} times, each marked on the curves" if times > 1 else
               "; the curves go on from the earlier run's (the dotted line)")]

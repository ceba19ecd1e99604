"""The denoiser's part of the effect report: SNR of the input, the pack and spectral gating (noisereduce) per
held-out pair, as a headline (also printed after training), a table and ``denoise_snr.png``; only for a set that
is a denoiser's (trainer/effect/denoise_figures.py ``denoise_check``: for a drive pedal "SNR" means nothing).

metrics.json: ``denoise_check`` (always: the rule's figures per pair) and ``denoise`` (the SNR figures, in dB; None
for a set that is no denoiser's).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from hatbox.text import display_name
from trainer.effect.data import EffectData
from trainer.effect.denoise_figures import denoise_check, denoise_figures, denoise_words, pack_summary  # noqa: F401

FIGURE = "denoise_snr.png"
# The gains (dB, lowest and highest) a denoiser's training segments are played at, pair and clean take together
# (trainer/effect/segments.py level_gains): a podcast voice recorded peaking at -6 dBFS is met from a quiet
# USB mic's -30 dBFS up to a hot preamp's full scale (+6 dB, kept under 0 dBFS), so the pack works at any gain
# the user sets instead of only at the one its pairs were recorded at (QA, p60: 13.0 dB out at the trained level,
# 1.0 dB 14 dB under it).  Gear (a drive's sound depends on the level) trains at the recorded level only.
DENOISER_LEVELS_DB = (-24.0, 6.0)


SWAPPED_WORDS = ("the columns look swapped: each output is the noisier side of its pair and each input the cleaner "
                 "(a denoiser's pairs the other way round), so this trains a pack that adds the noise; put the noisy "
                 "recordings in the input column and the clean ones in the output column (if your gear adds the "
                 "noise on purpose, train on)")


def plan_levels(data: EffectData) -> dict[str, Any]:
    """The set's :func:`denoise_check`, kept in ``data.denoise_check``; for a denoiser's set also sets
    ``data.level_range_db`` to :data:`DENOISER_LEVELS_DB` and says so in ``data.notes`` (gear: as recorded); for
    a set that is one with its columns swapped, :data:`SWAPPED_WORDS` in ``data.warnings`` (said before training)."""
    check = data.denoise_check = denoise_check(data)
    if check["swapped"]:
        data.warnings.append(SWAPPED_WORDS)
    if check["denoising"]:
        low, high = DENOISER_LEVELS_DB
        data.level_range_db = DENOISER_LEVELS_DB
        data.notes.append(f"a denoiser's set: it trains on each pair at levels from {low:+.0f} to {high:+.0f} dB of "
                          "the recording (never over 0 dBFS), so the pack denoises at any mic gain, not only at "
                          "the one the pairs were recorded at")
    return check


def denoise_metrics(metrics: dict[str, Any], data: EffectData, val_fraction: float | None,
                    check: dict[str, Any] | None = None) -> dict[str, Any]:
    """{"denoise_check": ..., "denoise": figures or None} for ``metrics`` (with the held-out ESRs per pair, the
    pack's and bypass's) on ``data``'s stretches held out at ``val_fraction``; runs noisereduce only on a denoiser's
    set.  ``check``: the set's :func:`denoise_check` where it was made before training (:func:`plan_levels`)."""
    from trainer.effect.evaluate import scored_span
    check = denoise_check(data) if check is None else check
    figures = (denoise_figures(metrics, data, lambda p: scored_span(p, val_fraction)) if check["denoising"]
               else None)
    return {"denoise_check": check, "denoise": figures}


def denoise_notes(part: dict[str, Any]) -> list[str]:
    """The headline of :func:`denoise_metrics`'s figures, printed after training as a ``note:`` (report.md's bullet
    says the same words); [] for a set that is no denoiser's."""
    return denoise_words(part.get("denoise"))


def plot_snr(fig: dict[str, Any], path: Path) -> Path:
    """Per held-out pair: left, the output's SNR over the input's (dB) for the pack (dots) and noisereduce (rings),
    above the diagonal is noise taken out; right, each pair's improvement in dB as bars, the pack's beside
    noisereduce's."""
    from trainer.effect.report import _plt
    plt = _plt()
    names = list(fig["input_snr"])
    nr_mode = f"noisereduce ({fig['noisereduce_mode']})"
    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 1.6 + max(3.0, 0.35 * len(names))))
    inp = [fig["input_snr"][n] for n in names]
    _scatter(left, inp, [fig["pack_snr"][n] for n in names], "o", "tab:blue", "the pack")
    shown = [n for n in names if n in fig["noisereduce_snr"]]
    _scatter(left, [fig["input_snr"][n] for n in shown], [fig["noisereduce_snr"][n] for n in shown], "s",
             "tab:orange", nr_mode, hollow=True)
    everything = inp + list(fig["pack_snr"].values()) + list(fig["noisereduce_snr"].values())
    low, high = min(everything) - 3, max(everything) + 3
    left.plot([low, high], [low, high], "--", color="gray", lw=1, label="no change (output = input)")
    left.set(xlim=(low, high), ylim=(low, high), xlabel="input SNR, dB (noisy vs clean)",
             ylabel="output SNR, dB (vs clean)", title="SNR per held-out pair: above the line, noise came out")
    left.legend(fontsize=7)
    left.grid(True, alpha=0.3)
    _gain_bars(right, fig, names, nr_mode)
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
    return path


def _scatter(ax: Any, x: list[float], y: list[float], marker: str, colour: str, label: str,
             hollow: bool = False) -> None:
    ax.plot(x, y, marker, ls="none", color=colour, mfc="none" if hollow else colour, ms=8, label=label)


def _gain_bars(ax: Any, fig: dict[str, Any], names: list[str], nr_mode: str) -> None:
    """Horizontal bars: each pair's SNR improvement (dB) by the pack and by noisereduce, the first pair on top."""
    rows = np.arange(len(names))[::-1]
    pack = [fig["pack_gain"][n] for n in names]
    base = [fig["noisereduce_gain"].get(n, np.nan) for n in names]
    ax.barh(rows + 0.2, pack, height=0.4, color="tab:blue", label="the pack")
    ax.barh(rows - 0.2, base, height=0.4, color="tab:orange", label=nr_mode)
    for y, v in [(y + 0.2, v) for y, v in zip(rows, pack)] + [(y - 0.2, v) for y, v in zip(rows, base)
                                                                 if np.isfinite(v)]:
        ax.annotate(f"{v:+.1f}", (v, y), xytext=(3 if v >= 0 else -3, 0), textcoords="offset points",
                    va="center", ha="left" if v >= 0 else "right", fontsize=7)
    ax.axvline(0.0, color="black", lw=0.8)
    ax.set_yticks(rows, [display_name(n) for n in names], fontsize=7)
    ax.set(xlabel="SNR improvement, dB (higher is more noise out)", title="improvement per held-out pair")
    ax.legend(fontsize=7)
    ax.grid(True, axis="x", alpha=0.3)


def _cell(value: float | None, signed: bool = False) -> str:
    return "-" if value is None else (f"{value:+.1f}" if signed else f"{value:.1f}")


def target_words(metrics: dict[str, Any]) -> str:
    """What the output column holds, in the report's words: "the clean take" for a denoiser's set (``metrics`` with
    its ``denoise`` figures), "the gear" otherwise."""
    return "the clean take" if metrics.get("denoise") else "the gear"


def esr_words(metrics: dict[str, Any], close: float) -> str:
    """report.md's bullet saying what the ESR is, of the gear's output or, for a denoiser's set, of the clean take
    (``close``: the ESR under which a capture is close)."""
    target = target_words(metrics)
    whose, snr = ("the clean take", " (SNR = -10 log10 ESR)") if metrics.get("denoise") else ("the gear's", "")
    return (f"- ESR, the error-to-signal ratio: the energy of the difference between the pack's output and {whose}, "
            f"over the energy of {whose}, on recordings held out of training; 0 is identical, under {close:g} is "
            f"close to {target}, 1 is as far off as silence{snr}")


def headline(metrics: dict[str, Any]) -> list[str]:
    """report.md's bullet (the words the training summary prints); [] for a set that is no denoiser's."""
    return [f"- {line}" for line in denoise_words(metrics.get("denoise"))]


def section(metrics: dict[str, Any]) -> list[str]:
    """report.md's denoiser section: how the figures were made, the table per pair and the figure; []  for a set
    that is no denoiser's."""
    fig = metrics.get("denoise")
    if not fig:
        return []
    modes = ", ".join(f"{m} {_cell(v, True)} dB" for m, v in fig["noisereduce_modes"].items())
    lines = ["## Noise removed, per held-out pair", "",
             "SNR: the clean take's energy over the energy of everything else (what is left of the noise, and any "
             "damage to the playing), in dB, on each pair's held-out stretch; the input's is the noisy recording's, "
             "improvement = the output's SNR - the input's. Spectral gating is `noisereduce`'s `reduce_noise` on the "
             "noisy input alone (its noise profile never from the clean take), offline (it sees the whole stretch, "
             f"future included; the pack is causal, as on the box); median improvement by mode: {modes}; the best "
             "is shown.", "",
             "| pair | input SNR (dB) | the pack (dB) | improvement | noisereduce (dB) | improvement |",
             "|---|---|---|---|---|---|"]
    for n, snr in fig["input_snr"].items():
        lines.append(f"| {n} | {_cell(snr)} | {_cell(fig['pack_snr'][n])} | {_cell(fig['pack_gain'][n], True)} | "
                     f"{_cell(fig['noisereduce_snr'].get(n))} | {_cell(fig['noisereduce_gain'].get(n), True)} |")
    return lines + ["", f"![SNR per pair]({FIGURE})", ""]


def write_part(folder: Path, metrics: dict[str, Any], data: EffectData, val_fraction: float | None) -> dict[str, Any]:
    """The denoiser's figures for the report folder: measured here unless ``metrics`` has them (the trainer may
    have measured them to print), drawn as :data:`FIGURE` for a denoiser's set (an earlier run's removed
    otherwise); returns the metrics.json keys."""
    part = ({k: metrics[k] for k in ("denoise_check", "denoise")} if "denoise_check" in metrics
            else denoise_metrics(metrics, data, val_fraction))
    if part["denoise"]:
        plot_snr(part["denoise"], folder / FIGURE)
    else:
        (folder / FIGURE).unlink(missing_ok=True)
    return part

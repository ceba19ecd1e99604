"""Training report: markdown + PNGs (loss/ESR curves, spectrograms, ESR per knob setting).

Written to a folder: ``report.md``, ``curves.png``, ``spectrogram.png``, ``esr_per_setting.png``,
``metrics.json``.  matplotlib runs headless (Agg).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from trainer.cpuwatch import busy_warning
from trainer.effect.align import MARGIN
from trainer.effect.data import EffectData
from trainer.effect.evaluate import render_pair, scored_span


def _plt():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def plot_curves(history: list[dict[str, float]], path: Path) -> Path:
    """Training loss / ESR and validation ESR against wall-clock seconds (log scale)."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(7, 4))
    train = [h for h in history if "loss" in h]
    val = [h for h in history if "val_esr" in h]
    if train:
        ax.semilogy([h["t"] for h in train], [h["loss"] for h in train], lw=0.6, alpha=0.6, label="train loss")
        ax.semilogy([h["t"] for h in train], [h["train_esr"] for h in train], lw=0.6, alpha=0.6, label="train ESR")
    if val:
        ax.semilogy([h["t"] for h in val], [h["val_esr"] for h in val], "o-", label="held-out ESR")
    ax.set_xlabel("seconds")
    ax.set_ylabel("loss / ESR")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def plot_spectrograms(target: np.ndarray, model: np.ndarray, rate: int, path: Path) -> Path:
    """Target vs model spectrograms of the same held-out audio [N]."""
    plt = _plt()
    fig, axes = plt.subplots(1, 2, figsize=(10, 4), sharey=True)
    for ax, sig, title in zip(axes, (target, model), ("target (gear)", "model (pack)")):
        with np.errstate(divide="ignore"):          # digital silence -> -inf dB, drawn as the floor
            ax.specgram(sig, NFFT=1024, Fs=rate, noverlap=768, cmap="magma", vmin=-140)
        ax.set_title(title)
        ax.set_xlabel("seconds")
    axes[0].set_ylabel("Hz")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def plot_esr_bars(per_setting: dict[str, float], path: Path) -> Path:
    """Held-out ESR per knob setting (bar chart, log scale)."""
    plt = _plt()
    keys = list(per_setting)
    fig, ax = plt.subplots(figsize=(max(5, 0.8 * len(keys) + 2), 4))
    ax.bar(range(len(keys)), [max(per_setting[k], 1e-6) for k in keys], color="tab:blue")
    ax.set_yscale("log")
    ax.set_xticks(range(len(keys)), keys, rotation=30, ha="right", fontsize=8)
    ax.set_ylabel("held-out ESR")
    ax.axhline(0.01, color="gray", ls="--", lw=0.8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def _spectro_audio(data: EffectData, pack: Path, val_fraction: float) -> tuple[np.ndarray, np.ndarray]:
    from device.audio.effect import EffectProcessor
    pair = data.pairs[0]
    y_hat = render_pair(EffectProcessor(pack), pair)
    a, b = scored_span(pair, val_fraction)
    b = min(b, a + 3 * data.rate)
    return pair.output[a:b], y_hat[a:b]


def _markdown(metrics: dict[str, Any], data: EffectData, config: dict[str, Any]) -> str:
    lines = ["# Effect capture report", "",
             f"- architecture: `{metrics['arch']}` ({metrics['params']} parameters), "
             f"{metrics['steps']} step{'' if metrics['steps'] == 1 else 's'} in {metrics['train_seconds']} s"
             + ("; chosen by a trial of " + ", ".join(f"`{a}` (validation ESR {v:.4f})"
                                                     for a, v in metrics["arch_trials"].items())
                if metrics.get("arch_trials") else "")
             + (f"; {metrics['arch_trial_skipped']}" if metrics.get("arch_trial_skipped") else ""),
             f"- held-out ESR (through the pack, mean over pairs): **{metrics['val_esr']:.5f}**",
             f"- sample rate: {data.rate} Hz; knobs: "
             + (", ".join(f"{k.name} {k.min:g}..{k.max:g} {k.unit}".strip() for k in data.knobs) or "none"),
             "", "| pair | setting | latency found / removed (samples) | held-out ESR |", "|---|---|---|---|"]
    for p in data.pairs:
        lines.append(f"| {p.name} | {p.key} | {p.latency} / {max(0, p.shifted - MARGIN)} | "
                     f"{metrics['val_esr_per_pair'][p.name]:.5f} |")
    busy = busy_warning(metrics.get("others_cores"), metrics["steps"], config.get("max_steps"))
    lines += ["", *(f"- note: {n}" for n in data.notes), *([f"- warning: {busy}"] if busy else []),
              *(f"- warning: {w}" for w in metrics.get("warnings", [])), "",
              "![curves](curves.png)", "", "![ESR per knob setting](esr_per_setting.png)", "",
              "![spectrograms](spectrogram.png)", "", "```", json.dumps(config, indent=1), "```", ""]
    return "\n".join(lines)


def write_report(folder: str | Path, *, history: list[dict[str, float]], data: EffectData,
                 pack: Path, metrics: dict[str, Any], config: dict[str, Any]) -> Path:
    """Write the report folder; returns the path of report.md."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    plot_curves(history, folder / "curves.png")
    plot_esr_bars(metrics["val_esr_per_setting"], folder / "esr_per_setting.png")
    target, model = _spectro_audio(data, pack, config["val_fraction"])
    plot_spectrograms(target, model, data.rate, folder / "spectrogram.png")
    (folder / "metrics.json").write_text(json.dumps(metrics, indent=2, default=float))
    path = folder / "report.md"
    path.write_text(_markdown(metrics, data, config))
    return path

"""Training report: held-out pitch accuracy and spectral distance, spectrograms and audio of held-out notes."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch

from device.audio import audiofile
from trainer.synth.features import cents_error
from trainer.synth.loss import multires_stft
from trainer.synth.train import NoteSet, TrainResult, render_notes


def heldout_metrics(result: TrainResult, ho: NoteSet) -> dict[str, float]:
    """Median |pitch error| (cents) and mean multi-resolution STFT distance of resynthesised held-out notes."""
    rate = result.model.cfg.rate
    pred = render_notes(result.model, ho)
    cents = [cents_error(p.numpy(), rate, float(pitch)) for p, pitch in zip(pred, ho.pitch)]
    dist = [float(multires_stft(p[None], t[None])) for p, t in zip(pred, ho.audio)]
    return {"heldout_pitch_median_abs_cents": float(np.median(np.abs(cents))),
            "heldout_pitch_p90_abs_cents": float(np.percentile(np.abs(cents), 90)),
            "heldout_mrstft": float(np.mean(dist)), "heldout_notes": len(ho),
            "train_seconds": round(result.seconds, 1), "train_steps": result.steps,
            "others_cores": None if result.others_cores is None else round(result.others_cores, 2)}


def spectrogram_png(pairs: list[tuple[str, np.ndarray]], rate: int, path: Path, fmax: float = 8000.0) -> Path:
    """One row per (title, audio) pair: log-magnitude spectrograms up to ``fmax`` Hz, saved as PNG."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(len(pairs), 1, figsize=(8, 1.8 * len(pairs)), squeeze=False)
    for ax, (title, x) in zip(axes[:, 0], pairs):
        nfft = 2048 if rate > 32000 else 1024
        ax.specgram(x + 1e-9, NFFT=nfft, Fs=rate, noverlap=nfft * 3 // 4, cmap="magma", vmin=-130)
        ax.set_ylim(0, min(fmax, rate / 2))
        ax.set_title(title, fontsize=8)
        ax.set_ylabel("Hz", fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)
    return path


def write_report(result: TrainResult, ho: NoteSet, out_dir: str | Path, n_audio: int = 4) -> dict:
    """Metrics JSON, a spectrogram PNG and real/model WAVs of ``n_audio`` held-out notes per instrument."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    metrics = heldout_metrics(result, ho)
    rate = result.model.cfg.rate
    pred = render_notes(result.model, ho).numpy()
    pairs = []
    for k, name in enumerate(result.names):
        idx = torch.nonzero(ho.inst == k).flatten()[:n_audio].tolist()
        for i in idx:
            tag = f"{name}_{int(ho.pitch[i])}_{int(ho.velocity[i])}"
            audiofile.write(out / f"{tag}_real.wav", ho.audio[i].numpy(), rate)
            audiofile.write(out / f"{tag}_model.wav", pred[i], rate)
        if idx:
            pairs += [(f"{name} {int(ho.pitch[idx[0]])} real", ho.audio[idx[0]].numpy()),
                      (f"{name} {int(ho.pitch[idx[0]])} model", pred[idx[0]])]
    spectrogram_png(pairs, rate, out / "heldout_spectrograms.png")
    (out / "metrics.json").write_text(json.dumps({**metrics, "history": result.history}, indent=1))
    return metrics

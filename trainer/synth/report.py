"""Training report: held-out pitch accuracy and spectral distance, spectrograms and audio of held-out notes
(of training notes, labelled so, when a note set has no held-out pitch)."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch

from device.audio import audiofile
from hatbox.text import display_name
from trainer.synth.data import REPORT_JSON
from trainer.synth.features import cents_error
from trainer.synth.loss import multires_stft
from trainer.synth.train import HELDOUT, NoteSet, TrainResult, render_notes


def heldout_metrics(result: TrainResult, ho: NoteSet) -> dict:
    """Median |pitch error| (cents) and mean multi-resolution STFT distance of the resynthesised evaluation
    notes.  Keys start with ``result.eval_set``: ``heldout_*`` for held-out notes, ``train_set_*`` when there
    were none and training notes were scored (then ``heldout_notes`` is 0)."""
    rate = result.model.cfg.rate
    pred = render_notes(result.model, ho)
    cents = [cents_error(p.numpy(), rate, float(pitch)) for p, pitch in zip(pred, ho.pitch)]
    dist = [float(multires_stft(p[None], t[None])) for p, t in zip(pred, ho.audio)]
    sine = sine_notes(ho, rate, result.model.cfg.hop)
    plain = [float(multires_stft(s[None], t[None])) for s, t in zip(sine, ho.audio)]
    tag = result.eval_set
    return {"eval_set": tag, f"{tag}_pitch_median_abs_cents": float(np.median(np.abs(cents))),
            f"{tag}_pitch_p90_abs_cents": float(np.percentile(np.abs(cents), 90)),
            f"{tag}_mrstft": float(np.mean(dist)), f"{tag}_mrstft_sine": float(np.mean(plain)),
            "heldout_notes": len(ho) if tag == HELDOUT else 0,
            **({} if tag == HELDOUT else {f"{tag}_notes": len(ho)}),
            "train_seconds": round(result.seconds, 1), "train_steps": result.steps,
            "others_cores": None if result.others_cores is None else round(result.others_cores, 2),
            "stopped_early": result.stopped_early, **({"no_holdout": True} if result.no_holdout else {})}


def sine_notes(ho: NoteSet, rate: int, hop: int) -> torch.Tensor:
    """[N, L] plain sines at each note's pitch following its loudness curve (``ho.loud``, dB re a full-scale sine,
    one value every ``hop`` samples): what the spectral distance of a synth that learned nothing of the timbre is
    held against (the figure alone had no scale: twenty-seventh stop's QA)."""
    n, length = ho.audio.shape
    t = np.arange(length) / rate
    frames = np.arange(ho.loud.shape[1]) * hop
    out = np.empty((n, length), np.float32)
    for i in range(n):
        amp = np.interp(np.arange(length), frames, 10.0 ** (ho.loud[i].numpy().astype(np.float64) / 20.0))
        f0 = 440.0 * 2.0 ** ((float(ho.pitch[i]) - 69.0) / 12.0)
        out[i] = amp * np.sin(2.0 * np.pi * f0 * t)
    return torch.from_numpy(out)


FLOOR_DB = -130.0       # the spectrograms' floor: power density below it (silence, padding) is drawn at it


def spectrogram_png(pairs: list[tuple[str, np.ndarray]], rate: int, path: Path, fmax: float = 8000.0) -> Path:
    """One row per (title, audio [N]) pair: power spectral density in dB (floored at ``FLOOR_DB``, so
    silent frames never take the log of 0) up to ``fmax`` Hz, saved as PNG."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import mlab
    fig, axes = plt.subplots(len(pairs), 1, figsize=(8, 1.8 * len(pairs)), squeeze=False)
    for ax, (title, x) in zip(axes[:, 0], pairs):
        nfft = 2048 if rate > 32000 else 1024
        spec, freqs, times = mlab.specgram(np.asarray(x, np.float64), NFFT=nfft, Fs=rate, noverlap=nfft * 3 // 4)
        db = 10.0 * np.log10(np.maximum(spec, 10.0 ** (FLOOR_DB / 10.0)))
        ax.pcolormesh(times, freqs, db, cmap="magma", vmin=FLOOR_DB, shading="auto")
        ax.set_ylim(0, min(fmax, rate / 2))
        ax.set_title(display_name(title), fontsize=8)
        ax.set_ylabel("Hz", fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)
    return path


def write_report(result: TrainResult, ho: NoteSet, out_dir: str | Path, n_audio: int = 4,
                 made: dict[str, str] | None = None) -> dict:
    """Metrics JSON, a spectrogram PNG and real/model WAVs of ``n_audio`` evaluation notes per instrument
    (held-out notes; training notes, in files named ``train_set_*``, when there were none)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    metrics = heldout_metrics(result, ho)
    rate = result.model.cfg.rate
    pred = render_notes(result.model, ho).numpy()
    prefix = "" if result.eval_set == HELDOUT else f"{result.eval_set}_"
    pairs = []
    for k, name in enumerate(result.names):
        idx = torch.nonzero(ho.inst == k).flatten()[:n_audio].tolist()
        for i in idx:
            tag = f"{name}_{int(ho.pitch[i])}_{int(ho.velocity[i])}"
            audiofile.write(out / f"{prefix}{tag}_real.wav", ho.audio[i].numpy(), rate)
            audiofile.write(out / f"{prefix}{tag}_model.wav", pred[i], rate)
        if idx:
            pairs += [(f"{name} {int(ho.pitch[idx[0]])} real", ho.audio[idx[0]].numpy()),
                      (f"{name} {int(ho.pitch[idx[0]])} model", pred[idx[0]])]
    spectrogram_png(pairs, rate, out / f"{result.eval_set}_spectrograms.png")
    (out / REPORT_JSON).write_text(json.dumps({**({"made": made} if made else {}), **metrics,
                                               "history": result.history}, indent=1))
    return metrics

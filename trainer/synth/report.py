"""Training report: held-out pitch accuracy and spectral distance, spectrograms and audio of held-out notes
(of training notes, labelled so, when a note set has no held-out pitch)."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch

from device.audio import audiofile
from device.notes import note_name
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


def curves_png(history: list[dict], eval_set: str, path: Path, final: float | None = None) -> Path:
    """The training loss and the evaluation notes' spectral distance against seconds of training (the history the
    training loop logs every two minutes, and at its end), saved as PNG; ``final``: the report's figure (every
    evaluation note, scored after training), marked at the end (reports QA of the forty-first stop: the curve's last
    point, a fixed subset of the notes, read 0.784 where the summary said 0.800, and nothing said why)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(7, 3.6))
    rows = [h for h in history if isinstance(h.get("train"), (int, float))]
    ax.plot([h["t"] for h in rows], [h["train"] for h in rows], "o-", ms=3, label="training notes (the loss)")
    scored = [h for h in history if isinstance(h.get(eval_set), (int, float))]
    ax.plot([h["t"] for h in scored], [h[eval_set] for h in scored], "o-", ms=3,
            label=("held-out notes" if eval_set == HELDOUT else "training notes scored") + " (a fixed subset of them)")
    if final is not None and (scored or rows):
        end = max(h["t"] for h in scored or rows)
        ax.plot([end], [final], "*", ms=12, color="black",
                label=f"final: {final:.3f}, every {'held-out' if eval_set == HELDOUT else 'training'} note "
                      "(the report's figure)")
    ax.set_xlabel("seconds of training")
    ax.set_ylabel("spectral distance (lower is better)")
    ax.set_title("how close the synth came to the recordings while it trained", fontsize=10)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return path


def _markdown(metrics: dict, result: TrainResult, made: dict[str, str] | None) -> str:
    """report.md: what the report describes, the figures in words, the pictures and the sounds to compare."""
    tag = metrics["eval_set"]
    notes = "held-out notes (pitches it never trained on)" if tag == HELDOUT else "training notes (none held out)"
    lines = ["# Synth training report", "", *([f"- {k}: `{v}`" for k, v in made.items()] if made else []),
             f"- instruments: {', '.join(result.names)}",
             f"- {metrics['train_steps']} steps in {metrics['train_seconds']} s"
             + (f"; stopped early: {metrics['stopped_early']}" if metrics.get("stopped_early") else ""),
             f"- scored on {notes}",
             f"- spectral distance to the recordings: **{metrics[f'{tag}_mrstft']:.3f}** (lower is better; a plain sine "
             f"at each note's pitch and loudness scores {metrics[f'{tag}_mrstft_sine']:.3f})",
             f"- pitch error: {metrics[f'{tag}_pitch_median_abs_cents']:.1f} cents median, "
             f"{metrics[f'{tag}_pitch_p90_abs_cents']:.1f} cents for 9 notes in 10 (the synth is given each note's "
             "pitch: this catches a timbre heard an octave or a fifth off)", "",
             "![training](curves.png)", "",
             f"![spectrograms]({tag}_spectrograms.png)", "",
             f"Listen: each `*_real.wav` beside its `*_model.wav` ({'held-out' if tag == HELDOUT else 'training'} "
             "notes, at the synth's training rate).", ""]
    return "\n".join(lines)


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


def spectrogram_png(pairs: list[tuple[str, np.ndarray]], rate: int, path: Path, fmax: float | None = None) -> Path:
    """One row per (title, audio [N]) pair: power spectral density in dB (floored at ``FLOOR_DB``, so
    silent frames never take the log of 0) up to ``fmax`` Hz (None: all the synth plays, to ``rate`` / 2), with
    time and frequency axes and a dB colour scale, saved as PNG."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import mlab
    fig, axes = plt.subplots(len(pairs), 1, figsize=(8, 1.9 * len(pairs) + 0.4), squeeze=False)
    mesh = None
    for ax, (title, x) in zip(axes[:, 0], pairs):
        nfft = 2048 if rate > 32000 else 1024
        spec, freqs, times = mlab.specgram(np.asarray(x, np.float64), NFFT=nfft, Fs=rate, noverlap=nfft * 3 // 4)
        db = 10.0 * np.log10(np.maximum(spec, 10.0 ** (FLOOR_DB / 10.0)))
        mesh = ax.pcolormesh(times, freqs, db, cmap="magma", vmin=FLOOR_DB, shading="auto")
        ax.set_ylim(0, rate / 2 if fmax is None else min(fmax, rate / 2))
        ax.set_title(display_name(title), fontsize=8)
        ax.set_ylabel("Hz", fontsize=7)
    axes[-1, 0].set_xlabel("seconds", fontsize=7)
    fig.tight_layout(rect=(0.0, 0.0, 0.88, 1.0))
    if mesh is not None:                            # the colour scale in a column of its own, right of the rows
        cbar = fig.colorbar(mesh, cax=fig.add_axes((0.9, 0.12, 0.018, 0.76)))
        cbar.set_label("dB", fontsize=7)
        cbar.ax.tick_params(labelsize=7)
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
            note = f"{note_name(float(ho.pitch[idx[0]]))} (MIDI {int(ho.pitch[idx[0]])})"
            pairs += [(f"{name} {note}: the recording", ho.audio[idx[0]].numpy()),
                      (f"{name} {note}: the synth", pred[idx[0]])]
    spectrogram_png(pairs, rate, out / f"{result.eval_set}_spectrograms.png")
    curves_png(result.history, result.eval_set, out / "curves.png", metrics.get(f"{result.eval_set}_mrstft"))
    (out / "report.md").write_text(display_name(_markdown(metrics, result, made)))
    (out / REPORT_JSON).write_text(json.dumps({**({"made": made} if made else {}), **metrics,
                                               "history": result.history}, indent=1))
    return metrics

"""Training report: held-out pitch accuracy and spectral distance, spectrograms and audio of held-out notes
(of training notes, labelled so, when a note set has no held-out pitch)."""
from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import torch

from device.audio import audiofile
from device.notes import note_name
from hatbox.text import count_words, display_name
from trainer.synth.data import REPORT_JSON
from trainer.synth.envelope_fit import DEFAULT_ENVELOPE, box_levels, envelope_hold_words, envelope_words, note_shape
from trainer.synth.features import cents_error, loudness_db
from trainer.synth.heldout import held_pitch_words
from trainer.synth.loss import multires_stft
from trainer.synth.train import HELDOUT, NoteSet, TrainResult, render_notes


@dataclass
class NoteScores:
    """Per evaluation note [N]: |pitch error| (cents) and spectral distances of the resynthesis (from the recording's
    own loudness curve), of a plain sine and of the note as the box plays it (velocity map + envelope); the renders
    [N, L] of both; the level change (dB, ``level_span`` s: from 0.2 s to the second figure) of each recording and
    of the box's render."""

    cents: np.ndarray
    dist: np.ndarray
    sine: np.ndarray
    box: np.ndarray
    resynth: np.ndarray
    played: np.ndarray
    change_real: np.ndarray
    change_box: np.ndarray
    level_span: tuple[float, float] | None


def box_loudness(result: TrainResult, ho: NoteSet) -> torch.Tensor:
    """[N, F] dB: the loudness the box feeds the network for each evaluation note, struck at its velocity and let go
    where its recording's release begins (held to the end when it has none): the velocity map's level plus the
    fitted envelope (trainer.synth.envelope_fit.box_levels, the box's own envelope step)."""
    frame_s = result.model.cfg.hop / result.model.cfg.rate
    env = result.envelope.envelope if result.envelope is not None else DEFAULT_ENVELOPE
    vm, frames = result.velocity_map, ho.loud.shape[1]
    rows = []
    for i in range(len(ho)):
        shape = note_shape(ho.loud[i].numpy(), frame_s)
        hold = shape.hold_end if shape is not None and shape.release is not None else frames
        level = vm["db_at_127"] - (127.0 - float(ho.velocity[i])) * vm["db_per_velocity"]
        rows.append(level + 20.0 * np.log10(np.maximum(box_levels(env, frames, hold, frame_s), 1e-5)))
    return torch.from_numpy(np.stack(rows).astype(np.float32))


def level_span(length_s: float) -> tuple[float, float] | None:
    """The two times (s) a note's level change is read between: 0.2 s and 1.0 s (the synth QA's figure), or as
    late as a shorter note allows (0.15 s before its end); None for a note under 0.6 s."""
    late = min(1.0, length_s - 0.15)
    return (0.2, round(late, 2)) if late >= 0.45 else None


def level_change(audio: np.ndarray, rate: int, hop: int, span: tuple[float, float]) -> float:
    """dB from ``span[0]`` to ``span[1]`` s of ``audio`` [L]: the mean power of the loudness frames within 0.1 s of
    each (trainer.synth.features.loudness_db)."""
    loud = 10.0 ** (loudness_db(audio[:len(audio) // hop * hop], hop).astype(np.float64) / 10.0)
    t = np.arange(len(loud)) * hop / rate
    power = [float(np.mean(loud[np.abs(t - at) <= 0.1])) for at in span]
    return 10.0 * float(np.log10(max(power[1], 1e-20) / max(power[0], 1e-20)))


def note_scores(result: TrainResult, ho: NoteSet) -> NoteScores:
    """Every evaluation note scored (:class:`NoteScores`)."""
    rate, hop = result.model.cfg.rate, result.model.cfg.hop
    resynth = render_notes(result.model, ho)
    played = render_notes(result.model, NoteSet(ho.audio, box_loudness(result, ho), ho.pitch, ho.inst, ho.velocity,
                                                ho.paths))
    sine = sine_notes(ho, rate, hop)

    def dist(x: torch.Tensor) -> np.ndarray:
        return np.array([float(multires_stft(p[None], t[None])) for p, t in zip(x, ho.audio)])
    span = level_span(ho.audio.shape[1] / rate)
    change = (lambda x: np.array([level_change(a.numpy(), rate, hop, span) for a in x]) if span else
              np.full(len(x), np.nan))
    cents = np.abs([cents_error(p.numpy(), rate, float(pitch)) for p, pitch in zip(resynth, ho.pitch)])
    return NoteScores(cents, dist(resynth), dist(sine), dist(played), resynth.numpy(), played.numpy(),
                      change(ho.audio), change(played), span)


def heldout_metrics(result: TrainResult, ho: NoteSet, scores: NoteScores | None = None) -> dict:
    """Median |pitch error| (cents) and mean multi-resolution STFT distance of the resynthesised evaluation
    notes.  Keys start with ``result.eval_set``: ``heldout_*`` for held-out notes, ``train_set_*`` when there
    were none and training notes were scored (then ``heldout_notes`` is 0); ``envelope``: the pack's envelope in
    words."""
    sc = note_scores(result, ho) if scores is None else scores
    tag = result.eval_set
    return {"eval_set": tag, f"{tag}_pitch_median_abs_cents": float(np.median(sc.cents)),
            f"{tag}_pitch_p90_abs_cents": float(np.percentile(sc.cents, 90)),
            f"{tag}_mrstft": float(np.mean(sc.dist)), f"{tag}_mrstft_sine": float(np.mean(sc.sine)),
            "heldout_notes": len(ho) if tag == HELDOUT else 0,
            **({} if tag == HELDOUT else {f"{tag}_notes": len(ho)}),
            "train_seconds": round(result.seconds, 1), "train_steps": result.steps, "device": result.device,
            "others_cores": None if result.others_cores is None else round(result.others_cores, 2),
            "stopped_early": result.stopped_early, **({"no_holdout": True} if result.no_holdout else {}),
            **({"no_holdout_why": result.no_holdout_why} if result.no_holdout_why else {}),   # the summary says it
            **({"held_out_by_instrument": result.held_share} if result.held_share else {}),   # and this, when many
            **({"envelope": envelope_words(result.envelope)} if result.envelope is not None else {})}


def instrument_scores(result: TrainResult, ho: NoteSet, sc: NoteScores) -> dict[str, dict]:
    """{instrument: its evaluation notes' figures}: ``notes`` (0: not scored), and for a scored one the spectral
    distances (resynthesis, plain sine, as the box plays it), the median |pitch error| and the median level change
    of the recordings and of the box's renders (dB from 0.2 s to ``level_to_s``)."""
    out: dict[str, dict] = {}
    for k, name in enumerate(result.names):
        idx = (ho.inst == k).numpy()
        if not idx.any():
            out[name] = {"notes": 0}
            continue
        out[name] = {"notes": int(idx.sum()), "mrstft": float(np.mean(sc.dist[idx])),
                     "mrstft_sine": float(np.mean(sc.sine[idx])), "mrstft_as_played": float(np.mean(sc.box[idx])),
                     "pitch_median_abs_cents": float(np.median(sc.cents[idx]))}
        if sc.level_span:
            out[name].update(level_change_recording_db=round(float(np.median(sc.change_real[idx])), 1),
                             level_change_played_db=round(float(np.median(sc.change_box[idx])), 1),
                             level_from_s=sc.level_span[0], level_to_s=sc.level_span[1])
    return out


def curves_png(history: list[dict], eval_set: str, path: Path, final: float | None = None) -> Path:
    """The training loss and the evaluation notes' spectral distance against seconds of training (the history the
    training loop logs every two minutes, and at its end), saved as PNG; ``final``: the report's figure (every
    evaluation note, scored after training), marked at the end (reports QA of the forty-first stop: the curve's last
    point, a fixed subset of the notes, read 0.784 where the summary said 0.800, and nothing said why)."""
    from trainer.plot_fonts import pyplot
    plt = pyplot()
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


@dataclass
class TrainingLog:
    """What training said and did, for the report: ``said`` the lines it printed (plan, envelope, "note: ...",
    "warning: ..."), ``notes`` the notes it loaded (trainer.synth.data Note), ``instruments`` each one's note counts
    and range (:func:`instrument_counts`; from ``notes`` when the report is written), ``summary`` what the command
    prints after it (the scores in words and its "next:" advice) from the metrics."""

    said: list[str] = field(default_factory=list)
    notes: list = field(default_factory=list)
    instruments: dict[str, dict] = field(default_factory=dict)
    summary: Callable[[dict], list[str]] | None = None
    echo: bool = True                   # print what is said (False: a torchrun worker other than the first)

    def say(self, text: str) -> None:
        """Print ``text`` (a plan or note line) and keep it."""
        if self.echo:
            print(text, flush=True)
        self.said.append(text)

    def note(self, text: str) -> None:
        self.say(f"note: {text}")

    def warn(self, text: str) -> None:
        """Say ``warning: text`` on stderr (every warning is: the summary is stdout's) and keep it."""
        if self.echo:
            sys.stdout.flush()
            print(f"warning: {text}", file=sys.stderr, flush=True)
        self.said.append(f"warning: {text}")


def instrument_counts(notes: list, held_paths: set[str]) -> dict[str, dict]:
    """{instrument: {"notes", "trained", "held_out", "lowest", "highest"}} of the loaded notes (trainer.synth.data
    Note), those whose path is in ``held_paths`` counted as held out; the range as note names ("C3", "C5")."""
    out: dict[str, dict] = {}
    for n in sorted(notes, key=lambda n: (n.instrument, n.pitch)):
        row = out.setdefault(n.instrument, {"notes": 0, "trained": 0, "held_out": 0,
                                            "lowest": note_name(n.pitch), "highest": note_name(n.pitch)})
        held = n.path in held_paths
        row.update(notes=row["notes"] + 1, held_out=row["held_out"] + held, trained=row["trained"] + (not held),
                   highest=note_name(n.pitch))
    return out


def _score_lines(metrics: dict, per: dict[str, dict]) -> list[str]:
    """report.md's scores: overall, then one line per instrument (one with no evaluation note: not scored)."""
    tag = metrics["eval_set"]
    notes = "held-out notes" if tag == HELDOUT else "training notes"
    lines = [f"- spectral distance to the recordings: **{metrics[f'{tag}_mrstft']:.3f}** (lower is better; a plain "
             f"sine at each note's pitch and loudness scores {metrics[f'{tag}_mrstft_sine']:.3f}): the synth "
             "resynthesising each recording from its own loudness curve, so this scores the timbre",
             f"- pitch error: {metrics[f'{tag}_pitch_median_abs_cents']:.1f} cents median, "
             f"{metrics[f'{tag}_pitch_p90_abs_cents']:.1f} cents for {_share_words(metrics, tag)} (the synth is "
             "given each note's pitch: this catches a timbre heard an octave or a fifth off)", "", "Each instrument:",
             ""]
    for name, row in per.items():
        if not row["notes"]:
            held = held_pitch_words(last="and")
            lines.append(f"- {name}: no {notes}: not scored (record more notes of it: {held} are held out)")
            continue
        level = (f"; level {row['level_from_s']:g} s to {row['level_to_s']:g} s: the recordings "
                 f"{row['level_change_recording_db']:+.1f} dB, as the box plays them "
                 f"{row['level_change_played_db']:+.1f} dB") if "level_to_s" in row else ""
        lines.append(f"- {name}: spectral distance **{row['mrstft']:.3f}** over {count_words(row['notes'], 'note')} "
                     f"(a plain sine {row['mrstft_sine']:.3f}; as the box plays them, with the velocity map and "
                     f"the envelope: {row['mrstft_as_played']:.3f}){level}")
    return lines


def _share_words(metrics: dict, tag: str) -> str:
    """Of how many notes the 90th-percentile pitch error holds: "9 notes in 10", or counted over few notes scored,
    "1 of 2 notes" (hatbox.cmd_pack.within_count; "9 notes in 10" of 2 notes: QA of the fifty-fourth stop)."""
    from hatbox.cmd_pack import share_count
    counted = share_count(metrics, tag)
    if counted is None:
        return "9 notes in 10"
    k, n = counted
    return f"{k} of {n} notes" if n > 1 else "the one note scored"


def _envelope_lines(result: TrainResult) -> list[str]:
    """report.md's envelope: the pack's, in words and numbers, and each instrument's own fit."""
    fit = result.envelope
    if fit is None:
        return ["- the default envelope (this checkpoint holds no fitted one)"]
    e = fit.envelope
    lines = [f"- the pack plays {envelope_words(fit)}",
             f"- in the pack (extras `envelope`): attack {e['attack']:g} s, decay {e['decay']:g} s, sustain "
             f"{e['sustain']:g} (linear), fall {e.get('fall', 0.0):g} dB a second, release {e['release']:g} s"]
    if len(fit.instruments) > 1:
        lines += [f"- {name} alone: attack {own['attack'] * 1000:.0f} ms, {envelope_hold_words(own)}"
                  + (f"; release {own['release']:.2f} s" if own["release"] > 0 else "")
                  for name, own in fit.instruments.items()]
    return lines


def _training_lines(log: TrainingLog | None) -> list[str]:
    """report.md's record of what training did with the files: each instrument's notes and range, what it said."""
    if log is None:
        return []
    lines = ["## What training did with your files", ""]
    lines += [f"- {name}: {count_words(row['notes'], 'note')} ({row['lowest']}"
              + (f"-{row['highest']}" if row["highest"] != row["lowest"] else "")
              + f"): {row['trained']} trained, {row['held_out']} held out to score it"
              for name, row in log.instruments.items()]
    lines += ["", "What it said while it trained:", "", "```", *log.said, "```", ""] if log.said else [""]
    return lines


def _markdown(metrics: dict, result: TrainResult, made: dict[str, str] | None, per: dict[str, dict],
              sounds: list[tuple[str, str]], log: TrainingLog | None) -> str:
    """report.md: what the report describes, what training did with the files, the figures in words (overall and
    per instrument), the envelope, the pictures and the sounds to compare (each file beside its recording)."""
    tag = metrics["eval_set"]
    notes = "held-out notes (pitches it never trained on)" if tag == HELDOUT else "training notes (none held out)"
    after = log.summary(metrics) if log is not None and log.summary is not None else []
    lines = ["# Synth training report", "", *([f"- {k}: `{v}`" for k, v in made.items()] if made else []),
             f"- instruments: {', '.join(result.names)}",
             f"- {metrics['train_steps']} steps in {metrics['train_seconds']} s"
             + (f"; stopped early: {metrics['stopped_early']}" if metrics.get("stopped_early") else ""), "",
             *_training_lines(log), "## Scores", "", f"Scored on {notes}.", "", *_score_lines(metrics, per), "",
             "## Envelope", "", *_envelope_lines(result), "",
             "![training](curves.png)", "", f"![spectrograms]({tag}_spectrograms.png)", "",
             "## Listen", "",
             f"Each recording (`*_real.wav`, {'held-out' if tag == HELDOUT else 'training'} notes, at the synth's "
             "training rate) beside the synth: `*_model.wav` plays the note as the box does (its velocity through "
             "the velocity map, the fitted envelope, let go where the recording's release begins), `*_resynth.wav` "
             "resynthesises it from the recording's own loudness curve (the timbre alone: the box never plays "
             "that).", "", *[f"- `{stem}_*.wav`: {display_name(source)}" for stem, source in sounds], ""]
    if after:
        lines += ["## What training said after", "", "```", *after, "```", ""]
    return "\n".join(lines)


def sound_stems(result: TrainResult, ho: NoteSet, idx: list[int]) -> list[str]:
    """The file stem of each evaluation note ``idx``: "piano_57_100" (instrument, MIDI pitch, velocity), with its
    recording's file stem added where notes share that ("piano_57_100_A3-soft"), so no two are the same."""
    base = [f"{result.names[int(ho.inst[i])]}_{int(ho.pitch[i])}_{int(ho.velocity[i])}" for i in idx]
    stems = []
    for i, b in zip(idx, base):
        own = Path(ho.paths[i]).stem if ho.paths and ho.paths[i] else str(i)
        stems.append(b if base.count(b) == 1 else f"{b}_{re.sub(r'[^A-Za-z0-9#._-]+', '-', own).strip('-')}")
    for j, stem in enumerate(stems):                     # two files with one stem in different folders
        if stems.count(stem) > 1:
            stems[j] = f"{stem}_{j}"
    return stems


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
    from trainer.plot_fonts import pyplot
    plt = pyplot()
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
                 made: dict[str, str] | None = None, log: TrainingLog | None = None,
                 more: Callable[[], dict] | None = None) -> dict:
    """Metrics JSON (with each instrument's scores, the envelope and ``log``'s record), report.md, a spectrogram
    PNG and real/model/resynth WAVs of ``n_audio`` evaluation notes per instrument (held-out notes; training notes,
    in files named ``train_set_*``, when there were none).  Returns the metrics the pack keeps, with what ``more``
    gives (figures found after training, first: the pack's playing level, trainer.synth.pipeline.playing_level; the
    summary says them)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    found = more() if more is not None else {}
    sc = note_scores(result, ho)
    metrics = {**heldout_metrics(result, ho, sc), **found}
    per = instrument_scores(result, ho, sc)
    if log is not None and log.notes:
        log.instruments = instrument_counts(log.notes, set(ho.paths) if result.eval_set == HELDOUT else set())
    rate = result.model.cfg.rate
    prefix = "" if result.eval_set == HELDOUT else f"{result.eval_set}_"
    pairs, sounds = [], []
    for k, name in enumerate(result.names):
        idx = torch.nonzero(ho.inst == k).flatten()[:n_audio].tolist()
        for i, stem in zip(idx, sound_stems(result, ho, idx)):
            audiofile.write(out / f"{prefix}{stem}_real.wav", ho.audio[i].numpy(), rate)
            audiofile.write(out / f"{prefix}{stem}_model.wav", sc.played[i], rate)
            audiofile.write(out / f"{prefix}{stem}_resynth.wav", sc.resynth[i], rate)
            sounds.append((f"{prefix}{stem}", ho.paths[i] if ho.paths else ""))
        if idx:
            note = f"{note_name(float(ho.pitch[idx[0]]))} (MIDI {int(ho.pitch[idx[0]])})"
            pairs += [(f"{name} {note}: the recording", ho.audio[idx[0]].numpy()),
                      (f"{name} {note}: the synth as the box plays it", sc.played[idx[0]]),
                      (f"{name} {note}: resynthesised from the recording's loudness", sc.resynth[idx[0]])]
    spectrogram_png(pairs, rate, out / f"{result.eval_set}_spectrograms.png")
    curves_png(result.history, result.eval_set, out / "curves.png", metrics.get(f"{result.eval_set}_mrstft"))
    (out / "report.md").write_text(display_name(_markdown(metrics, result, made, per, sounds, log)))
    record = {"instruments": per, "envelope_fit": None if result.envelope is None else
              {**result.envelope.to_dict(), "envelope": result.envelope.envelope}}
    if log is not None:
        record["training"] = {"said": log.said, "instruments": log.instruments,
                              "summary": log.summary(metrics) if log.summary is not None else []}
    (out / REPORT_JSON).write_text(json.dumps({**({"made": made} if made else {}), **metrics, **record,
                                               "history": result.history}, indent=1))
    return metrics

"""Timbre on held-out pitches: multi-resolution STFT distance to the real notes, model vs two baselines.

For every held-out note (pitch % 4 == 1) of the training instruments, in the same run:
  model      the trained model resynthesises the note from its pitch, loudness curve and instrument
  sampler    the nearest recorded (training) note of the same instrument and velocity, transposed by
             resampling (what a sampler does)
  crossfade  NSynth Super's way of making a sound it has no recording of: crossfading recorded audio.
             Here the two recorded neighbours (pitch - 1 and pitch + 1, same instrument and velocity)
             are crossfaded 50/50 as they are - no resynthesis, no pitch shifting
Distance: the training loss (linear + log magnitude L1, FFT 2048..128) at the model's 24 kHz rate,
lower is closer.  Medians over notes and the fraction of notes where the model beats each baseline.

    .venv/bin/python bench/synth_timbre.py [CHECKPOINT] [--data data/synth/fluid]
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import torch
from scipy.signal import resample

from trainer.synth.data import Note, load_folder, split_heldout
from trainer.synth.loss import multires_stft
from trainer.synth.train import load_checkpoint, render_notes, to_noteset

from synth_common import FLUID, ensure_fluid

RESULTS = Path(__file__).parent / "results"


def transpose(x: np.ndarray, semitones: float) -> np.ndarray:
    """Resample so the pitch moves by ``semitones`` (duration changes); crop/pad to len(x)."""
    n = int(round(len(x) / 2 ** (semitones / 12)))
    y = resample(x, n).astype(np.float32)
    out = np.zeros_like(x)
    out[:min(len(x), n)] = y[:len(x)]
    return out


def neighbours(note: Note, pool: dict[tuple[str, int, int], Note]) -> list[Note]:
    return [pool[k] for d in (-1, 1, -2, 2, -3, 3)
            if (k := (note.instrument, int(note.pitch) + d, note.velocity)) in pool]


def distance(a: np.ndarray, b: np.ndarray) -> float:
    return float(multires_stft(torch.from_numpy(a)[None], torch.from_numpy(b)[None]))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("checkpoint", nargs="?", default="runs/synth/factory_report/checkpoint.pt")
    ap.add_argument("--data", default=FLUID)
    args = ap.parse_args()
    if not Path(args.checkpoint).is_file():
        print(f"no checkpoint at {args.checkpoint}: scripts/factory_synth.sh trains the factory synth and writes "
              "runs/synth/factory_report/checkpoint.pt (hatbox train synth DATA --report FOLDER writes "
              "FOLDER/checkpoint.pt)", file=sys.stderr)
        sys.exit(2)
    torch.set_num_threads(2)
    result = load_checkpoint(args.checkpoint)
    cfg = result.model.cfg
    train, held = split_heldout(load_folder(ensure_fluid(args.data), cfg.rate, 1.5))
    pool = {(n.instrument, int(n.pitch), n.velocity): n for n in train}
    ho = to_noteset(held, result.names, cfg.hop)
    model_audio = render_notes(result.model, ho).numpy()
    rows = []
    for i, note in enumerate(held):
        near = neighbours(note, pool)
        real = ho.audio[i].numpy()
        lo_hi = [n for n in near if abs(n.pitch - note.pitch) == 1]
        rows.append({"note": f"{note.instrument}_{int(note.pitch)}_{note.velocity}",
                     "model": distance(model_audio[i], real),
                     "sampler": distance(transpose(near[0].audio[:len(real)], note.pitch - near[0].pitch), real),
                     "crossfade": distance(np.mean([n.audio[:len(real)] for n in (lo_hi or near[:1])], axis=0),
                                           real)})
    res = summarise(rows, args.checkpoint)
    print(json.dumps({k: v for k, v in res.items() if k != "notes"}, indent=1))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "synth_timbre.json").write_text(json.dumps(res, indent=1))


def summarise(rows: list[dict], checkpoint: str) -> dict:
    med = {k: float(np.median([r[k] for r in rows])) for k in ("model", "sampler", "crossfade")}
    wins = {f"model_closer_than_{k}": float(np.mean([r["model"] < r[k] for r in rows])) for k in ("sampler", "crossfade")}
    by_inst: dict[str, dict[str, float]] = {}
    for inst in sorted({r["note"].split("_")[0] for r in rows}):
        sub = [r for r in rows if r["note"].startswith(inst + "_")]
        by_inst[inst] = {k: float(np.median([r[k] for r in sub])) for k in ("model", "sampler", "crossfade")}
    return {"checkpoint": checkpoint, "n_notes": len(rows), "median_distance": med, **wins,
            "median_by_instrument": by_inst, "notes": rows}


if __name__ == "__main__":
    main()

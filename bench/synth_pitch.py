"""Pitch accuracy of the synth on held-out pitches, played through the box's SynthSource at 48 kHz.

Every held-out pitch (MIDI pitch % 4 == 1) of every instrument in the pack is played for 1 s with the
pad on that instrument; f0 is measured on 0.2..0.8 s (harmonic peaks, zero-padded FFT, parabolic
interpolation) and compared with the note's equal-tempered pitch.  For reference the same estimator
is run on the real (fluidsynth) notes of the data folder, and the synth is swept over MIDI 36..96
(beyond the trained 55..84) with its first timbre.  Target: median |error| <= 5 cents.

    .venv/bin/python bench/synth_pitch.py [PACK] [--data data/synth/fluid]
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from device.audio.synth import SynthSource, render_events
from export.pack import read_pack
from trainer.synth.data import load_folder, split_heldout
from trainer.synth.features import cents_error

from run_name import run_suffix, stem
from synth_common import FLUID, ensure_fluid

RATE = 48000
RESULTS = Path(__file__).parent / "results"


def play_note(src: SynthSource, name: str, pitch: int, velocity: int) -> np.ndarray:
    src.reset()
    ev = [(0, {"op": "corners", "names": [name] * 4}), (0, {"op": "note_on", "note": pitch, "velocity": velocity}),
          (int(0.9 * RATE), {"op": "note_off", "note": pitch})]
    return render_events(src, ev, RATE)


def stats(errors: list[float]) -> dict[str, float]:
    a = np.abs(errors)
    return {"median_abs_cents": float(np.median(a)), "p90_abs_cents": float(np.percentile(a, 90)),
            "max_abs_cents": float(np.max(a)), "n": len(a)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("pack", nargs="?", default="factory/synth-gm4.hatpack")
    ap.add_argument("--data", default=FLUID)
    args = ap.parse_args()
    pack = read_pack(args.pack)
    src = SynthSource(pack, RATE)
    _, held = split_heldout(load_folder(ensure_fluid(args.data), RATE, 1.0))
    held = [n for n in held if n.instrument in src.names]
    model = [cents_error(play_note(src, n.instrument, int(n.pitch), n.velocity), RATE, n.pitch, 0.2, 0.6)
             for n in held]
    real = [cents_error(n.audio, RATE, n.pitch, 0.2, 0.6) for n in held]
    sweep = {p: cents_error(play_note(src, src.names[0], p, 100), RATE, p, 0.2, 0.6) for p in range(36, 97, 5)}
    res = {"pack": args.pack, "pitches": sorted({int(n.pitch) for n in held}), "synth": stats(model),
           "real_notes_reference": stats(real),
           "range_36_to_96_every_5": {**stats(list(sweep.values())), "by_pitch": sweep}}
    print(json.dumps(res, indent=1))
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"synth_pitch{run_suffix(ap, args, {'pack': stem, 'data': stem})}.json"
    path.write_text(json.dumps(res, indent=1))
    print("wrote", path)


if __name__ == "__main__":
    main()

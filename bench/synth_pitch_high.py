"""How well `hatbox train synth` measures the pitch of a note that has none in its name, over the whole keyboard:
the estimator as shipped against the same estimator searching fundamentals up to 2000 Hz only (its limit until the
fortieth stop: notes over MIDI 95 were read an octave or more low), side by side in one run.

Twelve FluidR3 GM instruments (fluidsynth, reverb and chorus off, 48 kHz, resampled to the 24 kHz of training),
every MIDI pitch 24-108 held 1.2 s; each note's onset is cut as training cuts it and its pitch measured
(``trainer.synth.features.estimate_pitch``).  A note counts wrong when it measures more than a semitone off its MIDI
number (or not at all).  Notes a soundfont leaves silent are left out.

    .venv/bin/python bench/synth_pitch_high.py [--out bench/results/synth_pitch_high.json]
"""
from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np

from device.audio.mel import onset_index
from trainer.synth import features
from trainer.synth.data import _to_rate, render_midi, write_midi

RESULTS = Path(__file__).parent / "results"
PROGRAMS = {"piano": 0, "glockenspiel": 9, "marimba": 12, "organ": 19, "nylon guitar": 24, "finger bass": 33,
            "violin": 40, "trumpet": 56, "alto sax": 65, "clarinet": 71, "piccolo": 72, "flute": 73}
PITCHES = range(24, 109)
RANGES = ((24, 60), (61, 84), (85, 94), (95, 108))
RATE, STEP_S, HOLD_S = 24000, 2.0, 1.2
OLD_FMAX = 2000.0


def measure(tmp: Path, program: int) -> list[tuple[int, float | None, float | None]]:
    """(MIDI pitch, measured as shipped, measured with fundamentals up to OLD_FMAX) of each sounding note."""
    write_midi(tmp / "n.mid", program, [(p, 100) for p in PITCHES], HOLD_S, STEP_S)
    audio = _to_rate(render_midi(tmp / "n.mid", tmp / "n.wav", 48000), 48000, RATE)
    rows = []
    for i, pitch in enumerate(PITCHES):
        seg = audio[int(i * STEP_S * RATE): int((i + 1) * STEP_S * RATE)]
        if np.max(np.abs(seg), initial=0.0) < 1e-4:
            continue
        seg = seg[onset_index(seg, -40.0, 0):]
        now = features.estimate_pitch(seg, RATE)
        shipped = features.estimate_f0.__defaults__
        features.estimate_f0.__defaults__ = (shipped[0], OLD_FMAX)
        try:
            old = features.estimate_pitch(seg, RATE)
        finally:
            features.estimate_f0.__defaults__ = shipped
        rows.append((pitch, now, old))
    return rows


def wrong(measured: float | None, pitch: int) -> bool:
    return measured is None or abs(measured - pitch) > 1.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(RESULTS / "synth_pitch_high.json"))
    args = ap.parse_args()
    t0, notes = time.perf_counter(), {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, program in PROGRAMS.items():
            notes[name] = measure(Path(tmp), program)
    table = []
    print(f"{'MIDI':>8} {'notes':>6} {'wrong (shipped)':>16} {'wrong (to 2000 Hz)':>19}")
    for lo, hi in RANGES:
        rows = [r for rs in notes.values() for r in rs if lo <= r[0] <= hi]
        now, old = sum(wrong(r[1], r[0]) for r in rows), sum(wrong(r[2], r[0]) for r in rows)
        table.append({"midi": [lo, hi], "notes": len(rows), "wrong": now, "wrong_fmax_2000": old})
        print(f"{lo:>3}-{hi:<4} {len(rows):>6} {now:>16} {old:>19}")
    still = sorted({name for name, rs in notes.items() for p, m, _ in rs if p >= 95 and wrong(m, p)})
    print(f"wrong over MIDI 95 as shipped: {', '.join(still) or 'none'}  ({time.perf_counter() - t0:.0f} s)")
    out = {"ranges": table, "f0_max_hz": features.F0_MAX_HZ, "old_fmax_hz": OLD_FMAX,
           "notes": {k: [[p, m, o] for p, m, o in v] for k, v in notes.items()}}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(out, indent=1))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()

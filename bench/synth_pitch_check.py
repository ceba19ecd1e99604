"""The name-vs-audio pitch check of `hatbox train synth` on real FluidR3 GM notes, per instrument and range.

Every note is rendered with fluidsynth (trainer.synth.data's recipe: reverb/chorus off, 48 kHz, held 1 s,
1.5 s files named ``<set>_PPP_100.wav``) into a temporary folder, loaded as training loads it
(``load_note`` at 24 kHz: mono, DC out, onset cut) and put through ``check_name_pitches``.  For each
instrument and note range: how many notes the check accepts (an octave, a twelfth or two octaves off
pass as the estimator's slip), how many the estimator measures within a semitone of the name, and the
median and largest |measured - named| in semitones.  The sustained sets (trumpet, violin, clarinet,
flute, organ) also show how much the estimate would move a file that has no pitch in its name (whose
training pitch is the estimate): ``--compare`` a JSON written by an older estimator.

    .venv/bin/python bench/synth_pitch_check.py [--compare bench/results/synth_pitch_check_before.json]
        [--out bench/results/synth_pitch_check.json]
"""
from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np

from device.audio import audiofile
from hatbox.errors import DataError
from trainer.synth.data import MEASURABLE_PITCHES, check_name_pitches, load_note, render_midi, write_midi

RESULTS = Path(__file__).parent / "results"
RENDER_RATE, RATE, NOTE_S, HOLD_S, STEP_S = 48000, 24000, 1.5, 1.0, 2.0
# (set, GM program 0-based, MIDI pitches): the reported problem (nylon guitar 78-93) and contrasts
SETS = [
    ("nylon guitar high", 24, range(78, 94)),
    ("nylon guitar low", 24, range(40, 56)),
    ("piano low", 0, range(28, 53, 3)),
    ("piano high", 0, range(72, 94)),
    ("flute low", 73, range(60, 73, 2)),
    ("flute high", 73, range(78, 94)),
    ("organ low", 19, range(36, 53, 2)),
    ("organ high", 19, range(70, 94)),
    ("finger bass low", 33, range(28, 41, 2)),
    ("finger bass high", 33, range(48, 61, 2)),
    ("marimba low", 12, range(48, 61, 2)),
    ("marimba high", 12, range(78, 94)),
    ("steel guitar high", 25, range(78, 94)),
    ("harpsichord high", 6, range(78, 94)),
    ("trumpet", 56, range(55, 85, 3)),
    ("violin", 40, range(55, 85, 3)),
    ("clarinet", 71, range(50, 85, 3)),
]
SUSTAINED = ("flute", "organ", "trumpet", "violin", "clarinet")


def render_set(tmp: Path, label: str, program: int, pitches: range) -> list[Path]:
    """One fluidsynth render of ``pitches`` (velocity 100) cut into note files under ``tmp/label``."""
    todo = [(p, 100) for p in pitches]
    write_midi(tmp / "n.mid", program, todo, HOLD_S, STEP_S)
    audio = render_midi(tmp / "n.mid", tmp / "n.wav", RENDER_RATE)
    files = []
    for i, (p, _v) in enumerate(todo):
        a = int(round(i * STEP_S * RENDER_RATE))
        note = np.zeros(int(NOTE_S * RENDER_RATE), np.float32)
        part = audio[a: a + len(note)]
        note[: len(part)] = part
        path = tmp / label.replace(" ", "_") / f"{label.replace(' ', '_')}_{p:03d}_100.wav"
        audiofile.write(path, note, RENDER_RATE, subtype="FLOAT")
        files.append(path)
    return files


def measure_set(files: list[Path], label: str) -> dict:
    """Per note: named pitch, measured pitch (None: not measured), accepted by the check; and the summary."""
    rows, seconds = [], 0.0
    for f in files:
        t0 = time.perf_counter()
        note = load_note(f, label, RATE, NOTE_S, warn=lambda _s: None)
        seconds += time.perf_counter() - t0
        try:
            check_name_pitches([note])
            ok = True
        except DataError:
            ok = False
        rows.append({"pitch": note.pitch, "measured": note.measured, "accepted": ok})
    err = [abs(r["measured"] - r["pitch"]) for r in rows if r["measured"] is not None]
    return {"n": len(rows), "accepted": sum(r["accepted"] for r in rows),
            "within_semitone": sum(e <= 1.0 for e in err), "measured": len(err),
            "median_abs_semitones": float(np.median(err)) if err else None,
            "max_abs_semitones": float(np.max(err)) if err else None,
            "load_ms_per_note": 1000 * seconds / len(rows), "notes": rows}


def table(res: dict, before: dict | None) -> str:
    """The summary as text: one line per set (before -> after where ``before`` is given)."""
    head = f"{'set':<20}{'notes':>6}  {'accepted':>12}  {'within 1 st':>12}  {'median |err| st':>18}"
    lines = [head, "-" * len(head)]
    for name, s in res["sets"].items():
        b = (before or {}).get("sets", {}).get(name)
        med = lambda d: "-" if d["median_abs_semitones"] is None else f"{d['median_abs_semitones']:.2f}"  # noqa: E731
        acc = f"{s['accepted']}/{s['n']}"
        win = f"{s['within_semitone']}/{s['measured']}"
        m = med(s)
        if b:
            acc, win, m = f"{b['accepted']} -> {acc}", f"{b['within_semitone']} -> {win}", f"{med(b)} -> {m}"
        lines.append(f"{name:<20}{s['n']:>6}  {acc:>12}  {win:>12}  {m:>18}")
    return "\n".join(lines)


def moved(res: dict, before: dict) -> dict[str, dict]:
    """How far the estimate moved between ``before`` and ``res`` per sustained set: the training pitch
    of a file with no pitch in its name.  Semitones: median and largest |after - before| and the notes
    that moved by more than 0.05."""
    out = {}
    for name, s in res["sets"].items():
        b = before.get("sets", {}).get(name)
        if not b or not name.startswith(SUSTAINED):
            continue
        pairs = [(r["pitch"], q["measured"], r["measured"]) for r, q in zip(s["notes"], b["notes"])
                 if r["measured"] is not None and q["measured"] is not None]
        d = [abs(a - o) for _p, o, a in pairs]
        out[name] = {"median_abs_change": float(np.median(d)), "max_abs_change": float(np.max(d)),
                     "changed_over_0.05": [{"pitch": p, "before": o, "after": a} for p, o, a in pairs
                                           if abs(a - o) > 0.05]}
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=str(RESULTS / "synth_pitch_check.json"))
    ap.add_argument("--compare", help="a JSON this script wrote with another estimator (the 'before')")
    args = ap.parse_args()
    t0 = time.perf_counter()
    res = {"render": f"fluidsynth FluidR3 GM, {RENDER_RATE} Hz, held {HOLD_S} s, {NOTE_S} s files, velocity 100",
           "load_rate": RATE, "measurable_pitches": MEASURABLE_PITCHES, "sets": {}}
    with tempfile.TemporaryDirectory() as tmp:
        for label, program, pitches in SETS:
            res["sets"][label] = {"program": program, **measure_set(render_set(Path(tmp), label, program, pitches),
                                                                     label)}
    before = json.loads(Path(args.compare).read_text()) if args.compare else None
    if before:
        res["compared_with"] = args.compare
        res["sustained_estimate_change"] = moved(res, before)
    res["seconds"] = time.perf_counter() - t0
    print(table(res, before))
    for name, m in res.get("sustained_estimate_change", {}).items():
        print(f"{name}: estimate moved median {m['median_abs_change']:.3f}, max {m['max_abs_change']:.3f} st"
              f"{'; ' + str(m['changed_over_0.05']) if m['changed_over_0.05'] else ''}")
    print(f"{res['seconds']:.1f} s")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()

"""What a synth pack switch does to notes held through it (the forty-third stop): a chord held on the factory synth
in a piano-like variant (its envelope falls while held), a pack switched in through the box's own loader
(device.audio.swap.Swapper) at t = 1.2 s, the output's level in 5 ms frames around the switch and each held note's
envelope level on the unit playing before and the one playing after.

Cases: ``held``: C4-E4-G4 struck at 0.9 s, still down (about -17 dB by the switch); ``decayed``: C3 struck at 0 and
still down, decayed away by 1.1 s; ``pedal``: E4 let go under the pedal.  A re-attack shows as the level after the
switch far over the level before it (``step_db``: the loudest 5 ms frame of the 0.2 s after the switch against the
loudest of the 40 ms before), a decayed note coming back as its envelope rising from nothing, and a click as a
sample-to-sample step in the crossfade over the signal's own largest in the 0.2 s before (``click_ratio``).

    .venv/bin/python bench/synth_swap.py [NAME]     # prints the figures, writes bench/results/NAME.json (synth_swap)
"""
from __future__ import annotations

import copy
import json
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from device.audio.engine import Engine, EngineConfig  # noqa: E402
from device.audio.swap import Swapper  # noqa: E402
from device.control import validate  # noqa: E402
from export.pack import Pack, read_pack, write_pack  # noqa: E402

RATE, BLOCK, FRAME = 48000, 128, 240
PIANO = {"attack": 0.005, "decay": 0.1, "sustain": 0.5, "fall": 55.0, "release": 0.3}
ORGAN = {"attack": 0.02, "decay": 0.1, "sustain": 0.8, "release": 0.25}


def variant(pack: Pack, name: str, envelope: dict[str, float], where: Path) -> Path:
    """``pack`` with another envelope and name, written under ``where``."""
    man = copy.deepcopy(pack.manifest)
    man.name, man.extras = name, {**man.extras, "envelope": envelope}
    members = {k: v for k, v in pack.members.items() if k.endswith((".onnx", ".npy", ".npz"))}
    return write_pack(where / f"{name}.hatpack", man, members)


def db(x: float) -> float:
    return float(20.0 * np.log10(max(x, 1e-9)))


def run(to_envelope: dict[str, float], where: Path, base: Pack) -> dict:
    first, second = variant(base, "piano-a", PIANO, where), variant(base, "next", to_envelope, where)
    eng = Engine(EngineConfig(rate=RATE, block=BLOCK, live_input=False))
    swapper = Swapper(eng).start()
    swapper.load("synth", first)
    out, levels = [], []

    def play(seconds: float) -> None:
        for _ in range(int(round(seconds * RATE / BLOCK))):
            y = np.zeros(BLOCK, np.float32)
            eng.process(None, y)
            out.append(y)
            units = eng.slots["synth"].units()
            levels.append({n: [round(db(float(u.v.env[i])), 1) for u in units for i in
                               np.flatnonzero((u.v.note == n) & (u.v.stage != 0))] for n in (48, 60, 64, 67)})

    send = lambda m: eng.handle(validate(m))   # noqa: E731
    send({"op": "sustain", "on": True})
    send({"op": "note_on", "note": 48, "velocity": 100})
    play(0.9)
    for n in (60, 64, 67):
        send({"op": "note_on", "note": n, "velocity": 100})
    play(0.1)
    send({"op": "note_off", "note": 64})             # held by the pedal from here
    play(0.2)
    at = sum(len(b) for b in out)
    swapper.load("synth", second)
    play(0.5)
    swapper.stop()
    y = np.concatenate(out)
    rms = [float(np.sqrt(np.mean(y[s:s + FRAME] ** 2))) for s in range(0, len(y) - FRAME, FRAME)]
    k = at // FRAME
    before, after = max(rms[k - 8:k]), max(rms[k:k + 40])
    b = at // BLOCK
    d = np.abs(np.diff(y.astype(np.float64)))
    own, near = d[at - 9600:at - 2 * BLOCK].max(), d[at - 2 * BLOCK:at + 960 + 2 * BLOCK].max()
    return {"to": to_envelope, "switch_s": at / RATE, "click_ratio": round(float(near / own), 2),
            "frame_db_before": [round(db(r), 1) for r in rms[k - 4:k]],
            "frame_db_after": [round(db(r), 1) for r in rms[k:k + 12]],
            "step_db": round(db(after) - db(before), 1),
            "peak_db_before": round(db(float(np.abs(y[at - 4800:at]).max())), 1),
            "peak_db_after": round(db(float(np.abs(y[at:at + 9600]).max())), 1),
            "note_48_after_db": levels[b + 10].get(48, []),
            "voices_env_db": {"block_before": levels[b - 1], "5ms_after": levels[b + 2], "50ms_after": levels[b + 19]}}


def take_over_us(base: Pack, rounds: int = 30) -> dict[str, float]:
    """What the take-over costs the audio thread, once per switch: 16 voices (µs, median and worst of ``rounds``)."""
    import time

    from device.audio import synth_carry
    from device.audio.synth import SynthSource, render_events
    times = []
    for _ in range(rounds):
        old, new = SynthSource(base, RATE), SynthSource(base, RATE)
        render_events(old, [(0, {"op": "note_on", "note": 48 + 2 * k, "velocity": 100}) for k in range(16)], 4800)
        t = time.perf_counter()
        synth_carry.take_over(new, old, BLOCK)
        times.append(time.perf_counter() - t)
    return {"median_us": round(float(np.median(times)) * 1e6), "max_us": round(max(times) * 1e6),
            "block_us": round(BLOCK / RATE * 1e6)}


def main() -> None:
    base = read_pack(ROOT / "factory" / "synth-gm4.hatpack")
    with tempfile.TemporaryDirectory() as tmp:
        rows = {"to_piano": run(PIANO, Path(tmp), base), "to_organ": run(ORGAN, Path(tmp), base)}
    try:
        rows["take_over_16_voices"] = take_over_us(base)
        print(f"take-over on the audio thread, 16 voices: {rows['take_over_16_voices']}")
    except ImportError:                        # a tree before the take-over (the figures before the fix)
        pass
    for name, r in rows.items():
        if "to" not in r:
            continue
        print(f"{name}: level step at the switch {r['step_db']:+.1f} dB, peak {r['peak_db_before']} -> "
              f"{r['peak_db_after']} dBFS; largest sample step in the crossfade / the signal's own before it "
              f"{r['click_ratio']}; frames (dB) {r['frame_db_before']} | {r['frame_db_after']}")
        env = r["voices_env_db"]
        print(f"   voices env dB before {env['block_before']}  5 ms after {env['5ms_after']}"
              f"  50 ms after {env['50ms_after']}")
    name = sys.argv[1] if len(sys.argv) > 1 else "synth_swap"
    (ROOT / "bench" / "results").mkdir(parents=True, exist_ok=True)
    (ROOT / "bench" / "results" / f"{name}.json").write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()

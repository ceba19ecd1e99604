"""The e-drummer's two findings of the forty-eighth stop, measured on a real kit (Debian hydrogen-drumkits, GMRockKit),
for this tree and, with ``--against DIR``, another checkout's ``device/`` (each in a child process):

1. a crash (49, velocity 120), 0.3 s later 48 hits of one floor tom (48) over 0.75 s (64 a second): the crash's
   8-16 kHz band in the quarter second after the last hit (the mix less the same blast without the crash), in dB
   against the crash played alone (0 dB: untouched; the QA found -152 dB: the crash, the oldest voice, stolen), and
   the toms' own band there;
2. an open hi-hat (46) ringing, then the pedal (CC 4 on channel 10) swept 0 -> 127 over 0.35 s through the MIDI map:
   the hat's level 20 ms after CC 4 reached 90, in dB against just before it.

Writes bench/results/sampler_drummer.json.

    .venv/bin/python bench/sampler_drummer.py [--against /tmp/base]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import numpy as np

RATE, BLOCK = 48000, 128
KIT = Path("/usr/share/hydrogen/data/drumkits/GMRockKit")
HERE = Path(__file__).resolve()


def _render(src, samples: int) -> np.ndarray:
    out, buf = [], np.zeros(BLOCK, np.float32)
    for _ in range(-(-samples // BLOCK)):
        src.render(buf)
        out.append(buf.copy())
    return np.concatenate(out)[:samples]


def _band_db(x: np.ndarray, lo: float = 8000.0, hi: float = 16000.0) -> float:
    spectrum = np.abs(np.fft.rfft(x * np.hanning(x.shape[0]))) ** 2
    f = np.fft.rfftfreq(x.shape[0], 1 / RATE)
    return float(10 * np.log10(spectrum[(f >= lo) & (f < hi)].sum() + 1e-30))


def blast(cls, crash: bool, toms: bool) -> np.ndarray:
    src = cls(RATE)
    src.map_note(49, KIT / "Crash-Hard.wav")
    src.map_note(48, KIT / "TomFloor-Hard.wav")
    if crash:
        src.handle({"op": "note_on", "note": 49, "velocity": 120})
    out = [_render(src, int(0.3 * RATE))]
    for _ in range(48):
        if toms:
            src.handle({"op": "note_on", "note": 48, "velocity": 100})
        out.append(_render(src, RATE // 64))
    out.append(_render(src, RATE // 2))
    return np.concatenate(out)


def crash_case(cls) -> dict:
    end = int(0.3 * RATE) + 48 * (RATE // 64)
    window = slice(end, end + RATE // 4)
    alone, mixed, toms = (blast(cls, True, False), blast(cls, True, True), blast(cls, False, True))
    ref = _band_db(alone[window])
    return {"crash_band_db_vs_alone": _band_db(mixed[window] - toms[window]) - ref,
            "toms_alone_band_db_vs_crash": _band_db(toms[window]) - ref}


def hat_case(cls, midi_map) -> dict:
    src, midi = cls(RATE), midi_map()
    src.map_note(46, KIT / "HatOpen-Hard.wav")
    src.handle({"op": "note_on", "note": 46, "velocity": 120})
    out, at = [_render(src, RATE // 10)], None
    for value in range(0, 128, 2):                       # 64 values, one every 5.3 ms
        if value >= 90 and at is None:
            at = sum(x.shape[0] for x in out)
        for msg in midi.translate({"type": "control_change", "channel": 9, "control": 4, "value": value}):
            src.handle(msg)
        out.append(_render(src, 2 * BLOCK))
    y = np.concatenate(out)
    rms = lambda x: float(np.sqrt(np.mean(x.astype(np.float64) ** 2)) + 1e-30)   # noqa: E731
    before, after = y[at - 480:at], y[at + 960:at + 1440]         # 10 ms before it; 20..30 ms after it
    return {"hat_db_20ms_after_90": 20 * np.log10(rms(after) / rms(before))}


def _db(x: float) -> str:
    return "silent (under -120 dB)" if x < -120 else f"{x:+.1f} dB"


def child(tree: str) -> dict:
    sys.path.insert(0, tree)
    from device.audio.sampler import SamplerSource
    from device.midi import MidiMap
    return {**crash_case(SamplerSource), **hat_case(SamplerSource, MidiMap)}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--against", type=Path)
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(args.child)))
        return 0
    if not KIT.is_dir():
        print(f"no {KIT}: apt-get install hydrogen-drumkits")
        return 1
    trees = {"this": HERE.parent.parent, **({"before": args.against.resolve()} if args.against else {})}
    got = {}
    for name, tree in trees.items():
        run = subprocess.run([sys.executable, str(HERE), "--child", str(tree)], capture_output=True, text=True,
                             check=True, cwd=str(tree))
        got[name] = json.loads(run.stdout)
        g = got[name]
        print(f"{name:6s}: crash 8-16 kHz after the 48-hit tom blast {g['crash_band_db_vs_alone']:+.1f} dB vs the "
              f"crash alone (the toms alone there: {g['toms_alone_band_db_vs_crash']:+.1f} dB); open hat 20 ms after "
              f"CC 4 reached 90: {_db(g['hat_db_20ms_after_90'])}")
    out = HERE.parent / "results" / "sampler_drummer.json"
    out.write_text(json.dumps({"rate": RATE, "block": BLOCK, "kit": str(KIT), **got}, indent=1))
    print("wrote", out)
    return 0


if __name__ == "__main__":
    sys.exit(main())

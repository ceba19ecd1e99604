"""Blends on the pad: is XY = (0.5, 0.5) one coherent sound or four layered ones?

The model blends timbres in embedding space (played through SynthSource).  Two audio crossfades
with the same bilinear weights are measured beside it: of the model's own four corner renders
("crossfade_model": same pitch, phase-locked, no vibrato) and of the four real recorded notes
("crossfade_real": NSynth Super's four source samples).  Note C4 (a training pitch of every
instrument), velocity 110, on a path of 11 points A(0,0) -> D(1,1).

Measures (on the steady part, 0.3..0.8 s; harmonic amplitudes read at k*f0, k = 1..24):
  step_db      RMS change (dB) of the harmonic profile between neighbouring path points; a coherent
               timbre space moves evenly: ``evenness`` = max step / mean step (1.0 = perfectly even)
  centroid     spectral centroid (Hz) along the path
  mixture_res  at (0.5, 0.5): the relative residual of the best non-negative mix of the four corner
               harmonic amplitude profiles (NNLS).  An audio crossfade is, by construction, such a mix (~0);
               a value well above 0 means the blend is a new spectral shape - one sound, not a layering.
  partials     number of distinct spectral peaks above -40 dB in 0..5 kHz: a single harmonic sound
               has one peak per harmonic; layered sources with any detuning/vibrato add peaks.
Also writes bench/results/synth_blend.png (spectrograms of the corners, the centre both ways, and a
4 s sweep A -> D both ways).

    .venv/bin/python bench/synth_blend.py [PACK]
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from scipy.optimize import nnls
from scipy.signal import find_peaks

from device.audio.harmonic import midi_to_hz
from device.audio.synth import SynthSource, render_events
from export.pack import read_pack

from run_name import run_suffix, stem
from synth_common import FLUID, ensure_fluid

RATE, NOTE = 48000, 60
RESULTS = Path(__file__).parent / "results"


def play(src: SynthSource, xy_path: list[tuple[float, float]], seconds: float) -> np.ndarray:
    src.reset()
    n = int(seconds * RATE)
    ev = [(int(i * n / len(xy_path)), {"op": "xy", "x": x, "y": y}) for i, (x, y) in enumerate(xy_path)]
    ev += [(0, {"op": "note_on", "note": NOTE, "velocity": 110}), (n - int(0.3 * RATE), {"op": "note_off", "note": NOTE})]
    return render_events(src, ev, n)


def real_note(data: str | Path, name: str) -> np.ndarray:
    """The recorded note (NOTE, velocity 110) of instrument ``name``, 1.2 s at RATE."""
    from trainer.synth.data import load_note
    return load_note(Path(data) / name / f"{name}_{NOTE:03d}_110.wav", name, RATE, 1.2).audio


def weights(x: float, y: float) -> np.ndarray:
    return np.array([(1 - x) * (1 - y), x * (1 - y), (1 - x) * y, x * y])


def spectrum(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    seg = x[int(0.3 * RATE):int(0.8 * RATE)]
    n_fft = 1 << 16
    return np.abs(np.fft.rfft(seg * np.hanning(len(seg)), n_fft)), np.fft.rfftfreq(n_fft, 1 / RATE)


def harmonic_profile(x: np.ndarray, n: int = 24) -> np.ndarray:
    mag, freqs = spectrum(x)
    f0, df = float(midi_to_hz(NOTE)), freqs[1]
    return np.array([mag[int(k * f0 / df) - 3:int(k * f0 / df) + 4].max() for k in range(1, n + 1)]) + 1e-9


def centroid(x: np.ndarray) -> float:
    mag, freqs = spectrum(x)
    return float(np.sum(mag ** 2 * freqs) / np.sum(mag ** 2))


def partials(x: np.ndarray) -> int:
    mag, freqs = spectrum(x)
    db = 20 * np.log10(mag / mag.max() + 1e-12)
    peaks, _ = find_peaks(db[freqs < 5000], height=-40, prominence=10)
    return int(len(peaks))


def path_stats(profiles: list[np.ndarray], cents: list[float]) -> dict:
    db = [20 * np.log10(p / p.sum()) for p in profiles]
    steps = [float(np.sqrt(np.mean((a - b) ** 2))) for a, b in zip(db[1:], db[:-1])]
    return {"step_db": steps, "evenness": float(max(steps) / np.mean(steps)), "path_db": float(sum(steps)),
            "centroid_hz": cents}


def mixture_residual(centre: np.ndarray, corners: list[np.ndarray]) -> float:
    _, res = nnls(np.stack(corners, axis=1), centre)
    return float(res / np.linalg.norm(centre))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("pack", nargs="?", default="factory/synth-gm4.hatpack")
    ap.add_argument("--data", default=FLUID)
    args = ap.parse_args()
    src = SynthSource(read_pack(args.pack), RATE)
    data = ensure_fluid(args.data)
    real = [real_note(data, name) for name in src.corners]
    pts = [(t, t) for t in np.linspace(0, 1, 11)]
    model = [play(src, [p], 1.2) for p in pts]
    corners = [play(src, [c], 1.2) for c in [(0, 0), (1, 0), (0, 1), (1, 1)]]
    fade = [sum(w * c for w, c in zip(weights(*p), corners)) for p in pts]
    fade_real = [sum(w * c for w, c in zip(weights(*p), real)) for p in pts]
    res = {"pack": args.pack, "corners": src.corners, "path": "A(0,0) -> D(1,1), 11 points", "note": NOTE}
    for name, audio, ends in (("model", model, corners), ("crossfade_model", fade, corners),
                              ("crossfade_real", fade_real, real)):
        prof = [harmonic_profile(a) for a in audio]
        res[name] = {**path_stats(prof, [centroid(a) for a in audio]),
                     "mixture_residual_centre": mixture_residual(prof[5], [harmonic_profile(c) for c in ends]),
                     "partials_centre": partials(audio[5]), "partials_corners": [partials(c) for c in ends]}
    sweep_model = play(src, [(t, t) for t in np.linspace(0, 1, 400)], 4.0)
    sweep_fade = sum(w * play(src, [c], 4.0) for w, c in
                     zip(np.stack([weights(t, t) for t in np.linspace(0, 1, 4 * RATE)], axis=1),
                         [(0, 0), (1, 0), (0, 1), (1, 1)]))
    out = f"synth_blend{run_suffix(ap, args, {'pack': stem, 'data': stem})}"
    figure(src.corners, corners, model[5], fade_real[5], sweep_model, sweep_fade, RESULTS / f"{out}.png")
    print(json.dumps(res, indent=1))
    (RESULTS / f"{out}.json").write_text(json.dumps(res, indent=1))
    print("wrote", RESULTS / f"{out}.json", "and", RESULTS / f"{out}.png")


def figure(names, corners, centre_model, centre_fade, sweep_model, sweep_fade, path: Path) -> None:
    from trainer.synth.report import spectrogram_png
    pairs = [(f"corner {n}", c) for n, c in zip(names, corners)]
    pairs += [("centre (0.5, 0.5): model blend", centre_model), ("centre (0.5, 0.5): crossfade of the 4 real notes", centre_fade),
              ("sweep A -> D over 4 s: model", sweep_model), ("sweep A -> D over 4 s: crossfade of the model's corners", sweep_fade)]
    RESULTS.mkdir(exist_ok=True)
    spectrogram_png([(t, a[: 4 * RATE]) for t, a in pairs], RATE, path)


if __name__ == "__main__":
    main()

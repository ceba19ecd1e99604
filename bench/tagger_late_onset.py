"""What the tagger pays for a file whose first second is silent (p46 G2: such a file is tagged from its first sound,
looked for in its first 30 s).

Run: .venv/bin/python bench/tagger_late_onset.py [--pack factory/tagger-drums.hatpack] [--repeat 5]
Writes, in a temporary folder, a snare one-shot as it is, the same snare after 1.2 s of digital silence, and 10 min
of zeros (44.1 kHz stereo 24-bit), and times device.library.runner.PackTagger.heard on each (median of --repeat, one
thread), with what it made of it.  Writes bench/results/tagger_late_onset.json.  To time the code before G2 (which
scanned the whole of a silent file), run its tree's PackTagger.decode + why_not the same way.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile as sf

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from run_name import run_suffix, stem  # noqa: E402
from device.library.runner import PackTagger  # noqa: E402

RATE = 44100


def snare(seconds: float = 1.5) -> np.ndarray:
    """A noise-and-tone snare [N] float32 peaking at 0.9, decaying to silence."""
    rng = np.random.default_rng(0)
    t = np.arange(int(seconds * RATE)) / RATE
    x = 0.6 * rng.standard_normal(t.size) * np.exp(-t * 20) + 0.5 * np.sin(2 * np.pi * 200 * t) * np.exp(-t * 25)
    return (x / np.abs(x).max() * 0.9).astype(np.float32)


def write_files(root: Path) -> dict[str, Path]:
    """The three files, by name."""
    s = snare()
    files = {"snare": (s, 1), "late snare (1.2 s of silence first)": (np.concatenate([np.zeros(int(1.2 * RATE),
                                                                                                np.float32), s]), 1),
             "10 min of zeros": (np.zeros((RATE * 600, 2), np.float32), 2)}
    out = {}
    for i, (name, (audio, _)) in enumerate(files.items()):
        out[name] = root / f"f{i}.wav"
        sf.write(out[name], audio, RATE, subtype="PCM_24")
    return out


def timed(tagger: PackTagger, path: Path, repeat: int) -> dict:
    """Median ms of ``tagger.heard(path)`` over ``repeat`` runs, and what it heard."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        heard = tagger.heard(path)
        times.append(time.perf_counter() - t0)
    tags = "" if heard.why else tagger.tags[int(np.argmax(tagger.run(tagger.fit(heard.channels, heard.rate)[None])[0]))]
    return {"median_ms": round(1000 * float(np.median(times)), 1), "from_s": round(heard.start, 3),
            "skipped": heard.why, "top_tag": tags}


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--pack", default="factory/tagger-drums.hatpack")
    p.add_argument("--repeat", type=int, default=5)
    a = p.parse_args()
    tagger = PackTagger(a.pack)
    with tempfile.TemporaryDirectory(prefix="hatbox-late-") as tmp:
        out = {name: timed(tagger, path, a.repeat) for name, path in write_files(Path(tmp)).items()}
    for name, row in out.items():
        print(f"{name}: {row['median_ms']} ms, heard from {row['from_s']} s, "
              + (f"skipped: {row['skipped']}" if row["skipped"] else f"top tag {row['top_tag']}"))
    path = Path("bench/results") / f"tagger_late_onset{run_suffix(p, a, {'pack': stem})}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, indent=2))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()

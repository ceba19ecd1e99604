"""Probe (eighteenth stop): the statistics head told how long the sample rings past the 1 s clip.

The tagger hears the first second after the onset; a crash or a ride rings for seconds, a closed hat or a kick is
gone well before the second ends, an open hat sits between.  The probe decodes up to 8 s of each file (16 kHz,
onset-aligned as the tagger's clips are) and adds to the shipped head's features: the time (log seconds) until the
level stays under -20 / -40 / -60 dB below the peak (50 ms RMS frames), and the mean level (dB below the peak) over
1-2 s, 2-4 s and 4-8 s.  Scored as bench/tagger_head_envelope.py scores a head, beside the saved CNNs.

    .venv/bin/python bench/tagger_head_tail.py        (about 5 minutes; prints, and writes bench/results/tagger_head_tail.json)
"""
import json
import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import tagger_head_refit as R  # noqa: E402
from trainer.tagger.data import load_clips  # noqa: E402

TAIL_RATE, TAIL_SECONDS, FRAME = 16000, 8.0, 800        # Hz, s, samples (50 ms)


def tail_features(long: np.ndarray) -> np.ndarray:
    """Onset-aligned audio [I, TAIL_RATE * TAIL_SECONDS] -> [I, 6]: log10 seconds until the 50 ms RMS stays under
    -20 / -40 / -60 dB re the peak frame, and the mean level (dB re the peak frame, floor -90) over 1-2, 2-4, 4-8 s."""
    i, n = long.shape
    frames = long[:, : n // FRAME * FRAME].reshape(i, -1, FRAME)
    db = 10 * np.log10(np.mean(frames.astype(np.float64) ** 2, axis=2) + 1e-12)
    db = np.maximum(db - db.max(axis=1, keepdims=True), -90.0)                     # [I, frames]
    hop = FRAME / TAIL_RATE
    out = []
    for thr in (-20.0, -40.0, -60.0):
        above = db > thr
        last = np.where(above.any(axis=1), above.shape[1] - 1 - np.argmax(above[:, ::-1], axis=1), 0)
        out.append(np.log10((last + 1) * hop))
    for a, b in ((1, 2), (2, 4), (4, 8)):
        out.append(db[:, int(a / hop): int(b / hop)].mean(axis=1))
    return np.stack(out, axis=1)


def main() -> None:
    argparse.ArgumentParser(description=__doc__.split("\n\n")[0]).parse_args()
    fixed, loko, tags = R.saved_runs()
    side = R.side(tags)
    base, y = side.x, side.y
    long = load_clips(side.items, TAIL_RATE, int(TAIL_RATE * TAIL_SECONDS))
    tail = tail_features(long)
    for t, name in enumerate(tags):
        print(f"{name:<11} seconds to -40 dB: median {np.median(10 ** tail[y == t, 1]):.2f}")
    variants = {"shipped": base, "+tail": np.concatenate([base, tail], axis=1),
                "+tail3": np.concatenate([base, tail[:, :3]], axis=1)}
    results = R.score_variants(variants, side, fixed, loko, len(tags))
    medians = {name: float(np.median(10 ** tail[y == t, 1])) for t, name in enumerate(tags)}
    out = Path(__file__).resolve().parent / "results" / "tagger_head_tail.json"
    out.write_text(json.dumps({"seconds_to_minus40_db_median": medians, "heads": results}, indent=1))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()

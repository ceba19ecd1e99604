"""How a DC offset moves the factory tagger's top tags, under each way of estimating the offset (thirtieth stop).

Every drum sample of the benchmark's data (data/tagger-drums, data/tagger-debian CSVs: Hydrogen kits, Sonic Pi,
LMMS, freepats) is decoded once; the factory pack tags it as it is and with an offset of +0.01, +0.1 and -0.1 added
to its head, prepared by ``PackTagger.fit`` with ``device.audio.mel.dc_offset`` replaced by each estimator:

- ``none``: no offset taken out (before the thirtieth stop);
- ``whole``: the head's mean;
- ``sits``: the last quarter's mean when it is over 3 times the quarter's standard deviation;
- ``shipped``: ``device.audio.mel.dc_offset`` (``sits``, or the quarter's four parts holding the mean within 25 %).

Prints and writes bench/results/tagger_dc_offsets.json: per estimator, how many top tags change with each offset
(against the same estimator without one), how many change without any offset (against ``none``), and in how
many samples it finds an offset that was not added.

Run: .venv/bin/python bench/tagger_dc_offsets.py [--pack factory/tagger-drums.hatpack]  (about 2 min)
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

OFFSETS = (0.01, 0.1, -0.1)
RESULTS = Path(__file__).resolve().parent / "results" / "tagger_dc_offsets.json"


def sample_paths(root: Path) -> list[Path]:
    """Every file listed in the benchmark's data CSVs (trainer.tagger.data.load_items reads them), once."""
    from trainer.tagger.data import load_items
    csvs = sorted(root.glob("data/tagger-drums/*.csv")) + sorted(root.glob("data/tagger-debian/*.csv"))
    return sorted({it.path for csv_path in csvs for it in load_items(csv_path)})


def no_offset(x: np.ndarray) -> float:
    return 0.0


def whole_mean(x: np.ndarray) -> float:
    return float(np.mean(x, dtype=np.float64)) if x.size else 0.0


def tail_sits(x: np.ndarray) -> float:
    if not x.size:
        return 0.0
    tail = x[x.shape[-1] - -(-x.shape[-1] // 4):].astype(np.float64)
    mean = float(tail.mean())
    return mean if abs(mean) > 3.0 * float(tail.std()) else 0.0


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--pack", default="factory/tagger-drums.hatpack")
    args = p.parse_args()
    import device.audio.mel as mel
    from device.library.decode import mix, read_channels
    from device.library.runner import PackTagger
    root = Path(__file__).resolve().parents[1]
    tagger = PackTagger(root / args.pack, threads=1)
    heads = []
    for path in sample_paths(root):
        channels, rate = read_channels(path, (tagger.n + 64) / tagger.rate)
        heads.append((mix(channels), rate))
    if not heads:
        print("no samples: build the data first (bash scripts/factory_tagger.sh)", file=sys.stderr)
        return 2
    shipped = mel.dc_offset
    estimators = {"none": no_offset, "whole": whole_mean, "sits": tail_sits, "shipped": shipped}
    out: dict = {"samples": len(heads), "pack": args.pack, "offsets": list(OFFSETS)}
    reference = None
    try:
        for name, fn in estimators.items():
            mel.dc_offset = fn
            top = {}
            for off in (0.0,) + OFFSETS:
                clips = np.stack([tagger.fit((m + np.float32(off)).astype(np.float32), r) for m, r in heads])
                probs = np.concatenate([tagger.run(clips[i:i + 64])[0] for i in range(0, len(clips), 64)])
                top[off] = probs.argmax(axis=1)
            reference = top[0.0] if reference is None else reference
            found = sum(1 for m, _ in heads if fn(m) != 0.0)
            out[name] = {"changed_by_offset": {f"{o:+g}": int((top[o] != top[0.0]).sum()) for o in OFFSETS},
                         "changed_without_offset": int((top[0.0] != reference).sum()),
                         "offset_found_in_samples_as_they_are": found}
            print(f"{name:>8}: top tags changed by an offset of " +
                  " / ".join(f"{o:+g}: {out[name]['changed_by_offset'][f'{o:+g}']}" for o in OFFSETS) +
                  f" of {len(heads)}; without one, vs none: {out[name]['changed_without_offset']}; "
                  f"offset found in {found} as they are", flush=True)
    finally:
        mel.dc_offset = shipped
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(out, indent=2) + "\n")
    print(f"wrote {RESULTS.relative_to(root)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

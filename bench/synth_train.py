"""Training budget: train a 4-instrument synth from the fluidsynth note set for a short wall-clock
budget on this CPU, then measure held-out pitch accuracy (target <= 5 cents median) and the held-out
multi-resolution STFT distance (the training loss) of resynthesised notes.

    .venv/bin/python bench/synth_train.py [--minutes 3] [--data data/synth/fluid]
"""
from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

from run_name import run_suffix, stem
from synth_common import FLUID, ensure_fluid
from trainer.synth.pipeline import train_to_pack

RESULTS = Path(__file__).parent / "results"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, default=3.0)
    ap.add_argument("--data", default=FLUID)
    args = ap.parse_args()
    data = ensure_fluid(args.data)
    t0 = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        metrics = train_to_pack(data, Path(tmp) / "b.hatpack", minutes=args.minutes, name="bench",
                                report=Path(tmp) / "report")
        size = (Path(tmp) / "b.hatpack").stat().st_size
    res = {"minutes_budget": args.minutes, "wall_seconds_incl_report_export": round(time.monotonic() - t0, 1),
           "pack_bytes": size, "load_average_1min": os.getloadavg()[0], **metrics}
    print(json.dumps(res, indent=1))
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"synth_train{run_suffix(ap, args, {'minutes': '{:g}min', 'data': stem})}.json"
    path.write_text(json.dumps(res, indent=1))
    print("wrote", path)


if __name__ == "__main__":
    main()

"""Build the factory effect pack: ``python -m trainer.effect.factory --out factory/effect-drive.hatpack``.

Data: ``--seconds`` of guitar-like audio (fluidsynth's GM guitars when available through
trainer.data.guitar, else synthetic plucks) recorded through a pedalboard drive pedal on a
3 x 3 drive x tone grid (trainer/effect/synthdata.py); then ``train_effect`` with ``--arch``
(default ``gru``, what the committed pack and the engine's cost figures use) for ``--minutes``.
Reproducible given the seed (up to wall-clock-bounded training).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from hatbox.errors import HatboxError
from trainer.effect import synthdata


def guitar(seconds: float, seed: int) -> tuple[np.ndarray, str]:
    """Guitar-like DI audio [N] at 48 kHz and a word on where it came from."""
    try:
        from trainer.data.guitar import guitar_take
        return guitar_take(seconds, seed), "fluidsynth GM guitars"
    except (ImportError, HatboxError, OSError) as exc:
        print(f"fluidsynth guitar unavailable ({exc}); using synthetic plucks", file=sys.stderr)
        return synthdata.plucks(seconds, seed), "synthetic plucks"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m trainer.effect.factory", description=__doc__)
    p.add_argument("--out", type=Path, default=Path("factory/effect-drive.hatpack"))
    p.add_argument("--data", type=Path, default=Path("data/factory_effect"))
    p.add_argument("--seconds", type=float, default=20.0)
    p.add_argument("--minutes", type=float, default=5.0)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--report", type=Path, default=None)
    p.add_argument("--arch", default="gru", help="architecture (default gru; or auto, as in hatbox train effect)")
    args = p.parse_args(argv)
    from trainer.effect.train import train_effect
    try:
        audio, source = guitar(args.seconds, args.seed)
        synthdata.write_drive_set(args.data, audio)
        result = train_effect(args.data, args.out, name="hatbox-drive", minutes=args.minutes,
                              seed=args.seed, report=args.report, arch=args.arch)
    except HatboxError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    print(f"{result.pack}: held-out ESR {result.metrics['val_esr']:.4f} ({source}, "
          f"{args.seconds:g} s x 9 settings, {args.minutes:g} min)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

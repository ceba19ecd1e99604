"""``python -m trainer.data {chain,ds1,compressor,denoise,all} --out data/effect``."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from hatbox.errors import HatboxError
from trainer.data import recipes

BUILDERS = {"chain": recipes.build_chain, "ds1": recipes.build_ds1,
            "compressor": recipes.build_compressor, "denoise": recipes.build_denoise}


def main(argv: list[str] | None = None) -> int:
    """Build the named data set(s) under ``--out``; each goes into its own subfolder."""
    parser = argparse.ArgumentParser(prog="python -m trainer.data", description=__doc__)
    parser.add_argument("what", choices=[*BUILDERS, "all"])
    parser.add_argument("--out", type=Path, default=Path("data/effect"))
    args = parser.parse_args(argv)
    names = list(BUILDERS) if args.what == "all" else [args.what]
    try:
        for name in names:
            folder = BUILDERS[name](args.out / name)
            print(f"{name}: {folder}")
    except HatboxError as err:
        print(f"error: {err}", file=sys.stderr)
        return err.exit_code
    return 0


if __name__ == "__main__":
    sys.exit(main())

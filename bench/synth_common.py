"""Shared pieces of the synth benchmarks: the fluidsynth note set they read.  Not a benchmark by itself."""
from __future__ import annotations

from pathlib import Path

FLUID = "data/synth/fluid"          # the note set scripts/factory_synth.sh builds (relative to the repository root)


def ensure_fluid(folder: str | Path) -> Path:
    """``folder``; when it is the fluid note set (data/synth/fluid) and not built yet, build it first with
    ``trainer.synth.data.build_fluid_set``, as scripts/factory_synth.sh does (fluidsynth + FluidR3 GM, seconds)."""
    folder = Path(folder)
    if folder == Path(FLUID) and not (folder / "flute").is_dir():
        from hatbox.errors import HatboxError
        from trainer.synth.data import build_fluid_set
        print(f"building the fluidsynth note set in {folder} (as scripts/factory_synth.sh does) ...", flush=True)
        try:
            print(f"{build_fluid_set(folder)} notes written", flush=True)
        except HatboxError as err:
            raise SystemExit(f"cannot build {folder}: {err}") from None
    return folder

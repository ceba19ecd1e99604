"""The factory synth as the frame-timing tests were written for it: its network with the envelope every pack had
before the forty-second stop fitted one from the training notes (attack 10 ms, decay 150 ms, sustain 0.8, release
250 ms).  The factory pack plays its own fitted envelope since the forty-fourth stop (attack 61 ms), under which a
note shorter than a frame stays about 30 dB under these tests' thresholds (``abs(x) > 1e-3``, 1.5 dB spreads).  And
at the level it had then: the factory pack plays 15.9 dB louder since p58 (``extras.level_db``, trainer.synth.level),
which moves these tests' absolute floors (a click's -80 dBFS) by as much; :func:`unlevelled` takes it out."""
from __future__ import annotations

import dataclasses
from pathlib import Path

from export.pack import Pack, read_pack

FACTORY = Path(__file__).resolve().parents[2] / "factory" / "synth-gm4.hatpack"
FAST_ENVELOPE = {"attack": 0.01, "decay": 0.15, "sustain": 0.8, "release": 0.25}


def unlevelled() -> Pack:
    """The factory synth at the level it played before p58 levelled it (its ``extras.level_db`` taken out; in
    memory)."""
    pack = read_pack(FACTORY)
    extras = {k: v for k, v in pack.manifest.extras.items() if k not in ("level_db", "level_fit")}
    return dataclasses.replace(pack, manifest=dataclasses.replace(pack.manifest, extras=extras))


def timing_pack() -> Pack:
    """The factory synth with :data:`FAST_ENVELOPE` in place of its own, at its level before p58 (in memory; the
    file is not touched)."""
    pack = unlevelled()
    extras = {**pack.manifest.extras, "envelope": dict(FAST_ENVELOPE)}
    return dataclasses.replace(pack, manifest=dataclasses.replace(pack.manifest, extras=extras))

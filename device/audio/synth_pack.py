"""A synth pack's extras, read and checked (:func:`synth_extras`): what device.audio.synth.SynthSource needs from a
pack before it can play it, refused at upload (device/validate.py) rather than at activation.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from export.manifest import RATE_RANGE, kind_phrase
from export.pack import Pack
from hatbox.errors import PackError

OUTPUTS = ["harmonics", "noise", "h_out"]
REQUIRED_EXTRAS = ("names", "embeddings", "frame_seconds", "train_rate", "n_harmonics", "n_noise", "cutoff_hz",
                   "hidden", "envelope", "velocity_map")
INPUTS = ("pitch", "loudness", "timbre", "h_in")
ENVELOPE_KEYS = ("attack", "decay", "sustain", "release")
VELOCITY_KEYS = ("db_at_127", "db_per_velocity")


@dataclass(frozen=True)
class SynthExtras:
    """A synth pack's ``extras``, checked: timbre names and their embeddings [len(names), D] float32,
    the network's frame (seconds), training rate (Hz), harmonic / noise band counts, harmonic cutoff (Hz),
    recurrent state width, ADSR envelope (seconds and level; an optional ``fall``, dB a second a held note's level
    goes on falling from the sustain level, 0 when absent), the velocity -> dB map, the pitch bend's range
    (semitones) and the pack's playing level ``level_db`` (optional ``extras.level_db``, dB the box's synth multiplies
    its output by, measured when the pack was levelled: trainer.synth.level; 0 when absent, as every older pack)."""

    names: list[str]
    embeddings: np.ndarray
    frame_seconds: float
    train_rate: int
    n_harmonics: int
    n_noise: int
    cutoff_hz: float
    hidden: int
    envelope: dict[str, float]
    velocity_map: dict[str, float]
    bend_semitones: float
    level_db: float = 0.0


LEVEL_RANGE_DB = (-60.0, 60.0)      # extras.level_db: what a levelling may add or take off (dB)


def synth_extras(pack: Pack) -> SynthExtras:
    """Read and check what the synth engine needs from a pack; PackError (check "contract") naming the
    first thing missing or wrong, so a pack that cannot play is refused at upload, not at activation."""
    m = pack.manifest
    if m.kind != "synth":
        other = {"effect": "hatbox render PACK --input IN.wav --out OUT.wav plays an effect pack",
                 "tagger": "hatbox tag LIBRARY --pack PACK tags a library with a tagger pack"}.get(m.kind)
        raise PackError(f"pack '{m.name}' is {kind_phrase(m.kind)}, not a synth", check="kind", hint=other)

    def bad(why: str) -> PackError:
        return PackError(f"synth pack '{m.name}': {why}", check="contract")

    ex = m.extras
    missing = [k for k in REQUIRED_EXTRAS if k not in ex]
    if missing:
        raise bad(f"lacks extras: {', '.join(missing)}")
    ins, outs = {t.name for t in m.inputs}, {t.name for t in m.outputs}
    if not set(INPUTS) <= ins or not set(OUTPUTS) <= outs:
        raise bad(f"needs inputs {', '.join(INPUTS)} and outputs {', '.join(OUTPUTS)}")
    names = ex["names"]
    if not isinstance(names, list) or not names or not all(isinstance(n, str) and n for n in names):
        raise bad("extras.names must be a non-empty list of timbre names")
    if not isinstance(ex["embeddings"], str):
        raise bad("extras.embeddings must name a .npy member")
    try:
        emb = pack.array(ex["embeddings"]).astype(np.float32)
    except PackError:
        raise
    except Exception as exc:  # noqa: BLE001 - any decode failure is a malformed pack
        raise bad(f"embeddings '{ex['embeddings']}' do not load ({type(exc).__name__})") from None
    if emb.ndim != 2 or emb.shape[0] != len(names) or not np.all(np.isfinite(emb)):
        raise bad(f"embeddings {emb.shape} do not match {len(names)} timbre names (or are not finite)")

    def number(key: str, value: Any, low: float, high: float) -> float:
        try:
            ok = not isinstance(value, bool) and isinstance(value, (int, float)) and low <= float(value) <= high
        except OverflowError:                  # a JSON integer too large for a float (10**400): out of range too
            raise bad(f"extras.{key} = an integer of {int(value.bit_length() * 0.30103) + 1} digits is not a number "
                      f"in {low:g}..{high:g}") from None
        if not ok:
            raise bad(f"extras.{key} = {value!r} is not a number in {low:g}..{high:g}")
        return float(value)

    def table(key: str, keys: tuple[str, ...], low: float, high: float) -> dict[str, float]:
        d = ex[key]
        if not isinstance(d, dict) or not set(keys) <= set(d):
            raise bad(f"extras.{key} needs {', '.join(keys)}")
        return {k: number(f"{key}.{k}", v, low, high) for k, v in d.items()}

    return SynthExtras(
        names=list(names), embeddings=emb,
        frame_seconds=number("frame_seconds", ex["frame_seconds"], 1e-4, 0.1),
        train_rate=int(number("train_rate", ex["train_rate"], *RATE_RANGE)),
        n_harmonics=int(number("n_harmonics", ex["n_harmonics"], 1, 1024)),
        n_noise=int(number("n_noise", ex["n_noise"], 1, 1024)),
        cutoff_hz=number("cutoff_hz", ex["cutoff_hz"], 100, 96000),
        hidden=int(number("hidden", ex["hidden"], 1, 8192)),
        envelope=table("envelope", ENVELOPE_KEYS, 0, 60),
        velocity_map=table("velocity_map", VELOCITY_KEYS, -200, 200),
        bend_semitones=number("bend_semitones", ex.get("bend_semitones", 2.0), 0, 48),
        level_db=number("level_db", ex.get("level_db", 0.0), *LEVEL_RANGE_DB))

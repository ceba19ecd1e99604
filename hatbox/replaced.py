"""A training that writes over an older pack says how the two compare, and keeps the older one when the new one
scores worse (twenty-seventh stop's QA: a 15-step re-run replaced a pedal capture of held-out error 0.0069 with one
of 0.301, with no word and no copy left)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

HIGHER_IS_BETTER = {"holdout_macro_f1"}      # of the trainers' headline scores (device.store.SCORE_WORDS)
WORSE_BY = 0.10            # a score this much worse (relative; macro-F1: absolute 0.02) keeps the older pack


@dataclass
class Older:
    """The pack a training is about to replace: its bytes (kept in memory: packs are small), kind and score."""

    data: bytes
    kind: str
    score: float | None


def older_pack(out: str | Path) -> Older | None:
    """The pack at ``out`` as it is before a training, or None when there is none (or it is not a readable pack:
    nothing to compare with or to keep)."""
    from export.pack import read_pack
    out = Path(out)
    try:
        if not out.is_file():
            return None
        data = out.read_bytes()
        manifest = read_pack(out).manifest
    except Exception:  # noqa: BLE001 - whatever was there, it is no pack to compare with
        return None
    return Older(data, manifest.kind, _score(manifest.metrics)[1])


def _score(metrics: dict[str, Any]) -> tuple[str, float | None]:
    """(key, value) of the headline score a trainer wrote into a pack's metrics (device.store.SCORE_KEYS: the one
    `hatbox box-pack` lists); ("", None) when it has none."""
    from device.store import SCORE_KEYS
    for key in SCORE_KEYS:
        value = metrics.get(key) if isinstance(metrics, dict) else None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return key, float(value)
    return "", None


def kept_path(out: Path) -> Path:
    """Where an older pack that scored better is kept: ``pedal.hatpack`` -> ``pedal.prev.hatpack``."""
    return out.with_name(f"{out.stem}.prev{out.suffix}")


def compare_and_keep(older: Older | None, out: str | Path) -> list[str]:
    """Lines for the summary after a training wrote ``out`` over ``older``: both scores, and, when the new pack
    scores worse by :data:`WORSE_BY`, that the older one was kept beside it (:func:`kept_path`, written atomically).
    [] when there was no older pack, the kinds differ, or either has no score."""
    from export.atomic import write_atomic
    from export.pack import read_pack
    if older is None or older.score is None:
        return []
    out = Path(out)
    try:
        manifest = read_pack(out).manifest
    except Exception:  # noqa: BLE001 - the summary goes on without the comparison
        return []
    key, new = _score(manifest.metrics)
    if manifest.kind != older.kind or new is None:
        return []
    from device.store import SCORE_WORDS
    words, higher = SCORE_WORDS[key], key in HIGHER_IS_BETTER
    words = words if words.startswith("held-out") else f"held-out {words}"
    worse = (older.score - new > 0.02) if higher else (new > older.score * (1 + WORSE_BY) and new - older.score > 1e-6)
    line = f"replaced {out.name}: its {words} was {older.score:.4g}, the new pack's is {new:.4g}"
    if not worse:
        return [f"note: {line}"]
    kept = kept_path(out)
    before = older_pack(kept)
    if before is not None and before.kind == older.kind and before.score is not None and \
            (before.score >= older.score if higher else before.score <= older.score):
        return [f"warning: {line}: worse; {kept.name} (its {words} {before.score:.4g}) was kept before and stays"]
    try:
        write_atomic(kept, older.data)
    except OSError as exc:
        return [f"warning: {line}: worse, and the older pack could not be kept ({exc.strerror or exc})"]
    return [f"warning: {line}: worse; the older pack is kept as {kept} (rename it back to use it)"]

"""A full --no-holdout synth kept at .prev, replaced by a scored run that stopped early (final read of the
fifty-second stop, FR3 #1): the third training wrote over it, and no NAME.0.1.0.hatpack was left."""
from __future__ import annotations

import dataclasses
from pathlib import Path

from export.pack import MANIFEST, SIGNATURE, Pack, read_pack, write_pack
from hatbox.replaced import compare_and_keep, older_pack


def _scored(score: float, stopped: bool = False) -> dict:
    """A held-out score, as trainer.synth.report.heldout_metrics writes it."""
    return {"eval_set": "heldout", "heldout_mrstft": score, "heldout_notes": 9,
            "stopped_early": "after 13 s of 60" if stopped else None}


def _no_holdout(train_set: float) -> dict:
    """A full --no-holdout run: every note trained on, no held-out score."""
    return {"eval_set": "train_set", "train_set_mrstft": train_set, "train_set_notes": 12, "heldout_notes": 0,
            "no_holdout": True, "stopped_early": None}


def _retrain(base: Pack, out: Path, metrics: dict) -> str:
    """A training of ``base`` over ``out`` writing ``metrics``: the summary's lines."""
    older = older_pack(out, "synth")
    manifest = dataclasses.replace(base.manifest, name="fin", version="0.1.0", metrics=metrics)
    write_pack(out, manifest, {k: v for k, v in base.members.items() if k not in (MANIFEST, SIGNATURE)})
    return "\n".join(compare_and_keep(older, out))


def test_a_full_no_holdout_run_is_moved_aside_by_a_scored_stopped_one(synth_pack: Pack, tmp_path: Path) -> None:
    out = tmp_path / "fin.hatpack"
    said = [_retrain(synth_pack, out, m) for m in (_no_holdout(0.6), _scored(1.1, stopped=True), _scored(0.85))]
    moved = tmp_path / "fin.0.1.0.hatpack"
    assert sorted(p.name for p in tmp_path.iterdir()) == [moved.name, "fin.hatpack", "fin.prev.hatpack"], said
    assert read_pack(moved).manifest.metrics["train_set_mrstft"] == 0.6
    assert f"and it ran in full where that one stopped early, is moved to {moved}" in said[2], said[2]
    assert "better" not in said[2].split("is moved to")[0].split("kept there before")[-1], said[2]

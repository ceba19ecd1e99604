"""Retraining a synth with no held-out notes, review of the fifty-second stop (R2 F1, F2): every such retrain moved
the kept pack aside to NAME.VERSION.hatpack, so N retrains left N files (one level of history no more); a pack with
a held-out score was called "better" than the --no-holdout one kept in its place; the why had nested brackets."""
from __future__ import annotations

import dataclasses
from pathlib import Path

from export.pack import MANIFEST, SIGNATURE, Pack, read_pack, write_pack
from hatbox.replaced import compare_and_keep, kept_path, older_pack
from hatbox.score_rules import no_score_why


def _unscored(train_set: float, stopped: bool = False, no_holdout: bool = False) -> dict:
    """What trainer.synth.report.heldout_metrics writes when no note was held out."""
    return {"eval_set": "train_set", "train_set_mrstft": train_set, "train_set_notes": 24, "heldout_notes": 0,
            "stopped_early": "after 11 s of 120" if stopped else None, "no_holdout": no_holdout}


def _retrain(base: Pack, out: Path, metrics: dict) -> str:
    """A training of ``base`` over ``out`` writing ``metrics``: the summary's lines."""
    older = older_pack(out, "synth")
    manifest = dataclasses.replace(base.manifest, name="mine", version="0.1.0", metrics=metrics)
    write_pack(out, manifest, {k: v for k, v in base.members.items() if k not in (MANIFEST, SIGNATURE)})
    return "\n".join(compare_and_keep(older, out))


def test_retrains_with_no_held_out_notes_keep_one_level(synth_pack: Pack, tmp_path: Path) -> None:
    """Before: four full retrains left mine.0.1.0, mine.0.1.1, mine.prev and mine."""
    out = tmp_path / "mine.hatpack"
    said = [_retrain(synth_pack, out, _unscored(1.0 + i / 10)) for i in range(4)]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.hatpack", "mine.prev.hatpack"], said
    assert read_pack(kept_path(out)).manifest.metrics["train_set_mrstft"] == 1.2
    assert "in place of mine 0.1.1, no held-out score kept there before (replaced)" in said[3], said[3]


def test_a_full_run_is_kept_only_from_a_stopped_one_and_never_a_stopped_one(synth_pack: Pack, tmp_path: Path) -> None:
    out = tmp_path / "mine.hatpack"
    for metrics in (_unscored(1.0, stopped=True), _unscored(1.1), _unscored(1.2, stopped=True), _unscored(1.3)):
        _retrain(synth_pack, out, metrics)                 # the stopped 0.1.0 kept, then replaced by the full 0.1.1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.0.1.1.hatpack", "mine.hatpack", "mine.prev.hatpack"]
    assert read_pack(tmp_path / "mine.0.1.1.hatpack").manifest.metrics["train_set_mrstft"] == 1.1


def test_a_scored_pack_is_not_called_better_than_a_no_holdout_one(synth_pack: Pack, tmp_path: Path) -> None:
    """Before: "mine 0.1.0, held-out spectral distance 0.8, kept there before and better, is moved to ..."."""
    out = tmp_path / "mine.hatpack"
    _retrain(synth_pack, out, {"heldout_mrstft": 0.8, "heldout_notes": 6, "train_set_mrstft": 0.7})
    _retrain(synth_pack, out, _unscored(1.0, no_holdout=True))
    third = _retrain(synth_pack, out, _unscored(0.9, no_holdout=True))
    moved = tmp_path / "mine.0.1.0.hatpack"
    assert moved.is_file() and "better" not in third, third
    assert f"kept there before and not compared with it (no held-out score), is moved to {moved}" in third, third
    assert "no note was held out to score it on: --no-holdout" in third and "((" not in third and "))" not in third
    assert no_score_why(_unscored(1.0, no_holdout=True), "synth") == "no note was held out to score it on: --no-holdout"

"""Retraining a synth with no held-out notes (synth QA of the fifty-second stop, finding 2): three retrains of
"mine" (a full run 0.1.0, one stopped early 0.1.1, another full one 0.1.2), every note a whole tone so none held
out: no score line was printed, not even "not compared", and 0.1.0 was lost (mine.prev.hatpack held 0.1.1, and no
mine.0.1.0.hatpack was kept), though the README says a better kept pack is moved to NAME.VERSION.hatpack."""
from __future__ import annotations

import dataclasses
from pathlib import Path

from export.pack import MANIFEST, SIGNATURE, Pack, read_pack, write_pack
from hatbox.replaced import compare_and_keep, kept_path, older_pack
from hatbox.score_rules import no_score_why, unscored


def _metrics(train_set: float, stopped: bool = False) -> dict:
    """What trainer.synth.report.heldout_metrics writes when no note was held out."""
    return {"eval_set": "train_set", "train_set_mrstft": train_set, "train_set_notes": 24, "heldout_notes": 0,
            "stopped_early": "after 11 s of 120" if stopped else None}


def _write(base: Pack, path: Path, metrics: dict, version: str = "0.1.0") -> Path:
    """``base`` as synth "mine" ``version`` with ``metrics`` (what a training writes: its version is carried on)."""
    manifest = dataclasses.replace(base.manifest, name="mine", version=version, metrics=metrics)
    write_pack(path, manifest, {k: v for k, v in base.members.items() if k not in (MANIFEST, SIGNATURE)})
    return path


def _retrain(base: Pack, out: Path, metrics: dict) -> list[str]:
    older = older_pack(out, "synth")
    _write(base, out, metrics)
    return compare_and_keep(older, out)


def test_a_synth_with_no_held_out_notes_is_unscored() -> None:
    assert unscored("synth", _metrics(1.0)) and not unscored("synth", {"heldout_mrstft": 0.9, "heldout_notes": 6})
    assert not unscored("synth", {}) and not unscored("effect", _metrics(1.0))
    assert no_score_why(_metrics(1.0), "synth") == "no note was held out to score it on"


def test_retrains_with_no_held_out_notes_say_not_compared_and_lose_no_pack(synth_pack: Pack, tmp_path: Path) -> None:
    out = _write(synth_pack, tmp_path / "mine.hatpack", _metrics(1.04))
    first = "\n".join(_retrain(synth_pack, out, _metrics(1.26, stopped=True)))
    assert ("note: replaced mine.hatpack: neither pack has a held-out score (no note was held out to score it on): "
            "not compared (on their own training notes, not held-out ones, their spectral distances were 1.04 then "
            "and 1.26 now, the new pack stopped early)") in first, first
    assert "better" not in first and "worse" not in first
    second = "\n".join(_retrain(synth_pack, out, _metrics(1.05)))
    assert "not compared" in second and "1.26 then and 1.05 now, the older pack stopped early" in second, second
    versioned = tmp_path / "mine.0.1.0.hatpack"
    assert versioned.is_file() and read_pack(versioned).manifest.metrics["train_set_mrstft"] == 1.04
    assert read_pack(kept_path(out)).manifest.version == "0.1.1" and read_pack(out).manifest.version == "0.1.2"
    assert (f"mine 0.1.0, no held-out score, kept there before and not compared with it (no held-out score), and it "
            f"ran in full where that one stopped early, is moved to {versioned}") in second, second
    assert "mine 0.1.1, no held-out score, stopped early" in second

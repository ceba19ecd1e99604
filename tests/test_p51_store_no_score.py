"""A tagger pack from before the fifty-first stop stored holdout_macro_f1 0.0 over no word: the box's record of it
lists no macro-F1 (device.store_layout.headline_scores), so nothing on the box compares that 0.0 as a score."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from device.store import PackStore
from export.manifest import Manifest


def _manifest(metrics: dict[str, Any]) -> Manifest:
    return Manifest(kind="tagger", name="words", version="0.1.0", sample_rate=32000, inputs=[], outputs=[],
                    metrics=metrics)


def _meta(metrics: dict[str, Any], tmp_path: Path) -> dict[str, Any]:
    f = tmp_path / "p.hatpack"
    f.write_bytes(b"x")
    return PackStore._meta("tagger-words", _manifest(metrics), "0" * 64, f, {})


def test_an_old_packs_macro_f1_over_no_word_is_no_score_in_the_record(tmp_path: Path) -> None:
    assert "holdout_macro_f1" not in _meta({"holdout_items": 4, "holdout_macro_f1": 0.0}, tmp_path)["scores"]


def test_a_real_macro_f1_stays_in_the_record(tmp_path: Path) -> None:
    scores = _meta({"holdout_items": 40, "holdout_scored_words": 6, "holdout_macro_f1": 0.91}, tmp_path)["scores"]
    assert scores == {"holdout_macro_f1": 0.91}

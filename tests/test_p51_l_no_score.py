"""A tagger none of whose held-out files carries any of its words stores no macro-F1 (fifty-first stop, fix L1: it
stored 0.0, and `hatbox pack inspect`, a retrain's comparison and `hatbox box-pack` read that as a real score,
"worse than before"); every reader says "no held-out score", and a pack of before, with its 0.0, still loads."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np

from device.store_layout import headline_scores, no_held_out_score
from export.pack import MANIFEST, SIGNATURE, read_pack, write_pack
from hatbox.cli import main
from hatbox.pack_scores import compare_notes, score_words
from hatbox.replaced import compare_and_keep, older_pack
from tests.api.packs import tagger_pack
from trainer.tagger.pipeline import held_metrics
from trainer.tagger.report import evaluate

OLD_UNSCORED = {"holdout_macro_f1": 0.0, "holdout_items": 4}      # what such a pack stored before the fix


def _pack(path: Path, metrics: dict, version: str = "0.1.0") -> Path:
    """A tagger pack "w" ``version`` whose manifest's metrics are ``metrics``."""
    tagger_pack(path, "w", version, tags=("door", "wood"))
    pack = read_pack(path)
    write_pack(path, dataclasses.replace(pack.manifest, metrics=metrics),
               {k: v for k, v in pack.members.items() if k not in (MANIFEST, SIGNATURE)})
    return path


def _unscored_report() -> dict:
    """A held-out report none of whose 4 files carries either word (report.evaluate)."""
    y = np.zeros((4, 2), np.float32)
    return evaluate(np.array([[.9, .1], [.1, .1], [.1, .1], [.1, .1]]), y, ["door", "wood"], exclusive=False)


def test_the_pack_stores_no_macro_f1_when_no_word_was_scored() -> None:
    got = held_metrics(_unscored_report(), 4)
    assert got == {"holdout_items": 4, "holdout_scored_words": 0}
    y = np.array([[1, 0], [0, 1], [1, 0]], np.float32)
    scored = held_metrics(evaluate(y * 0.9, y, ["door", "wood"], exclusive=False), 3)
    assert scored == {"holdout_items": 3, "holdout_scored_words": 2, "holdout_macro_f1": 1.0}


def test_the_rule_new_packs_and_old_ones() -> None:
    assert no_held_out_score({"holdout_items": 4, "holdout_scored_words": 0})
    assert no_held_out_score(OLD_UNSCORED)                           # before the count: an exact 0 is no score
    assert not no_held_out_score({"holdout_items": 4, "holdout_scored_words": 2, "holdout_macro_f1": 0.0})
    assert not no_held_out_score({"holdout_items": 4, "holdout_macro_f1": 0.5})
    assert not no_held_out_score({"val_esr": 0.0}) and not no_held_out_score(None)
    assert headline_scores(OLD_UNSCORED) == {}
    assert headline_scores({"holdout_items": 4, "holdout_macro_f1": 0.5}) == {"holdout_macro_f1": 0.5}


def test_pack_inspect_says_no_held_out_score(tmp_path: Path, capsys) -> None:
    new = _pack(tmp_path / "new.hatpack", {"holdout_items": 4, "holdout_scored_words": 0})
    old = _pack(tmp_path / "old.hatpack", OLD_UNSCORED)
    assert read_pack(old).manifest.metrics["holdout_macro_f1"] == 0.0          # an old pack still loads
    capsys.readouterr()
    assert main(["pack", "inspect", str(new)]) == 0
    out = capsys.readouterr().out
    assert "no held-out score (none of the 4 held-out files carries any of its words)" in out
    assert "macro-F1 0" not in out and "holdout_scored_words" not in out
    assert main(["pack", "inspect", str(old)]) == 0
    out = capsys.readouterr().out
    assert "held-out macro-F1 0 on 4 held-out files: no held-out score to go by" in out
    assert "held-out macro-F1 0 (1 = every tag right" not in out


def test_a_retrain_is_not_called_worse_or_better_against_no_score(tmp_path: Path) -> None:
    out = _pack(tmp_path / "w.hatpack", {"holdout_macro_f1": 0.9, "holdout_items": 12, "holdout_scored_words": 2})
    older = older_pack(out)
    _pack(out, {"holdout_items": 4, "holdout_scored_words": 0}, "0.1.1")          # what the retrain wrote
    lines = compare_and_keep(older, out)
    said = "\n".join(lines)
    assert ("note: replaced w.hatpack: its held-out macro-F1 was 0.9, the new pack has no held-out score (none of "
            "its held-out files carries any of its words): not compared") in lines, said
    assert "worse" not in said and "better" not in said
    old = older_pack(_pack(tmp_path / "v.hatpack", OLD_UNSCORED))            # an old pack's 0.0 loads, as no score
    assert old is not None and old.score is None and old.unscored
    _pack(tmp_path / "v.hatpack", {"holdout_macro_f1": 0.5, "holdout_items": 4, "holdout_scored_words": 2}, "0.1.1")
    said = "\n".join(compare_and_keep(old, tmp_path / "v.hatpack"))
    assert "its held-out macro-F1 was 0 on 4 held-out files, no score to go by (a tagger trained before" in said
    assert "(better)" not in said and "w 0.1.0, held-out macro-F1 0, no score to go by" in said, said
    assert "it had no held-out score" not in said        # its 0 may be real: not told as a fact (p51 MW 8)


def test_box_pack_lists_no_score_and_compares_none() -> None:
    base = {"name": "w", "kind": "tagger", "held_out": 4}
    new = {**base, "id": "a", "version": "0.1.1", "seq": 1, "scores": {}}
    old = {**base, "id": "b", "version": "0.1.0", "seq": 0, "scores": {"holdout_macro_f1": 0.0}}
    good = {**base, "id": "c", "version": "0.1.2", "seq": 2, "active": True, "held_out": 400,
            "scores": {"holdout_macro_f1": 0.9}}
    assert score_words(new) == ["macro-F1: no held-out score (none of its 4 held-out files carries any of its words)"]
    assert score_words(old)[0].startswith("macro-F1 0 on 4 files (not compared: ")
    assert compare_notes([new, old, good]) == []

"""Held-out scores, compared right (fifty-first stop, mend MW of the review of fixes L and W): a pack kept beside a
retrain that scored is not written over by two retrains with no held-out score; `hatbox box-pack` tells a new
pack's real macro-F1 of 0 from an old pack's 0 over no word (the box's record keeps the count of the scored words and
each word's F1) and compares like for like as a retrain does; the score keys are spelt once; an old pack's 0 is not
told as a fact of no score."""
from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from export.pack import MANIFEST, SIGNATURE, read_pack, write_pack
from hatbox.cli import main
from hatbox.pack_scores import compare_notes, score_words
from hatbox.replaced import compare_and_keep, older_pack
from tests.api.conftest import paired_server  # noqa: F401 - the fixture
from tests.api.packs import tagger_pack

WORDS = ("door", "wood")
SCORED = {"holdout_items": 12, "holdout_scored_words": 2, "holdout_macro_f1": 0.9}
UNSCORED = {"holdout_items": 4, "holdout_scored_words": 0}
REAL_ZERO = {"holdout_items": 40, "holdout_scored_words": 2, "holdout_macro_f1": 0.0,
             "holdout_f1_per_word": {"door": 0.0, "wood": 0.0}, "holdout_labels": 50}


def _pack(path: Path, metrics: dict, version: str, tags: tuple[str, ...] = WORDS) -> Path:
    """A tagger pack "w" ``version`` of ``tags`` whose manifest's metrics are ``metrics``."""
    tagger_pack(path, "w", version, tags=tags)
    pack = read_pack(path)
    write_pack(path, dataclasses.replace(pack.manifest, metrics=metrics),
               {k: v for k, v in pack.members.items() if k not in (MANIFEST, SIGNATURE)})
    return path


def _retrain(out: Path, metrics: dict, version: str, tags: tuple[str, ...] = WORDS) -> str:
    """A retrain writing a pack of ``metrics`` over ``out``: the summary's lines."""
    older = older_pack(out)
    _pack(out, metrics, version, tags)
    return "\n".join(compare_and_keep(older, out))


def _macro_f1(path: Path) -> object:
    return read_pack(path).manifest.metrics.get("holdout_macro_f1")


def test_two_retrains_with_no_score_do_not_write_over_the_scored_pack(tmp_path: Path) -> None:
    """Review's sequence: 0.1.0 scores 0.9, 0.1.1 and 0.1.2 have no held-out score; the 0.9 pack was replaced by
    0.1.1 at w.prev.hatpack (it went to w.0.1.0.hatpack at fa13422e)."""
    out = _pack(tmp_path / "w.hatpack", SCORED, "0.1.0")
    first = _retrain(out, UNSCORED, "0.1.1")
    assert "w.prev.hatpack (w 0.1.0, held-out macro-F1 0.9)" in first, first
    second = _retrain(out, UNSCORED, "0.1.2")
    assert "(replaced)" not in second, second
    assert "w 0.1.0, held-out macro-F1 0.9, kept there before and better, is moved to" in second, second
    assert _macro_f1(tmp_path / "w.0.1.0.hatpack") == 0.9
    assert read_pack(tmp_path / "w.prev.hatpack").manifest.version == "0.1.1"
    third = _retrain(out, UNSCORED, "0.1.3")             # the unscored 0.1.1 kept before is replaced, as before
    assert "in place of w 0.1.1, no held-out score kept there before (replaced)" in third, third
    assert _macro_f1(tmp_path / "w.0.1.0.hatpack") == 0.9


def test_an_unscored_pack_kept_before_is_replaced_by_a_scored_one_and_other_words_as_before(tmp_path: Path) -> None:
    out = _pack(tmp_path / "w.hatpack", UNSCORED, "0.1.0")
    _retrain(out, SCORED, "0.1.1")                        # w.prev: the unscored 0.1.0
    said = _retrain(out, UNSCORED, "0.1.2")               # the scored 0.1.1 kept in its place: nothing moved
    assert "in place of w 0.1.0, no held-out score kept there before (replaced)" in said, said
    assert _macro_f1(tmp_path / "w.prev.hatpack") == 0.9 and not (tmp_path / "w.0.1.0.hatpack").exists()
    other = _pack(_folder(tmp_path / "o") / "w.hatpack", SCORED, "0.1.0")
    _retrain(other, UNSCORED, "0.1.1", tags=WORDS + ("tin",))
    said = _retrain(other, UNSCORED, "0.1.2", tags=WORDS + ("tin",))
    assert "(replaced)" in said and "moved" not in said, said       # other words: not like for like, as before


def _folder(path: Path) -> Path:
    path.mkdir()
    return path


def test_the_boxs_record_keeps_what_a_macro_f1_is_over(tmp_path: Path) -> None:
    from device.store import PackStore
    from device.store_layout import scored_record
    manifest = read_pack(_pack(tmp_path / "z.hatpack", REAL_ZERO, "0.1.0")).manifest
    meta = PackStore._meta("tagger-w", manifest, "0" * 64, tmp_path / "z.hatpack", {})
    assert meta["scores"] == {"holdout_macro_f1": 0.0}
    assert (meta["scored_words"], meta["f1_per_word"], meta["held_labels"]) == (2, {"door": 0.0, "wood": 0.0}, 50)
    old = read_pack(_pack(tmp_path / "o.hatpack", {"holdout_items": 4, "holdout_macro_f1": 0.0}, "0.1.0")).manifest
    assert scored_record(old) == {}
    nan = {**REAL_ZERO, "holdout_f1_per_word": {"door": float("nan")}}
    assert "f1_per_word" not in scored_record(dataclasses.replace(manifest, metrics=nan))   # no NaN in the JSON
    other = {**REAL_ZERO, "holdout_f1_per_word": {"door": 0.5, "x" * 500: 0.5}}
    assert "f1_per_word" not in scored_record(dataclasses.replace(manifest, metrics=other))  # only its own words


def _entry(version: str, f1: float, seq: int, **more) -> dict:
    return {"id": version, "name": "w", "kind": "tagger", "version": version, "seq": seq, "held_out": 400,
            "scores": {"holdout_macro_f1": f1}, "words": list(WORDS), **more}


def test_box_pack_lists_and_compares_a_real_zero() -> None:
    zero = _entry("0.1.1", 0.0, 1, scored_words=2)
    assert score_words(zero) == ["macro-F1 0.00 on 400 files"]
    notes = compare_notes([zero, _entry("0.1.2", 0.9, 2, active=True, scored_words=2)])
    assert len(notes) == 1 and "w 0.1.2 (active) scored better" in notes[0], notes
    old = _entry("0.1.0", 0.0, 0)                                   # no count: the words of before, not compared
    assert score_words(old)[0].startswith("macro-F1 0 on 400 files (not compared: a tagger trained before the ")
    assert score_words(_entry("0.1.3", 0.0, 3, scored_words=0))[0].startswith("macro-F1: no held-out score")


def test_box_pack_compares_like_for_like_over_the_scored_words() -> None:
    f1 = {"door": 1.0, "wood": 0.8}
    ref = _entry("0.1.2", 0.9, 2, active=True, f1_per_word=f1, held_labels=900)
    new_words = _entry("0.1.1", 0.3, 1, words=[*WORDS, "tin"], f1_per_word={"door": 0.2, "wood": 0.4},
                       held_labels=900)
    said = compare_notes([ref, new_words])[0]
    assert "over the same 2 words (the others had none held out): w 0.1.2 (active) scored better" in said, said
    assert "not like for like" not in said
    shared = _entry("0.1.1", 0.5, 1, words=[*WORDS, "tin"], f1_per_word={"door": 1.0, "wood": 0.8, "tin": 0.0})
    said = compare_notes([ref, shared])[0]
    assert "over the 2 words both scored on held-out files, 0.1.1 0.90 and 0.1.2 0.90: level" in said, said
    alone = compare_notes([ref, {**new_words, "f1_per_word": None}])[0]
    assert "0.1.1's words differ from 0.1.2's (+ tin)" in alone and "not like for like" in alone, alone


def test_the_margin_stands_on_the_held_out_words_where_the_box_counts_them() -> None:
    """7 files of several words (24 on them): a drop 0.91 -> 0.56 is beyond 1 / sqrt(24), not "level" as by the
    files' 1 / sqrt(7) = 0.38."""
    ref = {**_entry("0.1.2", 0.56, 2, active=True, held_labels=24), "held_out": 7}
    other = {**_entry("0.1.1", 0.91, 1, held_labels=26), "held_out": 7}
    said = compare_notes([ref, other])[0]
    assert "w 0.1.1 scored better (beyond the 0.20 7 held-out files (24 words on them) can tell)" in said, said
    assert "level" in compare_notes([{**ref, "held_labels": None}, other])[0]


def test_the_box_lists_the_counts_and_box_pack_compares_a_real_zero(paired_server, tmp_path, capsys) -> None:
    assert main(["push", str(_pack(tmp_path / "a.hatpack", REAL_ZERO, "0.1.1")), "--quiet"]) == 0
    good = {**REAL_ZERO, "holdout_macro_f1": 0.9, "holdout_f1_per_word": {"door": 0.9, "wood": 0.9}}
    assert main(["push", str(_pack(tmp_path / "b.hatpack", good, "0.1.2")), "--activate", "--quiet"]) == 0
    capsys.readouterr()
    assert main(["box-pack", "--json"]) == 0
    got = json.loads(capsys.readouterr().out)
    entry = next(e for e in (got["packs"] if isinstance(got, dict) else got) if e["version"] == "0.1.1")
    assert (entry["scored_words"], entry["held_labels"], entry["f1_per_word"]) == (2, 50, {"door": 0.0, "wood": 0.0})
    assert main(["box-pack"]) == 0
    out = capsys.readouterr()
    assert "macro-F1 0.00 on 40 files" in out.out and "before the fifty-first stop" not in out.out + out.err, out
    assert "w 0.1.2 (active) scored better" in out.err, out.err


def test_the_score_keys_are_spelt_once() -> None:
    from device import store_layout
    from hatbox import pack_scores, replaced
    assert pack_scores.MACRO_F1 == store_layout.MACRO_F1
    assert store_layout.HIGHER_IS_BETTER == {store_layout.MACRO_F1} and not hasattr(replaced, "HIGHER_IS_BETTER")
    assert store_layout.HIGHER_IS_BETTER <= set(store_layout.SCORE_KEYS)


def test_pack_inspect_shows_each_score_by_one_helper() -> None:
    from hatbox.cmd_pack import _shown_score
    assert _shown_score("holdout_macro_f1", UNSCORED) == \
        "no held-out score (none of the 4 held-out files carries any of its words)"
    assert "0.9" in _shown_score("holdout_macro_f1", SCORED)
    assert _shown_score("val_esr", SCORED) == "" and _shown_score("val_esr", {"val_esr": True}) == ""
    assert _shown_score("holdout_macro_f1", {**SCORED, "holdout_scored_words": 1, "holdout_macro_f1": 0.0}) != \
        _shown_score("holdout_macro_f1", {"holdout_items": 4, "holdout_macro_f1": 0.0})


def test_an_old_packs_zero_is_not_told_as_no_score(tmp_path: Path) -> None:
    out = _pack(tmp_path / "w.hatpack", {"holdout_items": 4, "holdout_macro_f1": 0.0}, "0.1.0")
    said = _retrain(out, UNSCORED, "0.1.1")
    assert ("note: replaced w.hatpack: its held-out macro-F1 was 0 on 4 held-out files, no score to go by (a tagger "
            "trained before the fifty-first stop stored 0 also where none of its held-out files carried any of its "
            "words), the new pack has no held-out score (none of its held-out files carries any of its words): not "
            "compared") in said, said
    assert "neither pack" not in said and "it had no held-out score" not in said

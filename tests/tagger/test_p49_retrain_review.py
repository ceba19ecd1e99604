"""The forty-ninth stop's review of retraining and rows with none of the words (F5): the older pack is kept when a
training is stopped after the new one was written; a better pack kept as x.prev is moved aside, not deleted;
`push-library --fixes` takes a CSV's `path,` rows; negatives do not push the tagger's "yes" weight; the level margin
is two standard errors; a synth's instrument names are no tagger's words; the picture leaves out a score over other
words."""
from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import numpy as np
import pytest

from export.pack import MANIFEST, SIGNATURE, read_pack, write_pack
from hatbox.errors import Terminated
from hatbox.replaced import compare_and_keep, kept_path, older_pack
from hatbox.score_rules import level_margin
from tests.tagger.test_p49_retrain_words import WORDS, _tagger


def _of_kind(src: Path, out: Path, kind: str, metrics: dict, tags: list[str] | None = None) -> Path:
    """A copy of pack ``src`` at ``out`` said to be of ``kind`` with ``metrics`` (and ``tags``)."""
    pack = read_pack(src)
    manifest = dataclasses.replace(pack.manifest, kind=kind, metrics=metrics, name="mine",
                                   tags=pack.manifest.tags if tags is None else tags)
    return write_pack(out, manifest, {k: v for k, v in pack.members.items() if k not in (MANIFEST, SIGNATURE)})


def test_ctrl_c_after_the_tagger_pack_is_written_keeps_the_older_pack(small_pack: Path, tmp_path: Path,
                                                                       monkeypatch, capsys) -> None:
    """Review finding 1: a Ctrl-C while the report was written left the new pack and lost the older one (its
    bytes were only in memory)."""
    import trainer.tagger.pipeline as pipeline
    from hatbox.cli import main
    from tests.tagger.conftest import hiss, tag_tree, thump
    tree = tag_tree(tmp_path / "tree", {"kick": thump, "hat": hiss}, 5, rate=16000)
    out = tmp_path / "mine.hatpack"
    shutil.copy(small_pack, out)

    def interrupted(*_a, **_k):
        raise KeyboardInterrupt
    monkeypatch.setattr(pipeline, "_write_report", interrupted)
    rc = main(["train", "tagger", str(tree), "--out", str(out), "--steps", "1", "--minutes", "0.1", "--threads", "1"])
    cap = capsys.readouterr()
    assert rc == 130 and out.read_bytes() != small_pack.read_bytes()
    assert kept_path(out).read_bytes() == small_pack.read_bytes()
    assert f"the older pack is kept as {kept_path(out)}" in cap.out
    assert "was written: the new pack stays; its held-out report may be missing" in cap.err


@pytest.mark.parametrize("kind", ["effect", "synth"])
def test_sigterm_after_an_effect_or_synth_pack_is_written_keeps_the_older_pack(kind: str, small_pack: Path,
                                                                                tmp_path: Path, monkeypatch,
                                                                                capsys) -> None:
    """Review finding 1: `train effect` and `train synth` had no try at all: SIGTERM after the pack was written."""
    from hatbox.cli import main
    out = _of_kind(small_pack, tmp_path / "mine.hatpack", kind, {"val_esr": 0.1})
    before = out.read_bytes()

    def wrote_then_stopped(*_a, **_k):
        _of_kind(small_pack, out, kind, {"val_esr": 0.2})
        raise Terminated("SIGTERM")
    if kind == "effect":
        import trainer.accel
        import trainer.effect.train
        monkeypatch.setattr(trainer.effect.train, "train_effect", wrote_then_stopped)
        monkeypatch.setattr(trainer.accel, "planned_device", lambda *_a, **_k: None)
        argv = ["train", "effect", str(tmp_path), "--out", str(out)]
    else:
        import trainer.synth.pipeline
        monkeypatch.setattr(trainer.synth.pipeline, "train_to_pack", wrote_then_stopped)
        argv = ["train", "synth", str(tmp_path), "--out", str(out)]
    rc = main(argv)
    assert rc == 143, capsys.readouterr()
    assert kept_path(out).read_bytes() == before and out.read_bytes() != before


def test_a_better_pack_kept_as_prev_is_moved_aside_not_deleted(small_pack: Path, tmp_path: Path) -> None:
    """Review finding 2: retrains scoring 0.95, 0.60, 0.70 left prev = the 0.60 pack; the 0.95 one was gone."""
    out = _tagger(small_pack, tmp_path / "mywords.hatpack", 0.95, 100, WORDS)
    lines = []
    for f1 in (0.60, 0.70):
        older = older_pack(out, "tagger")
        _tagger(small_pack, out, f1, 100, WORDS)
        lines = compare_and_keep(older, out)
    moved = tmp_path / "mywords.0.1.0.hatpack"
    assert read_pack(moved).manifest.metrics["holdout_macro_f1"] == 0.95
    assert read_pack(kept_path(out)).manifest.metrics["holdout_macro_f1"] == 0.60
    assert lines[-1].startswith(f"note: the older pack is kept as {kept_path(out)} (mywords 0.1.1, held-out "
                                f"macro-F1 0.6; mywords 0.1.0, held-out macro-F1 0.95, kept there before and "
                                f"better, is moved to {moved}); to go back: mv ")


def test_a_pack_kept_there_with_other_words_is_replaced_and_said_so(small_pack: Path, tmp_path: Path) -> None:
    out = _tagger(small_pack, tmp_path / "mywords.hatpack", 0.60, 100, WORDS, version="0.1.1")
    _tagger(small_pack, kept_path(out), 0.95, 100, ["kick", "hat"], version="0.1.0")
    older = older_pack(out, "tagger")
    _tagger(small_pack, out, 0.70, 100, WORDS)
    kept = compare_and_keep(older, out)[-1]
    assert "in place of mywords 0.1.0, held-out macro-F1 0.95 kept there before (replaced)" in kept
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mywords.hatpack", "mywords.prev.hatpack"]


def test_push_fixes_takes_the_none_rows_library_export_writes(tmp_path: Path, capsys) -> None:
    """Review finding 3: `path,` rows (what `library export` writes) made push-library --fixes refuse the CSV."""
    from hatbox.fixes_given import given_corrections
    fixes = tmp_path / "fixes.csv"
    fixes.write_text("path,tags\na.wav,kick\nb.wav,\n")
    found = given_corrections(fixes, "fixes.csv")
    assert found[tmp_path / "a.wav"] == ["kick"] and set(found) <= {tmp_path / "a.wav", tmp_path / "b.wav"}
    if tmp_path / "b.wav" in found:                     # none of the words, as the box keeps it
        assert found[tmp_path / "b.wav"] == [""]
    else:                                               # held back, said
        assert "1 correction in fixes.csv says a file carries none of the words" in capsys.readouterr().err


def test_negatives_do_not_change_the_weight_of_a_yes() -> None:
    """Review finding 4: pos_weight was counted over every row, so many negatives pushed it to its cap 20."""
    from trainer.tagger.train import pos_weight
    y = np.array([[1, 0], [0, 1], [1, 1], [1, 0], [0, 1]], np.float32)
    with_none = np.concatenate([y, np.zeros((200, 2), np.float32)])
    assert pos_weight(with_none).tolist() == pos_weight(y).tolist() == [1.0, 1.0]
    assert pos_weight(np.array([[1, 0], [1, 0], [1, 0], [0, 1]], np.float32)).tolist() == [1.0, 3.0]


def test_the_level_margin_is_two_standard_errors(small_pack: Path, tmp_path: Path) -> None:
    """Review finding 5: at 0.5/sqrt(n) two equally good taggers were called better or worse 33-42 % of the time."""
    assert level_margin(12) == pytest.approx(0.2887, abs=1e-4) and level_margin(400) == pytest.approx(0.05)
    out = _tagger(small_pack, tmp_path / "mywords.hatpack", 0.70, 12, WORDS)
    older = older_pack(out, "tagger")
    _tagger(small_pack, out, 0.90, 12, WORDS)
    line = compare_and_keep(older, out)[1]
    assert line.endswith(": level: 12 held-out files cannot tell these apart"), line


def test_a_synths_instrument_names_are_no_words(small_pack: Path, tmp_path: Path) -> None:
    """Review finding 7: a synth's tags ("synth", its instruments) were said as a tagger's words, "worse" unsaid."""
    metrics = {"heldout_mrstft": 0.80, "heldout_notes": 12}
    out = _of_kind(small_pack, tmp_path / "strings.hatpack", "synth", metrics, ["synth", "cello", "viola"])
    older = older_pack(out, "synth")
    assert older.words == ()
    _of_kind(small_pack, out, "synth", {**metrics, "heldout_mrstft": 1.2}, ["synth", "cello", "violin"])
    lines = compare_and_keep(older, out)
    assert not any("words differ" in line for line in lines)
    assert any(line.startswith("warning: replaced strings.hatpack") and line.endswith(": worse") for line in lines)


def test_the_picture_leaves_out_a_score_over_other_words(small_pack: Path, tmp_path: Path) -> None:
    """Review finding 9: "(the pack replaced: 0.96 on 12 files)" under a tagger of other words; the score is taken
    from the pack the command already read."""
    from trainer.tagger.pipeline import picture_title, previous_score
    out = _tagger(small_pack, tmp_path / "mywords.hatpack", 0.96, 12, WORDS)
    older = older_pack(out, "tagger")
    out.unlink()
    before = previous_score(out, older)
    assert before == (0.96, 12, tuple(WORDS))
    assert picture_title({"macro_f1": 0.5}, 9, before, ["airy", "lofi"]) == "held-out: 9 files, macro-F1 0.50"
    assert picture_title({"macro_f1": 0.5}, 9, before, list(reversed(WORDS))) == \
        "held-out: 9 files, macro-F1 0.50 (the pack replaced: 0.96 on 12 files)"

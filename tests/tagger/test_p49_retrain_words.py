"""What a retrained tagger tells the producer (forty-ninth stop's QA, "a month of the loop"): the pack it replaced is
always kept as x.prev.hatpack with how to go back; a difference of two held-out scores on a few files is "level", not
better or worse; packs whose words differ are said to differ, not compared as like for like; the picture's title
holds the held-out count and the replaced pack's score; a case typo in a CSV is refused naming its lines."""
from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from export.pack import MANIFEST, SIGNATURE, read_pack, write_pack
from hatbox.errors import DataError
from hatbox.replaced import compare_and_keep, kept_path, older_pack
from hatbox.score_rules import level_margin, words_differ


def _tagger(src: Path, out: Path, f1: float, held: int, tags: list[str], version: str = "0.1.0") -> Path:
    """A copy of tagger pack ``src`` at ``out`` whose manifest says macro-F1 ``f1`` on ``held`` files and ``tags``."""
    pack = read_pack(src)
    metrics = {**pack.manifest.metrics, "holdout_macro_f1": f1, "holdout_items": held}
    manifest = dataclasses.replace(pack.manifest, metrics=metrics, tags=tags, name="mywords", version=version)
    return write_pack(out, manifest, {k: v for k, v in pack.members.items() if k not in (MANIFEST, SIGNATURE)})


WORDS = ["bright", "dusty", "glitch", "punchy", "sub"]


def test_a_better_score_on_a_few_files_is_level_and_the_older_pack_is_kept(small_pack: Path, tmp_path: Path) -> None:
    out = _tagger(small_pack, tmp_path / "mywords.hatpack", 0.8814, 9, WORDS)
    before = out.read_bytes()
    older = older_pack(out, "tagger")
    _tagger(small_pack, out, 0.9096, 12, WORDS)                 # what the training wrote (week 3 of the QA)
    version, line, kept = compare_and_keep(older, out)
    assert version == "note: mywords.hatpack is mywords 0.1.1 (the pack it replaced was 0.1.0)"
    assert line.startswith("note: replaced mywords.hatpack: its held-out macro-F1 was 0.8814, the new pack's is 0.9096")
    assert line.endswith(": level: 9 held-out files cannot tell these apart") and "better" not in line
    assert kept == (f"note: the older pack is kept as {kept_path(out)} (mywords 0.1.0, held-out macro-F1 0.8814); "
                    "to go back: mv "
                    f"{kept_path(out)} {out} (or send it to the box: hatbox push {kept_path(out)})")
    assert kept_path(out).read_bytes() == before


def test_on_many_files_a_clear_difference_is_still_better_or_worse(small_pack: Path, tmp_path: Path) -> None:
    assert level_margin(12) > 0.05 > level_margin(401)
    out = _tagger(small_pack, tmp_path / "mywords.hatpack", 0.85, 400, WORDS)
    older = older_pack(out, "tagger")
    _tagger(small_pack, out, 0.79, 400, WORDS)
    _version, line, _kept = compare_and_keep(older, out)
    assert line.startswith("warning: replaced mywords.hatpack") and line.endswith(": worse")


def test_packs_whose_words_differ_are_not_compared_and_the_kept_file_says_what_it_replaced(small_pack: Path,
                                                                                           tmp_path: Path) -> None:
    out = _tagger(small_pack, tmp_path / "mywords.hatpack", 0.9096, 12, WORDS, version="0.1.1")
    _tagger(small_pack, kept_path(out), 0.8814, 9, WORDS, version="0.1.0")         # kept by the last retrain
    older = older_pack(out, "tagger")
    _tagger(small_pack, out, 0.7875, 12, ["bright", "lofi", "punchy", "sub", "airy"])   # week 4: renamed, dropped
    _version, line, kept = compare_and_keep(older, out)
    assert line == ("note: the new pack's words differ: + lofi, airy; - dusty, glitch (its held-out macro-F1 was "
                    "0.9096, now 0.7875: scores over other words, not like for like)")
    assert ("(mywords 0.1.1, held-out macro-F1 0.9096, in place of mywords 0.1.0, held-out macro-F1 0.8814 kept "
            "there before (replaced))") in kept
    assert read_pack(kept_path(out)).manifest.version == "0.1.1"          # one level: the pack just replaced
    assert words_differ(("a", "b"), ("b", "a")) == "" and words_differ((), ("a",)) == ""


def test_the_picture_title_holds_the_held_out_count_and_the_replaced_score(small_pack: Path, tmp_path: Path) -> None:
    from trainer.tagger.pipeline import picture_title, previous_score
    out = _tagger(small_pack, tmp_path / "mywords.hatpack", 0.8814, 9, WORDS)
    assert previous_score(out) == (0.8814, 9, tuple(WORDS)) and previous_score(tmp_path / "none.hatpack") is None
    assert picture_title({"macro_f1": 0.9096}, 12, previous_score(out)) == \
        "held-out: 12 files, macro-F1 0.91 (the pack replaced: 0.88 on 9 files)"
    assert picture_title({"macro_f1": 0.5}, 1, None) == "held-out: 1 file, macro-F1 0.50"


def test_a_case_typo_is_refused_naming_the_lines_of_the_rarer_spelling(tmp_path: Path) -> None:
    from trainer.tagger.data import load_items
    from trainer.tagger.pipeline import check_items
    from tests.tagger.conftest import thump
    import soundfile as sf
    rows = ["path,tags"]
    for i in range(8):
        sf.write(tmp_path / f"{i}.wav", thump(16000, seed=i), 16000)
        rows.append(f"{i}.wav,{'Lofi' if i in (2, 6) else 'lofi'},{'sub' if i % 2 else 'punchy'}")
    csv = tmp_path / "train4.csv"
    csv.write_text("\n".join(rows) + "\n")
    with pytest.raises(DataError) as exc:
        check_items(load_items(csv))
    assert exc.value.args[0] == \
        f"tags that differ only in case: 'Lofi' (2: {csv}: line 4, {csv}: line 8) and 'lofi' (6)"


def test_a_cli_retrain_keeps_the_pack_it_replaced(small_pack: Path, tmp_path: Path, capsys) -> None:
    from hatbox.cli import main
    from tests.tagger.conftest import hiss, tag_tree, thump
    tree = tag_tree(tmp_path / "tree", {"kick": thump, "hat": hiss}, 3, rate=16000)
    out = tmp_path / "mine.hatpack"
    shutil.copy(small_pack, out)
    assert main(["train", "tagger", str(tree), "--out", str(out), "--steps", "2", "--minutes", "0.1",
                 "--threads", "1", "--holdout", "0"]) == 0
    text = capsys.readouterr().out
    assert f"note: the older pack is kept as {kept_path(out)} (small 0.1.0); to go back: mv" in text
    assert "examples per word: hat 3, kick 3\n" in text
    assert kept_path(out).read_bytes() == small_pack.read_bytes()

"""Thirty-second stop, a QA pass over training a tagger on a producer's own words: an accented word written in
either Unicode form (macOS names folders with "e" and a combining accent, a CSV typed elsewhere has "é") is one tag
everywhere; `library query --tag` finds a tag whatever its case, as `library fix` spells it; a WAV cut short,
which `hatbox tag` refuses, is left out of training too (it was trained on without a word)."""
from __future__ import annotations

import unicodedata
from pathlib import Path

import numpy as np
import soundfile as sf

from device import library
from export.manifest import normal_tag
from trainer.tagger.data import decode_clips, load_items, tag_list

NFC, NFD = unicodedata.normalize("NFC", "éthéré"), unicodedata.normalize("NFD", "éthéré")


def _wav(path: Path, seed: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    sf.write(path, (0.3 * rng.standard_normal(8000)).astype(np.float32), 16000)
    return path


def test_the_two_forms_of_an_accented_word_are_one_tag_in_a_csv_and_a_tree(tmp_path):
    assert NFC != NFD and normal_tag(NFD) == NFC == normal_tag(f" {NFC} ")
    for i in range(4):
        _wav(tmp_path / "s" / f"{i}.wav", i)
    csv = tmp_path / "tags.csv"
    csv.write_text(f"s/0.wav,{NFC}\ns/1.wav,{NFD}\ns/2.wav,{NFD},bass\ns/3.wav,bass\n", encoding="utf-8")
    assert tag_list(load_items(csv)) == ["bass", NFC]
    tree = tmp_path / "tree"
    for i, word in enumerate((NFC, NFD)):
        _wav(tree / word / f"{i}.wav", 10 + i)
    if len({p.name for p in tree.iterdir()}) == 2:           # a file system that keeps both forms apart
        assert tag_list(load_items(tree)) == [NFC]


def test_a_correction_in_the_other_form_is_the_librarys_tag_and_query_finds_tags_in_any_case(library_dir,
                                                                                           small_pack, tmp_path):
    db = tmp_path / "lib.db"
    library.tag_library(library_dir, small_pack, db)
    library.set_tags(db, library_dir / "kicks" / "k1.wav", [NFC])
    assert library.set_tags(db, library_dir / "kicks" / "k2.flac", [NFD]) == [NFC]
    assert library.list_tags(db)[NFC] == 2 and NFD not in library.list_tags(db)
    assert {h.path.name for h in library.files_with_tag(db, NFD)} == {"k1.wav", "k2.flac"}
    assert library.files_with_tag(db, "KICK") == library.files_with_tag(db, "kick")   # was: not one of its tags


def test_a_wav_cut_short_is_left_out_of_training_with_hatbox_tags_words(tmp_path):
    good = _wav(tmp_path / "bass" / "good.wav", 1)
    whole = _wav(tmp_path / "bass" / "whole.wav", 2)
    cut = tmp_path / "bass" / "cut.wav"
    cut.write_bytes(whole.read_bytes()[:3000])
    items = load_items(tmp_path)
    kept, clips, skipped, _ = decode_clips(items, 16000, 8000)
    assert [it.path.name for it in kept] == ["good.wav", "whole.wav"] and clips.shape == (2, 8000)
    assert [(p.name, why) for p, why in skipped][0][0] == "cut.wav"
    assert "cut short" in skipped[0][1]


def _picky_pack(tmp_path):
    """A two-tag tagger of several tags per file whose thresholds no score reaches: it is sure of nothing."""
    import torch

    from trainer.tagger.onnx_export import export_tagger
    from trainer.tagger.model import TaggerConfig, TaggerNet
    torch.manual_seed(0)
    net = TaggerNet(TaggerConfig(clip_samples=8000, channels=(8, 16), embed_dim=16), 2).eval()
    return export_tagger(net, ["kick", "hat"], tmp_path / "picky.hatpack", name="picky", thresholds=[0.999, 0.999])


def test_files_the_tagger_was_sure_of_no_word_for_are_said_and_listed(library_dir, tmp_path, capsys):
    """QA: a CSV-trained tagger of several tags per file left 3 of 40 files under no tag, and nothing said so
    (`--failed` said every file was tagged)."""
    from device.library import untagged, untagged_count
    from hatbox.cli import main
    db = tmp_path / "lib.db"
    assert main(["tag", str(library_dir), "--pack", str(_picky_pack(tmp_path)), "--out", str(db)]) == 0
    out = capsys.readouterr().out
    assert "note: 5 files got no tag: the tagger was sure of none of its words for them" in out
    assert f"hatbox library query {db} --untagged" in out
    found = untagged(db)
    assert len(found) == 5 and all(tag in ("kick", "hat") and 0 < score < 0.999 for _, tag, score in found)
    assert untagged_count(db) == 5                                # p33: counted in the database, the same files
    assert main(["library", "query", str(db), "--untagged"]) == 0
    listed = capsys.readouterr().out
    assert "kicks/k1.wav" in listed and listed.count("\n") >= 5
    assert main(["library", "query", str(db), "--failed"]) == 0
    assert "5 files got no tag (--untagged lists them)" not in capsys.readouterr().out   # one failed: it is listed
    library.set_tags(db, library_dir / "kicks" / "k1.wav", ["kick"])
    assert len(untagged(db)) == 4 == untagged_count(db)


def test_the_picture_of_a_tagger_of_several_tags_per_file_agrees_with_its_table(tmp_path):
    """QA: a file tagged pluck and guitar, guessed right, showed in the confusion matrix as guitar called pluck,
    against a table saying guitar 1.000 / 1.000."""
    from trainer.tagger.report import PER_TAG_COLUMNS, confusion_png, evaluate
    tags = ["guitar", "pad", "pluck"]
    y = np.array([[1, 0, 1], [0, 1, 0], [0, 0, 1], [1, 0, 0]], np.float32)
    probs = np.array([[0.9, 0.1, 0.8], [0.2, 0.7, 0.1], [0.1, 0.6, 0.9], [0.3, 0.1, 0.2]], np.float32)
    rep = evaluate(probs, y, tags, np.full(3, 0.5, np.float32))
    assert rep["per_tag_counts"] == [[1, 1, 0], [1, 0, 1], [2, 0, 0]]        # found, missed, given wrongly
    assert rep["per_tag"]["pluck"]["recall"] == 1.0 and rep["per_tag"]["guitar"]["recall"] == 0.5
    out = confusion_png(np.array(rep["per_tag_counts"]), tags, tmp_path / "c.png", "held-out",
                        columns=PER_TAG_COLUMNS)
    assert out.stat().st_size > 1000
    single = evaluate(probs[1:3], np.array([[0, 1, 0], [0, 0, 1]], np.float32), tags)
    assert "per_tag_counts" not in single                                    # one tag per file: the matrix


def test_wide_and_accented_tag_names_keep_the_table_in_line_and_the_picture_quiet(tmp_path, recwarn):
    import warnings

    from trainer.tagger.report import _columns, confusion_png, evaluate, format_report
    tags = ["日本の琴", "Stimme éthérée", NFD]
    y = np.eye(3, dtype=np.float32)
    rep = evaluate(y * 0.9 + 0.05, y, [unicodedata.normalize("NFC", t) for t in tags])
    lines = format_report(rep).splitlines()
    assert len({_columns(line) for line in lines[:4]}) == 1, lines          # every row as wide as the heading
    with warnings.catch_warnings():
        warnings.simplefilter("error")                                      # a glyph warning would fail here
        confusion_png(np.eye(3, dtype=int), tags, tmp_path / "c.png", "held-out")
    assert (tmp_path / "c.png").stat().st_size > 1000


def test_untagged_lists_the_first_k(library_dir, tmp_path, capsys):
    """QA: -k was ignored by --untagged (thousands of files, no way to limit the list)."""
    from hatbox.cli import main
    db = tmp_path / "lib.db"
    assert main(["tag", str(library_dir), "--pack", str(_picky_pack(tmp_path)), "--out", str(db)]) == 0
    capsys.readouterr()
    assert main(["library", "query", str(db), "--untagged", "-k", "2"]) == 0
    got = capsys.readouterr()                  # the cut on stderr when stdout is not a terminal (p44)
    out = got.out.splitlines()
    assert len([line for line in out if line.startswith("  ")]) == 2
    assert got.err.splitlines()[-1] == "... the first 2 of 5: -k 5 lists them all"


def test_the_laptops_tag_counts_note_the_files_given_no_tag(library_dir, tmp_path, capsys):
    """QA: `library query DB` listed the tag counts alone, though `hatbox tag` had said N files got no tag."""
    from hatbox.cli import main
    db = tmp_path / "lib.db"
    assert main(["tag", str(library_dir), "--pack", str(_picky_pack(tmp_path)), "--out", str(db)]) == 0
    capsys.readouterr()
    rc = main(["library", "query", str(db)])
    out, err = capsys.readouterr()
    assert rc == 0 and "note: 5 files got no tag" in err and "note" not in out

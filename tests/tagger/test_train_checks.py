"""`hatbox train tagger` refuses bad input with a clear error before any long work (QA findings):
tag names, --out, the CSV's encoding, a source that is not training data, macOS leftovers in a tree,
out-of-range options; and it says what it left out (empty tag folders, tags too small to hold out)."""
from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf

pytest.importorskip("torch")

from hatbox.cli import main
from hatbox.errors import DataError, HatboxError
from trainer.tagger.data import Item, load_clip, load_items

from .conftest import hiss, tag_tree, thump


@pytest.fixture
def tree(tmp_path):
    return tag_tree(tmp_path / "data", {"kick": thump, "hat": hiss}, 6)


@pytest.fixture
def no_decoding(monkeypatch):
    """Decoding any audio fails the test: the checks must come first."""
    import trainer.tagger.pipeline as pipeline

    def refuse(*args, **kwargs):
        raise AssertionError("audio was decoded before the check")
    monkeypatch.setattr(pipeline, "decode_clips", refuse)


def _train(*args) -> int:
    return main(["train", "tagger", *map(str, args), "--steps", "2", "--threads", "1"])


# ------------------------------------------------------------------------------------------ tag names
def test_a_tag_folder_name_that_is_not_a_tag_stops_training_before_decoding(tree, tmp_path, capsys, no_decoding):
    sf.write(tree / "hat" / "x.wav", hiss(16000), 16000)
    (tree / "kick, acoustic").mkdir()
    sf.write(tree / "kick, acoustic" / "a.wav", thump(16000), 16000)
    out = tmp_path / "new" / "sub" / "t.hatpack"
    assert _train(tree, "--out", out, "--holdout", "0") == 2
    err = capsys.readouterr().err
    assert "'kick, acoustic'" in err and "folder" in err and "no comma" in err and "internal error" not in err
    assert not out.exists() and not (tmp_path / "new").exists()      # the folders made for --out are gone again


def test_csv_tags_that_are_not_tags_are_named_with_their_lines(tree, tmp_path, capsys, no_decoding):
    (tmp_path / "t.csv").write_text("path,tag\n"
                                    f"{tree}/kick/0.wav,kick/808\n"
                                    f"{tree}/hat/0.wav,hat\n"
                                    f"{tree}/kick/1.wav,kick,..\n")
    assert _train(tmp_path / "t.csv", "--out", tmp_path / "t.hatpack", "--holdout", "0") == 2
    err = capsys.readouterr().err
    assert "'kick/808' (CSV line 2)" in err and "'..' (CSV line 4)" in err and "no comma, quote, slash" in err
    assert "2 tags not allowed" in err
    with pytest.raises(DataError, match="too long|longer than"):
        (tmp_path / "long.csv").write_text(f"{tree}/kick/0.wav,{'k' * 100}\n")
        load_items(tmp_path / "long.csv")


# ------------------------------------------------------------------------------------------ --out
def test_an_out_that_cannot_be_written_stops_before_decoding(tree, tmp_path, capsys, no_decoding):
    (tmp_path / "dir.hatpack").mkdir()
    assert _train(tree, "--out", tmp_path / "dir.hatpack") == 2
    err = capsys.readouterr().err
    assert "dir.hatpack is a folder" in err and "internal error" not in err
    (tmp_path / "plain").write_text("a file, not a folder")
    assert _train(tree, "--out", tmp_path / "plain" / "t.hatpack") == 2
    err = capsys.readouterr().err
    assert "cannot write --out" in err and "internal error" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "dir.hatpack", "plain"]   # no report, no pack


def test_the_report_is_written_after_the_pack_never_without_it(tree, tmp_path, capsys, monkeypatch):
    import trainer.tagger.onnx_export

    def fail(*args, **kwargs):
        raise HatboxError("disk full (simulated)")
    monkeypatch.setattr(trainer.tagger.onnx_export, "export_tagger", fail)
    out = tmp_path / "t.hatpack"
    assert _train(tree, "--out", out, "--holdout", "0.34") == 2
    assert "disk full" in capsys.readouterr().err
    assert not out.exists() and not (tmp_path / "t.hatpack.report.json").exists()
    assert not (tmp_path / "t.hatpack.confusion.png").exists()


# ------------------------------------------------------------------------------------------ sources
def test_a_windows_1252_csv_is_read_with_a_note(tree, tmp_path):
    (tmp_path / "t.csv").write_bytes(f"path,tag\n{tree}/kick/0.wav,kick,d\u00e9j\u00e0\n{tree}/hat/0.wav,hat\n"
                                     .encode("cp1252"))
    items = load_items(tmp_path / "t.csv")
    assert [it.tags for it in items] == [("kick", "d\u00e9j\u00e0"), ("hat",)]
    notes: list[str] = []
    load_items(tmp_path / "t.csv", notes)
    assert len(notes) == 1 and "Windows-1252" in notes[0] and "t.csv" in notes[0]
    (tmp_path / "bom.csv").write_bytes(f"{tree}/kick/0.wav,kick\n".encode("utf-8-sig"))
    notes = []
    assert [it.tags for it in load_items(tmp_path / "bom.csv", notes)] == [("kick",)] and notes == []


@pytest.mark.parametrize("name", ["some.wav", "old.hatpack"])
def test_a_source_that_is_a_file_but_not_a_csv_is_a_clear_error(tree, tmp_path, capsys, name):
    src = tmp_path / name
    src.write_bytes((tree / "kick" / "0.wav").read_bytes())
    with pytest.raises(DataError, match="not a folder or a CSV"):
        load_items(src)
    assert _train(src, "--out", tmp_path / "t.hatpack") == 2
    err = capsys.readouterr().err
    assert "folder of tag folders" in err and "CSV of path,tag" in err and "internal error" not in err


def test_a_binary_file_named_csv_is_a_clear_error(tmp_path):
    (tmp_path / "t.csv").write_bytes(b"PK\x03\x04\x00\x00\xff\xfe" * 10)
    with pytest.raises(DataError, match="not a text CSV"):
        load_items(tmp_path / "t.csv")


def test_one_missing_csv_file_is_one_file(tree, tmp_path):
    (tmp_path / "t.csv").write_text(f"{tree}/kick/0.wav,kick\nnope.wav,hat\n")
    with pytest.raises(DataError, match="1 listed file does not exist: .*nope.wav"):
        load_items(tmp_path / "t.csv")


def test_macos_leftovers_in_a_tree_are_ignored(tree):
    junk = b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        " + bytes(200)     # an AppleDouble header
    (tree / "hat" / "._0.wav").write_bytes(junk)
    (tree / "hat" / ".hidden").mkdir()
    (tree / "hat" / ".hidden" / "x.wav").write_bytes(junk)
    (tree / "kick" / "__MACOSX").mkdir()
    (tree / "kick" / "__MACOSX" / "._1.wav").write_bytes(junk)
    (tree / "__MACOSX" / "kick").mkdir(parents=True)
    (tree / "__MACOSX" / "kick" / "._0.wav").write_bytes(junk)
    items = load_items(tree)
    assert sorted({t for it in items for t in it.tags}) == ["hat", "kick"]
    assert len(items) == 12 and not any(it.path.name.startswith(".") for it in items)


def test_a_lost_tag_is_named_with_its_own_files(tree, tmp_path, capsys):
    for i in range(3):                                            # unreadable files of a tag that survives
        (tree / "hat" / f"0bad{i}.wav").write_bytes(b"not audio")
    (tree / "snare").mkdir()
    (tree / "snare" / "only.wav").write_bytes(b"not audio either")
    assert _train(tree, "--out", tmp_path / "t.hatpack") == 2
    err = capsys.readouterr().err
    assert "no readable audio for tag snare" in err and "only.wav" in err and "0bad" not in err


# ------------------------------------------------------------------------------------------ options
@pytest.mark.parametrize("option,value,words", [("--shots", "-1", "1 or more"), ("--shots", "0", "1 or more"),
                                                ("--holdout", "1.0", "fraction"), ("--holdout", "-0.5", "fraction"),
                                                ("--holdout", "nan", "fraction"), ("--steps", "0", "1 or more"),
                                                ("--minutes", "0", "above 0"), ("--minutes", "-1", "above 0"),
                                                ("--minutes", "inf", "above 0"), ("--threads", "0", "1 or more"),
                                                ("--steps", "ten", "whole number")])
def test_training_options_out_of_range_are_refused_at_parsing(tmp_path, capsys, option, value, words):
    with pytest.raises(SystemExit) as exc:
        main(["train", "tagger", str(tmp_path / "no-such-data"), "--out", str(tmp_path / "t.hatpack"),
              option, value])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert f"argument {option}" in err and words in err and "internal error" not in err


def test_the_pipeline_checks_its_options_too(tree, tmp_path, no_decoding):
    from trainer.tagger.pipeline import train_and_export
    for bad in ({"steps": 0}, {"minutes": -1.0}, {"holdout": 1.0}, {"shots": 0}):
        with pytest.raises(HatboxError):
            train_and_export(tree, tmp_path / "t.hatpack", **bad)


def test_the_holdout_never_takes_all_of_a_tag():
    from pathlib import Path

    from trainer.tagger.pipeline import holdout_split
    items = [Item(Path(f"{t}{i}.wav"), (t,)) for t in ("kick", "hat") for i in range(4)]
    train_items, held = holdout_split(items, 0.95)
    assert sorted(it.tags[0] for it in train_items) == ["hat", "kick"] and len(held) == 6


# ------------------------------------------------------------------------------------------ what it says
def test_empty_tag_folders_and_tags_too_small_to_hold_out_are_named(tmp_path, capsys):
    tree = tag_tree(tmp_path / "data", {"kick": thump, "hat": hiss}, 3)
    (tree / "snare").mkdir()
    (tree / "tom").mkdir()
    (tree / "tom" / "readme.txt").write_text("toms go here")
    out = tmp_path / "t.hatpack"
    assert _train(tree, "--out", out) == 0
    said = capsys.readouterr()
    text = said.out + said.err              # warnings on stderr, the summary on stdout (p44)
    assert f"tag folder {tree / 'snare'} holds no audio files" in said.err
    assert f"tag folder {tree / 'tom'} holds no audio files (only 1 other file)" in text
    assert "no held-out report" in text and "fewer than 4" in text and "hat (3)" in text
    assert out.is_file() and not (tmp_path / "t.hatpack.report.json").exists()


def test_only_the_head_of_a_long_training_file_is_decoded(tmp_path):
    rate = 8000
    x = np.zeros(rate * 40, np.float32)
    x[400:400 + rate // 2] = thump(rate)
    x[rate * 35:rate * 35 + 10] = np.nan                    # damage far past the one second a clip uses
    sf.write(tmp_path / "long.wav", x, rate, subtype="FLOAT")
    clip = load_clip(tmp_path / "long.wav", 16000, 8000)
    sf.write(tmp_path / "short.wav", x[:rate * 2], rate, subtype="FLOAT")
    np.testing.assert_allclose(clip, load_clip(tmp_path / "short.wav", 16000, 8000), atol=1e-6)

"""A hands-on QA pass of the laptop tagger (twenty-third stop): one correction with two tags no longer silently
makes the retrained tagger multi-label (a warning names the file, and the summary says which kind it is); the
library commands take the library folder for its database; `library export` names each file it leaves out and
why; a file that does not decode is named once; `--like` with a mistyped file says there is none; `--json` works
with every listing; the budget warning says how many minutes all steps would take."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import soundfile as sf

from device import library
from hatbox.cli import main
from trainer.tagger import pipeline
from trainer.tagger.data import Item, mixed_tags_warning

from .conftest import hiss, tag_tree, thump


def _items(several: int, one: int) -> list[Item]:
    return ([Item(Path(f"/s/two{i}.wav"), ("hihat", "open-hat")) for i in range(several)] +
            [Item(Path(f"/s/one{i}.wav"), ("kick",)) for i in range(one)])


def test_a_few_files_with_several_tags_are_warned_of() -> None:
    said = mixed_tags_warning(_items(1, 30))
    assert said.startswith("warning: 1 file carries several tags (/s/two0.wav: hihat, open-hat) and the other 30 one")
    assert "any number of tags per file" in said and "give that file one (hatbox library fix" in said
    assert "give those files one" in mixed_tags_warning(_items(4, 30)) and "; and 1 more" in mixed_tags_warning(
        _items(4, 30))
    assert mixed_tags_warning(_items(0, 30)) == ""                  # one tag each: a one-tag tagger, nothing to say
    assert mixed_tags_warning(_items(10, 30)) == ""                 # a quarter or more: multi-label is meant


def test_training_says_so_before_and_after_and_names_the_kind(tmp_path: Path, capsys) -> None:
    tree = tag_tree(tmp_path / "tags", {"kick": thump, "hat": hiss}, 6)
    fixes = tmp_path / "fixes.csv"
    first = sorted((tree / "kick").iterdir())[0]
    with fixes.open("w", newline="") as fh:
        csv.writer(fh).writerows([["path", "tags"], [str(first), "kick", "boom"]])
    text = pipeline.train_and_export([tree, fixes], tmp_path / "t.hatpack", steps=1, holdout=0, threads=1)
    err = capsys.readouterr().err
    assert "warning: 1 file carries several tags" in err and "warning: 1 file carries several tags" in text
    assert "(any number of tags per file: a yes or no per tag)" in text
    one = pipeline.train_and_export(tree, tmp_path / "u.hatpack", steps=1, holdout=0, threads=1)
    assert "(one tag per file)" in one and "several tags" not in capsys.readouterr().err


def test_a_budget_that_runs_out_says_how_long_all_steps_would_take(tmp_path: Path) -> None:
    tree = tag_tree(tmp_path / "tags", {"kick": thump, "hat": hiss}, 4)
    text = pipeline.train_and_export(tree, tmp_path / "t.hatpack", steps=100000, minutes=0.01, holdout=0, threads=1)
    assert "warning: the 0.01-minute budget ran out after " in text and "would take about " in text
    assert "busy or slow machine" not in text and "(--minutes " in text


def _tagged(library_dir: Path, small_pack: Path, capsys) -> Path:
    assert main(["tag", str(library_dir), "--pack", str(small_pack)]) == 0     # the database inside the folder
    capsys.readouterr()
    return library_dir / ".hatbox-tags.sqlite"


def test_the_library_folder_stands_for_its_database(library_dir, small_pack, tmp_path: Path, capsys) -> None:
    db = _tagged(library_dir, small_pack, capsys)
    assert main(["library", "query", str(library_dir)]) == 0
    assert capsys.readouterr().out == (main(["library", "query", str(db)]) == 0 and capsys.readouterr().out)
    assert main(["library", "fix", str(library_dir), "kicks/k1.wav", "hat"]) == 0
    assert library.corrected_tags(db, "kicks/k1.wav") == ["hat"]
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["library", "query", str(empty)]) == 2
    err = capsys.readouterr().err
    assert "holds no library database" in err and "Traceback" not in err


def test_export_names_each_file_it_leaves_out(library_dir, small_pack, tmp_path: Path, capsys) -> None:
    db = _tagged(library_dir, small_pack, capsys)
    assert main(["library", "fix", str(db), "hats/broken.wav", "hat"]) == 0
    sf.write(library_dir / "quiet.wav", 0 * hiss(48000), 48000)
    assert main(["tag", str(library_dir), "--pack", str(small_pack)]) == 0
    assert main(["library", "fix", str(db), "quiet.wav", "kick"]) == 0
    capsys.readouterr()
    assert main(["library", "export", str(db), "--out", str(tmp_path / "c.csv")]) == 0
    out = capsys.readouterr().out
    assert "2 corrected files left out (no use as training data):" in out
    assert f"{library_dir.resolve()}/hats/broken.wav: does not decode: WAV file has no data chunk" in out
    assert f"{library_dir.resolve()}/quiet.wav: skipped: silent" in out


def test_a_broken_file_is_named_once_and_failed_lists_read_right(library_dir, small_pack, capsys) -> None:
    assert main(["tag", str(library_dir), "--pack", str(small_pack)]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if "broken.wav" in x)
    assert line.count("broken.wav") == 1
    assert main(["library", "query", str(library_dir), "--failed"]) == 0
    out = capsys.readouterr().out
    assert "failed (1: did not decode; tried again on the next run):" in out


def test_like_with_a_file_that_is_not_there_says_so(library_dir, small_pack, tmp_path: Path, capsys) -> None:
    db = _tagged(library_dir, small_pack, capsys)
    assert main(["library", "query", str(db), "--like", str(tmp_path / "nosuch.wav")]) == 2
    err = capsys.readouterr().err
    assert "no audio file at" in err and "embed" not in err
    other = tmp_path / "elsewhere.wav"
    sf.write(other, thump(44100), 44100)
    assert main(["library", "query", str(db), "--like", str(other)]) == 2
    assert "give the tagger pack the library was tagged with: --pack" in capsys.readouterr().err


def test_json_goes_with_every_listing(library_dir, small_pack, capsys) -> None:
    db = _tagged(library_dir, small_pack, capsys)
    tag = next(iter(library.list_tags(db)))
    for extra in (["--tag", tag], ["--unsure"], ["--failed"], ["--like", "kicks/k1.wav"], []):
        assert main(["library", "query", str(db), "--json", *extra]) == 0
        body = json.loads(capsys.readouterr().out)          # was: the text table, for all but the counts
        assert body or extra == ["--tag", tag]
    assert main(["library", "query", str(db), "--failed", "--json"]) == 0
    failed = json.loads(capsys.readouterr().out)
    assert [f["path"].rsplit("/", 1)[-1] for f in failed["failed"]] == ["broken.wav"]
    assert main(["library", "query", str(db), "--unsure", "--json"]) == 0
    assert {"path", "margin", "guesses"} <= set(json.loads(capsys.readouterr().out)[0])


def test_a_path_the_library_does_not_hold_gets_a_did_you_mean(library_dir, small_pack, tmp_path: Path,
                                                               capsys) -> None:
    db = _tagged(library_dir, small_pack, capsys)
    for given, meant in (("kicks/K1.WAV", "kicks/k1.wav"), ("lib/kicks/k1.wav", "kicks/k1.wav"),
                         ("k2.flac", "kicks/k2.flac")):
        assert main(["library", "fix", str(db), given, "hat"]) == 2
        err = capsys.readouterr().err
        assert f"is not a file of this library; did you mean {meant}?" in err, err
    assert main(["library", "fix", str(db), "kicks/nosuch.wav", "hat"]) == 2
    assert "did you mean" not in capsys.readouterr().err
    assert library.corrected_tags(db, "kicks/k1.wav") == []             # nothing written by any of them


def test_unsure_says_or_only_for_a_one_tag_tagger(library_dir, tmp_path: Path, capsys) -> None:
    factory = Path(__file__).resolve().parents[2] / "factory" / "tagger-drums.hatpack"      # one tag per file
    db = tmp_path / "f.db"
    assert main(["tag", str(library_dir), "--pack", str(factory), "--out", str(db)]) == 0
    capsys.readouterr()
    assert main(["library", "query", str(db), "--unsure", "-k", "3"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines and all(" or " in line for line in lines)
    for line in lines:                                   # the higher guess first
        first, second = (float(g.split()[-1]) for g in line.split("  ")[1].strip().split(" or "))
        assert first >= second

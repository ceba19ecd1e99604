"""`hatbox train tagger` as a producer meets it on a laptop (QA findings, p21): Ctrl-C says in one line what became
of the pack; `--out=~/...` is the home folder; a CSV made on Windows or with its own header names; a CSV's missing
files named with their lines; a tag too small to hold out shown as such; the report JSON lists the skipped files."""
from __future__ import annotations

import json

import numpy as np
import pytest
import soundfile as sf

pytest.importorskip("torch")

from hatbox.cli import main
from hatbox.errors import DataError
from trainer.tagger.data import load_items
from trainer.tagger.report import evaluate, format_report

from .conftest import hiss, tag_tree, thump


@pytest.fixture
def tree(tmp_path):
    return tag_tree(tmp_path / "data", {"kick": thump, "hat": hiss}, 6)


def _train(*args) -> int:
    return main(["train", "tagger", *map(str, args), "--steps", "1", "--threads", "1"])


# ------------------------------------------------------------------------------------------ Ctrl-C
def _interrupt_training(monkeypatch) -> None:
    """Training is stopped by Ctrl-C with its progress bar open, as in the real loop."""
    import trainer.tagger.pipeline as pipeline
    from tqdm import tqdm

    def ctrl_c(*args, **kwargs):
        bar = tqdm(total=10, desc="training tagger")
        bar.update(3)
        raise KeyboardInterrupt
    monkeypatch.setattr(pipeline, "train", ctrl_c)


def test_ctrl_c_while_training_writes_nothing_and_says_so_in_one_line(tree, tmp_path, capsys, monkeypatch):
    from tqdm import tqdm
    _interrupt_training(monkeypatch)
    out = tmp_path / "t.hatpack"
    assert _train(tree, "--out", out) == 130
    err = capsys.readouterr().err
    assert "hatbox: interrupted: nothing written" in err
    assert err.rstrip("\n").split("\r")[-1].startswith("hatbox: interrupted")      # on a line of its own
    assert not out.exists() and list(tmp_path.glob("*.hatpack*")) == []
    assert not list(getattr(tqdm, "_instances", ()))                   # no bar left to redraw after the line


def test_ctrl_c_while_training_leaves_an_existing_pack_as_it_was(tree, tmp_path, capsys, monkeypatch):
    out = tmp_path / "t.hatpack"
    out.write_bytes(b"the last good pack")
    _interrupt_training(monkeypatch)
    assert _train(tree, "--out", out) == 130
    assert "nothing written" in capsys.readouterr().err and out.read_bytes() == b"the last good pack"


def test_ctrl_c_after_the_pack_is_written_says_it_is_there(tree, tmp_path, capsys, monkeypatch):
    import trainer.tagger.pipeline as pipeline

    def ctrl_c(*args, **kwargs):
        raise KeyboardInterrupt
    monkeypatch.setattr(pipeline, "_write_report", ctrl_c)
    out = tmp_path / "t.hatpack"
    assert _train(tree, "--out", out) == 130
    err = capsys.readouterr().err
    assert f"interrupted after {out} was written: the new pack stays" in err and out.is_file()


# ------------------------------------------------------------------------------------------ --out=~/...
def test_a_tilde_no_shell_expanded_is_the_home_folder(tree, tmp_path, monkeypatch):
    home, cwd = tmp_path / "home", tmp_path / "cwd"
    home.mkdir(), cwd.mkdir()
    tree.rename(home / "my-tags")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(cwd)
    assert main(["train", "tagger", "~/my-tags", "--out=~/packs/t.hatpack", "--steps", "1", "--threads", "1"]) == 0
    assert (home / "packs" / "t.hatpack").is_file()
    assert list(cwd.iterdir()) == []                       # no folder named "~" where the command ran


# ------------------------------------------------------------------------------------------ CSV
def test_a_csv_made_on_windows_with_backslashes_finds_its_files(tree, tmp_path):
    lists = tmp_path / "lists"
    lists.mkdir()
    csv = lists / "t.csv"
    csv.write_text("..\\data\\kick\\0.wav,kick\r\n..\\data\\hat\\0.wav,hat\r\n")
    items = load_items(csv)
    assert [(it.path.resolve(), it.tags) for it in items] == [((tree / "kick" / "0.wav").resolve(), ("kick",)),
                                                              ((tree / "hat" / "0.wav").resolve(), ("hat",))]


@pytest.mark.parametrize("header", ["file,label", "Sample,Category", "filename , tags"])
def test_a_csv_header_of_other_names_is_read_as_the_header_with_a_note(tree, tmp_path, header):
    csv = tmp_path / "t.csv"
    csv.write_text(f"{header}\ndata/kick/0.wav,kick\ndata/hat/0.wav,hat\n")
    notes: list[str] = []
    items = load_items(csv, notes)
    assert [it.tags for it in items] == [("kick",), ("hat",)]
    assert any("line 1" in n and "read as the header" in n for n in notes)


def test_a_first_row_naming_a_missing_audio_file_is_no_header(tree, tmp_path):
    csv = tmp_path / "t.csv"
    csv.write_text("data/kick/gone.wav,kick\ndata/hat/0.wav,hat\n")
    with pytest.raises(DataError, match=r"1 listed file does not exist: .*gone\.wav \(line 1\)"):
        load_items(csv)


def test_a_csvs_missing_files_are_named_with_their_lines(tree, tmp_path):
    lists = tmp_path / "lists"
    lists.mkdir()
    csv = lists / "t.csv"
    csv.write_text("../data/kick/0.wav,kick\n../data/kick,kick\nC:\\Samples\\hat.wav,hat\n")
    with pytest.raises(DataError) as err:
        load_items(csv)
    text = str(err.value)
    assert "2 listed files do not exist" in text and "(line 2, a folder)" in text and "(line 3)" in text
    assert f"relative path starts at the CSV's folder ({lists})" in text and "Windows path" in text


# ------------------------------------------------------------------------------------------ report
def test_a_tag_with_nothing_held_out_shows_dashes_not_zeros():
    probs = np.array([[0.9, 0.1, 0.0], [0.2, 0.7, 0.1]])
    truth = np.array([[1, 0, 0], [0, 1, 0]], np.float32)
    text = format_report(evaluate(probs, truth, ["hat", "kick", "snare"]))
    snare = next(line for line in text.splitlines() if line.startswith("snare"))
    assert snare.split() == ["snare", "-", "-", "-", "0", "none", "held", "out"]
    wrong = format_report(evaluate(np.array([[0.1, 0.1, 0.8], [0.2, 0.7, 0.1]]), truth, ["hat", "kick", "snare"]))
    line = next(line for line in wrong.splitlines() if line.startswith("snare"))
    assert line.split()[:4] == ["snare", "0.000", "-", "-"]  # given to a sample: its precision means something
    assert line.endswith("none held out (it called 1 held-out file snare, wrongly)")     # why it is 0


def test_the_report_json_lists_the_files_training_left_out(tree, tmp_path):
    (tree / "kick" / "broken.wav").write_bytes(b"RIFFjunk")
    sf.write(tree / "hat" / "blank.wav", np.zeros(4000, np.float32), 16000)
    out = tmp_path / "t.hatpack"
    assert _train(tree, "--out", out) == 0
    left = json.loads((tmp_path / "t.hatpack.report.json").read_text())["left_out"]
    assert {(entry["path"].rsplit("/", 1)[-1], entry["kind"]) for entry in left} == \
        {("broken.wav", "unreadable"), ("blank.wav", "silent")}
    assert all(entry["why"] for entry in left)

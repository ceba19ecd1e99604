"""`hatbox train tagger` and what cannot be read (p34 QA): one file that cannot be opened (no permission) is
skipped and named, not an internal error; a tag folder that cannot be opened is said to be so, not "holds no
audio files"; a link to nothing in a tag folder is named among the skipped files, not dropped without a word.
The tests run as root in CI, where permissions do not hold: the refusing OS call is replaced instead."""
from __future__ import annotations

import builtins
import errno
import os
from pathlib import Path

import pytest

pytest.importorskip("torch")

from hatbox.cli import main
from hatbox.errors import DataError
from trainer.tagger.data import load_items

from .conftest import hiss, tag_tree, thump


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    return tag_tree(tmp_path / "data", {"kick": thump, "hat": hiss}, 5)


def _train(tree: Path, out: Path) -> int:
    return main(["train", "tagger", str(tree), "--out", str(out), "--steps", "2", "--threads", "1"])


def _denied(path: Path) -> PermissionError:
    return PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))


def test_a_file_that_cannot_be_opened_is_skipped_and_named(tree, tmp_path, monkeypatch, capsys):
    locked = tree / "kick" / "0.wav"
    real_open = builtins.open

    def refusing_open(file, *args, **kwargs):
        if isinstance(file, (str, os.PathLike)) and Path(file).resolve() == locked.resolve():
            raise _denied(locked)
        return real_open(file, *args, **kwargs)
    monkeypatch.setattr(builtins, "open", refusing_open)
    assert _train(tree, tmp_path / "t.hatpack") == 0
    out, err = capsys.readouterr()
    assert "internal error" not in err
    assert "skipped 1 unreadable file:" in out
    assert f"{locked.resolve()}: cannot be opened (permission denied)" in out
    assert "trained on" in out and (tmp_path / "t.hatpack").is_file()


def _refusing_scandir(monkeypatch, folder: Path) -> None:
    """os.scandir and os.listdir refuse ``folder`` as they do a folder without read permission."""
    for name in ("scandir", "listdir"):
        monkeypatch.setattr(os, name, _refusing(getattr(os, name), folder))


def _refusing(real, folder: Path):
    """``real`` (os.scandir or os.listdir), raising PermissionError for ``folder``."""
    def call(path=".", *args):
        if Path(os.fsdecode(path)).resolve() == folder.resolve():
            raise _denied(Path(os.fsdecode(path)))
        return real(path, *args)
    return call


def test_a_tag_folder_that_cannot_be_opened_is_said_to_be_so(tree, monkeypatch):
    tag_tree(tree, {"cowbell": thump}, 2)
    _refusing_scandir(monkeypatch, tree / "cowbell")
    notes: list[str] = []
    items = load_items(tree, notes)
    assert {t for it in items for t in it.tags} == {"kick", "hat"}
    said = "\n".join(notes)
    assert f"tag folder {tree / 'cowbell'} cannot be opened (permission denied)" in said
    assert "holds no audio files" not in said


def test_a_folder_inside_a_tag_folder_that_cannot_be_opened_is_named(tree, monkeypatch):
    tag_tree(tree / "kick", {"acoustic": thump}, 2)
    _refusing_scandir(monkeypatch, tree / "kick" / "acoustic")
    notes: list[str] = []
    items = load_items(tree, notes)
    assert sum(1 for it in items if it.tags == ("kick",)) == 5          # the readable ones are kept
    assert any(f"folder {tree / 'kick' / 'acoustic'} cannot be opened (permission denied): its files are left "
               "out of tag 'kick'" in n for n in notes)


def test_a_training_folder_that_cannot_be_opened_is_a_plain_error(tree, monkeypatch):
    _refusing_scandir(monkeypatch, tree)
    with pytest.raises(DataError, match="cannot read the training folder .*: permission denied"):
        load_items(tree)


def test_a_link_to_nothing_in_a_tag_folder_is_named_among_the_skipped(tree, tmp_path, capsys):
    link = tree / "kick" / "BD_99.wav"
    link.symlink_to(tmp_path / "unplugged" / "BD_99.wav")
    assert _train(tree, tmp_path / "t.hatpack") == 0
    out = capsys.readouterr().out
    assert "skipped 1 unreadable file:" in out
    assert f"{link.absolute()}: a link to nothing ({tmp_path / 'unplugged' / 'BD_99.wav'} is not there" in out


def test_a_tag_of_only_links_to_nothing_stops_training_naming_them(tree, tmp_path, capsys):
    (tree / "tom").mkdir()
    (tree / "tom" / "T1.wav").symlink_to(tmp_path / "gone.wav")
    assert _train(tree, tmp_path / "t.hatpack") == 2                 # a data error, not an internal one
    err = capsys.readouterr().err
    assert "no readable audio for tag tom" in err and "T1.wav: a link to nothing" in err
    assert "internal error" not in err and not (tmp_path / "t.hatpack").exists()

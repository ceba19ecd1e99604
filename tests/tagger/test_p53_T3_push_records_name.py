"""p53 QA T3 #1 (handover): push-library records the library's name on the box in pushed.json (``name``), and
`library export` of the folder's tag database gives the command that brings the box's corrections back by that name
(a library pushed as `Samples` from local folder `lib`: before, the note said `box-library lib`)."""
from __future__ import annotations

import json
import os
import shlex
import shutil
import time
from pathlib import Path

from hatbox.cli import main
from hatbox.library_memory import memory_path, remember
from tests.tagger.conftest import box_with_kicks


def _settled(folder: Path) -> None:
    """``folder``'s files as if copied in a minute ago: a push remembers a folder none of whose files is newer than
    hatbox.library_memory.RACY_S (else it may or may not, as the push took more or less time)."""
    past = time.time() - 60
    for f in folder.rglob("*"):
        os.utime(f, (past, past))


def test_remember_keeps_the_name_given(tmp_path, monkeypatch):
    monkeypatch.setenv("HATBOX_CONFIG", str(tmp_path / "cfg" / "remote.json"))
    folder = tmp_path / "lib"
    folder.mkdir()
    remember(folder, "fp", "ab" * 32, [], {}, name="Samples")
    remember(tmp_path, "fp2", "cd" * 32, [], {})
    kept = json.loads(memory_path().read_text())
    assert kept[str(folder.resolve())]["name"] == "Samples" and "name" not in kept[str(tmp_path.resolve())]


def test_a_push_under_another_name_is_the_name_library_export_gives(library_dir, small_pack, tmp_path, monkeypatch,
                                                                   capsys):
    lib = tmp_path / "work" / "lib"
    shutil.copytree(library_dir / "kicks", lib)
    shutil.copy(lib / "k1.wav", lib / "k4.wav")                     # other files than the box's "kicks"
    with box_with_kicks(library_dir, small_pack, tmp_path, monkeypatch):
        monkeypatch.chdir(lib.parent)
        assert main(["tag", "lib", "--pack", str(small_pack)]) == 0
        assert main(["library", "fix", "lib/.hatbox-tags.sqlite", "k1.wav", "punchy"]) == 0
        _settled(lib)
        assert main(["push-library", "lib", "--name", "Samples", "--wait", "--quiet"]) == 0
        capsys.readouterr()
        assert main(["library", "export", "lib/.hatbox-tags.sqlite", "--out", "fixes.csv"]) == 0
        out = capsys.readouterr().out
        command = "hatbox box-library Samples --export-fixes box-fixes.csv --folder lib"
        assert f"`{command}` writes them" in out, out
        assert main(shlex.split(command)[1:]) == 0                   # as printed: the box's corrections, here
        said = capsys.readouterr()
        assert "not under" not in said.err and "1 corrected file -> box-fixes.csv" in said.out, said
        assert (lib.parent / "box-fixes.csv").read_text().splitlines()[-1] == "lib/k1.wav,punchy"


def test_files_the_box_holds_under_another_name_are_exported_by_that_name(library_dir, small_pack, tmp_path,
                                                                           monkeypatch, capsys):
    lib = tmp_path / "work" / "lib"
    _settled(library_dir / "kicks")
    shutil.copytree(library_dir / "kicks", lib)                      # the very files the box holds as "kicks"
    with box_with_kicks(library_dir, small_pack, tmp_path, monkeypatch):
        monkeypatch.chdir(lib.parent)
        assert main(["tag", "lib", "--pack", str(small_pack)]) == 0
        capsys.readouterr()
        assert main(["push-library", "lib", "--name", "Samples", "--quiet"]) == 0
        assert "these files are on the box as library" in capsys.readouterr().err     # not renamed: still "kicks"
        assert main(["library", "export", "lib/.hatbox-tags.sqlite", "--out", "fixes.csv"]) == 0
        assert "`hatbox box-library kicks --export-fixes box-fixes.csv --folder lib` writes them" in \
            capsys.readouterr().out

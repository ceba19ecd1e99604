"""p50 FF (drive and newcomer QA): an empty library folder (a drive not plugged in, its mount point left) never empties
a --links folder and exits non-zero saying so; a broken link inside the library is named as one pointing outside is;
the long files of a tagging are split into loop-length ones and long recordings."""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from device.library.links import links_to_nothing
from device.library.long_files import long_files_line
from device.library.scan import audio_files
from device.library.tag import tag_library
from hatbox.cli import main
from tests.api.packs import tagger_pack


def _tone(path: Path, seconds: float = 0.2, rate: int = 16000) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    t = np.arange(int(seconds * rate)) / rate
    sf.write(path, (0.4 * np.sin(2 * np.pi * 220 * t)).astype(np.float32), rate)


def _links(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_symlink())


def test_an_unplugged_drive_leaves_the_links_folder_as_it_was(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    lib, links = tmp_path / "Vol" / "LIB", tmp_path / "by-tag"
    _tone(lib / "kick.wav")
    _tone(lib / "kit" / "b.wav", 0.3)
    pack = tagger_pack(tmp_path / "t.hatpack")
    argv = ["tag", str(lib), "--pack", str(pack), "--links", str(links)]
    assert main(argv) == 0                               # the default database: in the library folder
    made = _links(links)
    assert len(made) == 2
    lib.rename(tmp_path / "away")                        # the drive unplugged: an empty mount point left
    lib.mkdir()
    capsys.readouterr()
    assert main(argv) == 2
    got = capsys.readouterr()
    assert (f"the library folder is empty (a drive not plugged in?): the links in {links} were left as they are "
            "(2 links to files that are not there)") in got.err
    assert _links(links) == made                         # before: every link removed, exit 0
    assert list(lib.iterdir()) == []                     # no database written on the mount point
    (tmp_path / "away").rename(tmp_path / "back")
    lib.rmdir()
    (tmp_path / "back").rename(lib)                      # plugged in again: the same command as before
    assert main(argv) == 0 and _links(links) == made


def test_an_empty_library_with_an_empty_links_folder_is_only_a_note(tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "lib").mkdir()
    (tmp_path / "links").mkdir()
    argv = ["tag", str(tmp_path / "lib"), "--pack", str(tagger_pack(tmp_path / "t.hatpack")), "--links",
            str(tmp_path / "links")]
    assert main(argv) == 0
    assert "no audio files under" in capsys.readouterr().out
    assert links_to_nothing(tmp_path / "links", tmp_path / "lib") == 0
    assert links_to_nothing(tmp_path / "none", tmp_path / "lib") == 0


def test_the_device_run_keeps_the_links_of_an_empty_library(tmp_path: Path) -> None:
    lib, links = tmp_path / "lib", tmp_path / "links"
    _tone(lib / "a.wav")
    pack = tagger_pack(tmp_path / "t.hatpack")
    assert tag_library(lib, pack, tmp_path / "one.db", links_dir=links).links == 1
    (lib / "a.wav").unlink()
    report = tag_library(lib, pack, tmp_path / "two.db", links_dir=links)   # a new database: nothing refuses it
    assert (report.total, report.links, report.links_left) == (0, 0, 1)
    assert len(_links(links)) == 1


def test_a_broken_link_inside_the_library_is_named_as_one_pointing_outside(tmp_path: Path,
                                                                            capsys: pytest.CaptureFixture[str]) -> None:
    lib = tmp_path / "lib"
    _tone(lib / "Drums" / "kick.wav")
    _tone(lib / "Drums" / "kick2.wav")
    (lib / "Favourites").mkdir()
    os.symlink("../Drums/kick2.wav", lib / "Favourites" / "kick2.wav")
    os.symlink("../Drums/kick.wav", lib / "Favourites" / "kick.wav")        # a good link inside: the file once
    (lib / "Drums" / "kick2.wav").unlink()
    os.symlink(tmp_path / "nowhere" / "x.wav", lib / "Favourites" / "abs-gone.wav")
    listed = [p.relative_to(lib).as_posix() for p in audio_files(lib)]
    assert listed == ["Drums/kick.wav", "Favourites/abs-gone.wav", "Favourites/kick2.wav"]
    assert main(["tag", str(lib), "--pack", str(tagger_pack(tmp_path / "t.hatpack"))]) == 0
    out = capsys.readouterr().out
    assert "failed Favourites/kick2.wav: broken link (what it points at does not exist)" in out
    assert "failed Favourites/abs-gone.wav: broken link (what it points at does not exist)" in out
    assert main(["library", "query", str(lib), "--failed"]) == 0
    failed = capsys.readouterr().out
    assert "Favourites/kick2.wav\tbroken link" in failed and "Favourites/abs-gone.wav\tbroken link" in failed


def test_a_link_loop_stays_unlisted(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    _tone(lib / "a.wav")
    os.symlink("loop.wav", lib / "loop.wav")
    assert [p.name for p in audio_files(lib)] == ["a.wav"]


def test_long_files_are_split_into_loop_length_and_long_recordings(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    for i in range(2):
        _tone(lib / f"hit{i}.wav", 0.1, 8000)
    _tone(lib / "loop.wav", 4.0, 8000)
    _tone(lib / "field.wav", 61.0, 8000)
    report = tag_library(lib, tagger_pack(tmp_path / "t.hatpack", clip=8000), tmp_path / "tags.db")
    assert (report.tagged, report.long_files, report.long_takes) == (4, 2, 1)
    assert long_files_line(report) == (
        "2 of 4 files tagged are over 1 s, longer than the 0.5 s this tagger hears: 1 under 30 s (loops?), 1 of "
        "60 s or more (long recordings: field recordings, takes?): their tags come from their first 0.5 s (from "
        "their first sound)")
    box = {"tagged": 114, "long_files": 26, "clip_seconds": 1.0}
    assert "(loops or long takes?)" in long_files_line(box)            # a box from before the count
    assert "(long recordings of 60 s or more: field recordings, takes?)" in long_files_line({**box, "long_takes": 26})
    assert "hears (loops?): " in long_files_line({**box, "long_takes": 0})

"""p50 M6 (review of FF's tagging change): a library that only links in a sample drive, unplugged, rebuilds its links
from the rows it kept (exit 0, as before FF); a library folder holding only other files "holds no audio files"; a run
where no file can be read keeps the links folder as it was and says so; a links folder without its list counts only
links named after library files; long recordings are counted only of the long files, and 30-59 s files are "loops or
takes"."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from device.library.links import links_to_nothing, runs_links
from device.library.long_files import long_files_line
from device.library.tag import LibraryReport, _count_long, tag_library
from hatbox.cli import main
from tests.api.packs import tagger_pack
from tests.library.test_p50_ff_tagging import _links, _tone


def test_a_library_linking_an_unplugged_drive_rebuilds_its_links_from_the_kept_rows(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    drive = tmp_path / "Vol" / "Samples"
    _tone(drive / "a.wav")
    _tone(drive / "b.wav", 0.3)
    lib, links = tmp_path / "Samples", tmp_path / "by-tag"
    lib.mkdir()
    os.symlink(drive, lib / "Drive")                 # ~/Samples/Drive -> /Volumes/X/Samples
    argv = ["tag", str(lib), "--pack", str(tagger_pack(tmp_path / "t.hatpack")), "--links", str(links)]
    assert main(argv) == 0
    made = _links(links)
    assert len(made) == 2
    (tmp_path / "Vol").rename(tmp_path / "away")     # the drive unplugged
    capsys.readouterr()
    assert main(argv) == 0                           # FF: exit 2 "the library folder is empty"
    got = capsys.readouterr()
    assert "failed Drive/: cannot open the folder (a link to nothing: a drive not plugged in?)" in got.out
    assert "no audio files under" not in got.out and "is empty" not in got.err
    assert "2 links -> " in got.out and _links(links) == made


def test_a_library_folder_of_other_files_holds_no_audio_files(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    lib, links = tmp_path / "LIB", tmp_path / "links"
    _tone(lib / "a.wav")
    argv = ["tag", str(lib), "--pack", str(tagger_pack(tmp_path / "t.hatpack")), "--links", str(links)]
    assert main(argv) == 0
    lib.rename(tmp_path / "away")
    lib.mkdir()
    (lib / "readme.txt").write_text("hi")            # the mount point holds a file of its own
    capsys.readouterr()
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "the library folder holds no audio files (a drive not plugged in?): the links in" in err
    assert "is empty" not in err and len(_links(links)) == 1


@pytest.mark.parametrize("stub", [b"RIFF", b""])       # a file cut short, an online-only placeholder
def test_a_run_that_reads_no_file_keeps_the_links(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                  stub: bytes) -> None:
    lib, links = tmp_path / "LIB", tmp_path / "links"
    for name in ("a.wav", "b.wav"):
        _tone(lib / name)
    pack = tagger_pack(tmp_path / "t.hatpack")
    argv = ["tag", str(lib), "--pack", str(pack), "--links", str(links), "--out", str(tmp_path / "one.db")]
    assert main(argv) == 0
    made = _links(links)
    assert len(made) == 2
    for name in ("a.wav", "b.wav"):
        (lib / name).write_bytes(stub)
    capsys.readouterr()
    assert main(argv) == 2                           # FF: exit 0 and the links folder emptied
    got = capsys.readouterr()
    assert "  failed a.wav: " in got.out
    assert (f"no file of the library could be read (all 2 files failed, above): the links in {links} were left as "
            "they are (2 links)") in got.err
    assert _links(links) == made
    report = tag_library(lib, pack, tmp_path / "two.db", links_dir=links)      # the box's run alike
    assert (report.failed_files, report.links, report.links_unread) == (2, 0, 2) and _links(links) == made


def test_one_file_read_of_many_failing_rebuilds_the_links(tmp_path: Path) -> None:
    lib, links = tmp_path / "LIB", tmp_path / "links"
    for name in ("a.wav", "b.wav"):
        _tone(lib / name)
    pack = tagger_pack(tmp_path / "t.hatpack")
    assert tag_library(lib, pack, tmp_path / "one.db", links_dir=links).links == 2
    (lib / "a.wav").write_bytes(b"RIFF")
    report = tag_library(lib, pack, tmp_path / "one.db", links_dir=links)
    assert (report.failed_files, report.unchanged, report.links_unread, report.links) == (1, 1, 0, 1)


def test_a_links_folder_without_its_list_counts_only_the_runs_links(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    lib, links = tmp_path / "LIB", tmp_path / "links"
    lib.mkdir()
    (links / "mine").mkdir(parents=True)
    os.symlink(tmp_path / "nowhere.wav", links / "mine" / "x.wav")             # the producer's own, dangling
    os.symlink(lib / "kit" / "k.wav", links / "mine" / "kit__k.wav")           # a run's (no list: from before it)
    os.symlink(tmp_path / "elsewhere" / "s.wav", links / "mine" / "kit__s.wav")   # named after a library file
    assert links_to_nothing(links, lib) == 1
    assert sorted(p.name for p in runs_links(links, lib, frozenset({"kit__s.wav"}))) == ["kit__k.wav", "kit__s.wav"]
    assert links_to_nothing(links, lib, frozenset({"kit__s.wav"})) == 2
    os.unlink(links / "mine" / "kit__k.wav")
    argv = ["tag", str(lib), "--pack", str(tagger_pack(tmp_path / "t.hatpack")), "--links", str(links)]
    assert main(argv) == 0                           # FF: exit 2 over the producer's own link
    assert "no audio files under" in capsys.readouterr().out
    assert len(_links(links)) == 2


def test_long_recordings_are_counted_of_the_long_files_only() -> None:
    report = LibraryReport(clip_seconds=40.0)        # a tagger hearing 40 s: a 61 s file is not much longer
    _count_long(report, 61 * 8000, 8000)
    assert (report.long_files, report.long_takes, report.long_mid) == (0, 0, 0)
    report = LibraryReport(clip_seconds=1.0)
    for seconds in (4, 30, 59.5, 60, 61):
        _count_long(report, int(seconds * 8000), 8000)
    assert (report.long_files, report.long_takes, report.long_mid) == (5, 2, 2)


def test_half_minute_files_are_loops_or_takes(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    for i in range(2):
        _tone(lib / f"hit{i}.wav", 0.1, 8000)
    _tone(lib / "field.wav", 45.0, 8000)
    _tone(lib / "loop.wav", 45.0, 8000)
    report = tag_library(lib, tagger_pack(tmp_path / "t.hatpack", clip=8000), tmp_path / "tags.db")
    assert (report.tagged, report.long_files, report.long_takes, report.long_mid) == (4, 2, 0, 2)
    assert "this tagger hears (30-60 s: loops or takes?): " in long_files_line(report)    # FF: "(loops?)"
    box = {"tagged": 100, "long_files": 30, "clip_seconds": 1.0}
    assert ("hears: 22 under 30 s (loops?), 3 of 30-60 s (loops or takes?), 5 of 60 s or more (long recordings: "
            "field recordings, takes?): ") in long_files_line({**box, "long_takes": 5, "long_mid": 3})
    assert "hears (loops?): " in long_files_line({**box, "long_takes": 0, "long_mid": 0})
    assert "hears (loops or long takes?): " in long_files_line(box)                   # a box from before the counts

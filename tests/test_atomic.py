"""export.atomic: all-or-nothing replacement with ordinary permissions."""
from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from export.atomic import atomic_output, write_atomic


def test_replaces_whole_file_with_readable_permissions(tmp_path: Path) -> None:
    target = tmp_path / "state.json"
    target.write_bytes(b"old")
    write_atomic(target, b"new contents")
    assert target.read_bytes() == b"new contents"
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o644 & ~mask
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]      # no temp debris


def test_failure_inside_block_keeps_old_bytes_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "pack.hatpack"
    target.write_bytes(b"the working pack")
    with pytest.raises(RuntimeError):
        with atomic_output(target) as fh:
            fh.write(b"half a pa")
            raise RuntimeError("upload cut off")
    assert target.read_bytes() == b"the working pack"
    assert [p.name for p in tmp_path.iterdir()] == ["pack.hatpack"]


def test_undoing_a_made_folder_keeps_a_folder_that_was_there_reached_through_dotdot(tmp_path: Path) -> None:
    """``--report new/../mine/report`` with ``mine`` already there (empty): an interrupted run removes the
    report and ``new`` (both its own), never ``mine``, which the lexical path did not show as existing."""
    from export.atomic import made_folder_undone
    (tmp_path / "mine").mkdir()
    report = tmp_path / "new" / ".." / "mine" / "report"
    with pytest.raises(KeyboardInterrupt):
        with made_folder_undone(report):
            report.mkdir(parents=True)
            (report / "report.md").write_text("half")
            raise KeyboardInterrupt
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine"]
    assert list((tmp_path / "mine").iterdir()) == []


def test_undoing_a_made_folder_removes_the_nested_folders_it_made(tmp_path: Path) -> None:
    from export.atomic import made_folder_undone
    (tmp_path / "runs").mkdir()
    report = tmp_path / "runs" / "a" / "b" / "report"
    with pytest.raises(RuntimeError):
        with made_folder_undone(report):
            report.mkdir(parents=True)
            raise RuntimeError("disk full")
    assert [p.name for p in tmp_path.iterdir()] == ["runs"] and list((tmp_path / "runs").iterdir()) == []


def test_a_report_may_go_into_a_new_folder_or_its_own_but_never_over_a_producers_file(tmp_path: Path) -> None:
    """export.atomic.report_clashes: a folder of the producer's own whose files a report would replace is named; a
    folder a report was staged into (the mark), or one from before the mark (its metrics.json), is hatbox's."""
    from export.atomic import REPORT_MARK, report_clashes, staged_report
    names, sounds = ("report.md", "metrics.json"), ("*_model.wav",)
    assert report_clashes(tmp_path / "new", names, sounds) == []
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "report.md").write_text("mine")
    (mine / "piano_model.wav").write_bytes(b"RIFF")
    (mine / "other.txt").write_text("no clash")
    assert report_clashes(mine, names, sounds) == ["piano_model.wav", "report.md"]
    with staged_report(tmp_path / "rep") as stage:
        stage.mkdir()
        (stage / "report.md").write_text("a report")
    assert (tmp_path / "rep" / REPORT_MARK).is_file() and report_clashes(tmp_path / "rep", names) == []
    old = tmp_path / "old"
    old.mkdir()
    for n in names:
        (old / n).write_text("{}")
    assert report_clashes(old, names) == []

"""p57 F4: device/library/tag.py was at the 600-line limit (592 lines), blocking every change to it.  Split along two
seams, each a unit of its own: the words of a file or database that could not be tagged (tag_failures) and the batch a
run decodes into and commits (tag_batch).  tag.py stays the library tagging's home: every name read or patched there
before still is, one definition each, and the package's names still load lazily."""
from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# names other modules and tests import or patch from device.library.tag
KEPT = ("tag_library", "LibraryReport", "TaggingInterrupted", "Decoding", "NAN_SCORES", "BROKEN_LINK", "NOT_UTF8",
        "failed_words", "_write_error", "_count_long", "_stat", "_one", "_heard", "_tag_changed", "audio_files",
        "content_hash", "write_links", "upload_refusal")


def test_p57_F4_tag_py_has_room_to_change() -> None:
    for name in ("tag.py", "tag_failures.py", "tag_batch.py"):
        lines = (ROOT / "device" / "library" / name).read_text(encoding="utf-8").splitlines()
        assert len(lines) <= 450, (name, len(lines))
        assert [n for n, line in enumerate(lines, 1) if len(line) > 120] == [], name


@pytest.mark.parametrize("name", KEPT)
def test_p57_F4_every_name_read_from_tag_is_still_there(name: str) -> None:
    from device.library import tag
    assert getattr(tag, name) is not None


def test_p57_F4_the_moved_names_are_one_definition() -> None:
    from device.library import tag, tag_batch, tag_failures
    assert tag._stat is tag_failures.stat_or_failed and tag._write_error is tag_failures.write_error
    assert tag.failed_words is tag_failures.failed_words and tag.BROKEN_LINK is tag_failures.BROKEN_LINK
    assert tag._count_long is tag_batch.count_long and tag.LibraryReport.__module__ == "device.library.tag"


def test_p57_F4_the_moved_words_are_the_same(tmp_path: Path) -> None:
    from device.library import tag
    report = tag.LibraryReport()
    assert tag._stat(tmp_path / "gone.wav", "gone.wav", report) is None and report.left_during == ["gone.wav"]
    (tmp_path / "dead.wav").symlink_to(tmp_path / "nowhere.wav")
    assert tag._stat(tmp_path / "dead.wav", "dead.wav", report) is None
    assert report.failed == [("dead.wav", "broken link (what it points at does not exist)")]
    assert tag.failed_words(OSError(errno.EIO, "Input/output error"), tmp_path / "x.wav") == \
        "cannot read: input/output error"
    err = tag._write_error(tmp_path / "t.db", sqlite3.OperationalError("database is locked"))
    assert err.args[0] == (f"{tmp_path / 't.db'} is locked by another program (another hatbox tag on the same "
                           "database?): stopped; the files tagged before are kept")


def test_p57_F4_the_batch_counts_long_files_as_before() -> None:
    from device.library import tag
    report = tag.LibraryReport(clip_seconds=1.0)
    tag._count_long(report, 48000 * 90, 48000)
    tag._count_long(report, 48000, 48000)
    assert (report.long_files, report.long_takes, report.long_mid) == (1, 1, 0)

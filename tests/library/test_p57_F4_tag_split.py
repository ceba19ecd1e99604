"""p57 F4: device/library/tag.py was at the 600-line limit (592 lines), blocking every change to it.  Split along two
seams, each a unit of its own: the words of a file or database that could not be tagged (tag_failures) and the batch a
run decodes into and commits (tag_batch).  tag.py stays the library tagging's home: every name read or patched there
before still is, and the words of what moved are the same."""
from __future__ import annotations

import errno
import sqlite3
from pathlib import Path



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

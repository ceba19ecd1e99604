"""p51 M4 (T's leftover): a tagging counts a long file in ``long_files`` only once the pack's scores for it are kept:
a file the pack gave NaN for was counted as it was decoded, and the laptop's note said "1 of 0 files tagged are over
2 s" (hatbox.tagging_end_words.long_count_true only hid it)."""
from __future__ import annotations

from pathlib import Path

from device.library import tag_library  # type: ignore[attr-defined]
from tests.api.packs import nan_tagger_pack, tagger_pack
from tests.library.test_p49_long_files import CLIP, _library


def test_long_files_the_pack_gave_no_scores_for_are_not_counted(tmp_path: Path) -> None:
    lib = _library(tmp_path / "lib", long=4, short=1)
    report = tag_library(lib, nan_tagger_pack(tmp_path / "bad.hatpack", clip=CLIP), tmp_path / "tags.db")
    assert report.tagged == 0 and len(report.failed) == 5
    assert (report.long_files, report.long_takes, report.long_mid) == (0, 0, 0)


def test_long_files_tagged_are_still_counted(tmp_path: Path) -> None:
    lib = _library(tmp_path / "lib", long=3, short=1)
    report = tag_library(lib, tagger_pack(tmp_path / "t.hatpack", clip=CLIP), tmp_path / "tags.db")
    assert (report.tagged, report.long_files) == (4, 3)

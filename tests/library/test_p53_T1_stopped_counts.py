"""p53 QA T1 #3: a re-tag with a new pack stopped part-way: `hatbox tag` said "121 files tagged and saved", `library
query` "stopped part-way, at 122 of 226" (it counted the file that failed too).  Both count the files tagged now; the
query's note says the failed ones apart and that the pack before's tags of the files not reached are not listed."""
from __future__ import annotations

import threading
from pathlib import Path

import pytest

from device.library import tag_library
from device.library.query import run_counts
from hatbox.cli import main
from hatbox.tag_run import saved_words
from tests.tagger.conftest import library_dir, small_pack  # noqa: F401 - fixtures
from tests.test_p39_broken_packs import FACTORY

NEW_PACK = FACTORY / "tagger-drums.hatpack"


def test_a_stopped_retag_is_counted_alike_by_tag_and_query(library_dir: Path, small_pack: Path,  # noqa: F811
                                                           tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "lib.db"
    assert main(["tag", str(library_dir), "--pack", str(small_pack), "--out", str(db)]) == 0
    cancel = threading.Event()
    report = tag_library(library_dir, NEW_PACK, db, cancel=cancel, batch=1,
                         progress=lambda done, total: cancel.set() if done == 3 else None)
    assert report.cancelled and report.tagged == 2 and len(report.failed) == 1     # hats/broken.wav went first
    said = saved_words(db, report.tagged)               # what `hatbox tag` says when it stops
    assert said == "2 files tagged and saved"
    counts = run_counts(db)
    assert (counts.tagged, counts.untagged, counts.older) == (2, 1, 3)
    capsys.readouterr()
    assert main(["library", "query", str(db)]) == 0
    err = capsys.readouterr().err
    assert "stopped part-way, at 2 of 6 files tagged and saved (and 1 file that failed or held nothing: --failed " \
           "lists it)" in err
    assert "the tags the pack before gave the other 3 files are not listed" in err

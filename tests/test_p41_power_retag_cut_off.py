"""Forty-first stop, QA with the power cut: a re-tag a restart cut off leaves the library its whole old tags, so the
start gives it back its record from before ("a re-tag with NEW was cut off ...: every file keeps its tags from OLD"),
not "failed ... tagging was interrupted ... (or --delete removes this copy)" (before: so after 3 cuts in a row, the
library tags.db served whole); the box carries the re-tag on with the new pack while it may."""
from __future__ import annotations

import json
import logging
import threading
from pathlib import Path
from typing import Any

import pytest

from device.api.libraries import MAX_RESUMES, Libraries, default_tagger
from device.library.query import list_tags as tag_counts
from hatbox.library_fixes import stopped_retag_line
from tests.api.packs import tagger_pack
from tests.api.conftest import wav_bytes, zip_bytes


class HeldRetag:
    """device.library for real; its second run (the re-tag) waits for ``go``, then stops at once, as the power cut
    stops it (its copy there, tags.db untouched)."""

    def __init__(self) -> None:
        self.runs, self.go = 0, threading.Event()

    def __call__(self, root: Path, pack: Path, db: Path, progress: Any, cancel: threading.Event) -> Any:
        self.runs += 1
        if self.runs == 2:
            self.go.wait(20)
            cancel.set()
        return default_tagger(root, pack, db, progress, cancel)


def cut_off_retag(tmp_path: Path, resumes: int) -> tuple[Path, str, Path]:
    """A library tagged with tagger-old whose re-tag with tagger-new a power cut stopped (its record on disk as the
    cut left it, ``resumes`` restarts already): (the libraries' root, its id, the new pack)."""
    root, tagger = tmp_path / "libs", HeldRetag()
    libs = Libraries(root, tagger)
    arc = tmp_path / "lib.zip"
    arc.write_bytes(zip_bytes({f"kit/s{i}.wav": wav_bytes(2400 + 480 * i) for i in range(3)}))
    lid = libs.ingest(arc, "kit", tagger_pack(tmp_path / "old.hatpack"), "tagger-old")["id"]
    assert libs.wait(lid, 20)["state"] == "done"
    new = tagger_pack(tmp_path / "new.hatpack", version="2.0.0", tags=("tom", "hat"))
    libs.retag(lid, new, "tagger-new")
    record = json.loads((root / lid / "library.json").read_bytes())     # what the card holds as the power goes
    assert record["state"] == "tagging" and record["before"]["tagger"] == "tagger-old"
    tagger.go.set()
    libs.wait(lid, 20)
    assert (root / lid / "retag.db").is_file()
    (root / lid / "library.json").write_text(json.dumps({**record, "resumes": resumes}))
    return root, lid, new


def test_a_retag_cut_off_again_and_again_leaves_the_library_its_old_tags(tmp_path: Path,
                                                                          caplog: pytest.LogCaptureFixture) -> None:
    root, lid, new = cut_off_retag(tmp_path, MAX_RESUMES)
    again = Libraries(root, default_tagger)
    with caplog.at_level(logging.WARNING, logger="hatbox.api"):
        assert again.resume(lambda pid: new if pid == "tagger-new" else None) == []
    info = again.get(lid)
    assert info["state"] == "done" and info["tagger"] == "tagger-old" and info["error"] is None, info
    assert info["stopped_retag"]["tagger"] == "tagger-new" and info["stopped_retag"]["cut_off"]
    assert json.loads((root / lid / "library.json").read_bytes())["state"] == "done"     # written at start
    assert sum(tag_counts(again.db_path(lid)).values()) == 3
    line = stopped_retag_line(info)
    assert "a re-tag with tagger-new was cut off by a restart at " in line, line
    assert line.endswith(f"every file keeps its tags from tagger-old (hatbox box-library {lid} --retag goes on from "
                         "there)")
    said = " ".join(r.getMessage() for r in caplog.records)
    assert "3 times running; it keeps its tags from tagger-old" in said and "stays failed" not in said, said


def test_a_cut_off_retag_is_carried_on_with_the_new_pack(tmp_path: Path) -> None:
    root, lid, new = cut_off_retag(tmp_path, 0)
    again = Libraries(root, default_tagger)
    assert again.resume(lambda pid: new if pid == "tagger-new" else None) == [lid]
    done = again.wait(lid, 20)
    assert done["state"] == "done" and done["tagger"] == "tagger-new" and done.get("stopped_retag") is None, done
    assert set(tag_counts(again.db_path(lid))) <= {"tom", "hat"}

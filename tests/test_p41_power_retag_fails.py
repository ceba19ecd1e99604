"""Forty-first stop, QA with a full disk: a re-tag that fails part way gives the library back its record from before,
as a stopped one does (before: "failed" with the laptop's `hatbox tag` words, "give --out a database on another
disk", a literal hint line, the record naming the new pack while tags.db served the old one's tags, and retag.db
left on the full disk); the words are the box's, its copy is removed, and --retag tries again."""
from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest

from device.api.libraries import default_tagger
from device.library.tag import _write_error
from hatbox.errors import HatboxError
from hatbox.library_fixes import retag_not_through, stopped_retag_line
from tests.api.conftest import BoxUnderTest, make_box, wav_bytes, zip_bytes
from tests.api.packs import tagger_pack


class FullDiskOnRetag:
    """device.library for real; its second run (the re-tag) stops after ``after`` files on a full disk, in the
    tagger's own words (device.library.tag: SQLite's "database or disk is full")."""

    def __init__(self, after: int) -> None:
        self.after, self.runs, self.fail = after, 0, True

    def __call__(self, root: Path, pack: Path, db: Path, progress: Any, cancel: threading.Event) -> Any:
        self.runs += 1
        failing = self.runs == 2 and self.fail

        def step(done: int, total: int) -> None:
            progress(done, total)
            if failing and done >= self.after:
                cancel.set()
        report = default_tagger(root, pack, db, step, cancel)
        if failing:
            raise _write_error(db, sqlite3.OperationalError("database or disk is full"))
        return report


def _wait(box: BoxUnderTest, lid: str) -> dict[str, Any]:
    """The library's record once its tagging has ended (20 s at most)."""
    return box.tagged(lid, 20)


def _counts(box: BoxUnderTest, lid: str) -> dict[str, int]:
    return box.client.get(f"/libraries/{lid}/tags", headers=box.auth).json()


def test_a_retag_failing_on_a_full_disk_gives_the_library_back(tmp_path: Path) -> None:
    tagger = FullDiskOnRetag(after=2)
    box = make_box(tmp_path, tagger=tagger)
    old = box.push(tagger_pack(tmp_path / "t1.hatpack", version="1.0.0", tags=("kick", "snare"))).json()["pack"]["id"]
    kit = zip_bytes({f"kit/s{i}.wav": wav_bytes(2400 + 480 * i) for i in range(6)})
    lid = box.client.post("/libraries", content=kit, headers=box.auth).json()["id"]
    assert _wait(box, lid)["state"] == "done"
    before = _counts(box, lid)
    new = box.push(tagger_pack(tmp_path / "t2.hatpack", version="2.0.0", tags=("tom", "hat"))).json()["pack"]["id"]
    assert box.client.post(f"/libraries/{lid}/retag", headers=box.auth).status_code == 202

    ended = _wait(box, lid)
    assert ended["state"] == "done" and ended["tagger"] == old and ended["error"] is None, ended
    assert ended["stopped_retag"]["tagger"] == new and ended["stopped_retag"]["done"] == 2
    assert _counts(box, lid) == before                                      # tags.db serves the old tags still
    folder = box.store_dir / "libraries" / lid
    record = json.loads((folder / "library.json").read_text())
    error = record["stopped_retag"]["error"]
    assert error.startswith("the box's disk is full: make room (hatbox box-library lists the libraries"), error
    assert "--out" not in error and "\n" not in error and "same command" not in error
    assert record["before"] is None and record["tags_from"] is None and record["tagger"] == old
    assert not (folder / "retag.db").exists()                               # its room given back
    line = stopped_retag_line(record)
    assert line.startswith(f"    a re-tag with {new} failed at 2 of 6: the box's disk is full: make room"), line
    assert line.endswith(f"every file keeps its tags from {old} (hatbox box-library {lid} --retag tries again)")
    with pytest.raises(HatboxError, match=f"a re-tag with {new} failed at 2 of 6"):
        retag_not_through(record)                                           # `--retag --wait`: not "tagging done"

    tagger.fail, tagger.runs = False, 0
    assert box.client.post(f"/libraries/{lid}/retag", headers=box.auth).status_code == 202
    done = _wait(box, lid)
    assert done["state"] == "done" and done["tagger"] == new and done.get("stopped_retag") is None, done
    assert set(_counts(box, lid)) <= {"tom", "hat"}


def test_a_first_tagging_on_a_full_disk_says_it_in_the_boxs_words(tmp_path: Path) -> None:
    def full(root: Path, pack: Path, db: Path, progress: Any, cancel: threading.Event) -> Any:
        raise _write_error(db, sqlite3.OperationalError("database or disk is full"))
    box = make_box(tmp_path, tagger=full)
    box.push(tagger_pack(tmp_path / "t1.hatpack"))
    lid = box.client.post("/libraries", content=zip_bytes({"kit/s.wav": wav_bytes()}), headers=box.auth).json()["id"]
    ended = _wait(box, lid)
    assert ended["state"] == "failed"
    assert ended["error"].startswith("the box's disk is full: make room") and "--out" not in ended["error"]
    assert ended["error"].endswith(f"then tag it again: hatbox box-library {lid} --retag")

"""p51 M5 (review of T1): the share of pack faults that fails a tagging counts the files this pack tagged before a
restart or a stop (the run's ``unchanged``), not only this run's.  Before, a tagging carried on for the last file of 9,
which the pack gave NaN for, failed "NaN for 1 of the 1 files it heard"; a staged re-tag carried on so dropped the 8
good rows of its copy."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from device.api.libraries import Libraries
from device.api.library_fixes import stage_path
from device.api.library_tagging import pack_fault
from device.library.tag import NAN_SCORES
from tests.api.conftest import wav_bytes, zip_bytes
from tests.api.packs import nan_tagger_pack, tagger_pack
from tests.test_p51_t_resumed_kill import StopAt

FILES = 9           # cut after 8: the last file is tagged alone, a batch of 1, which the pack gives NaN for


def _library(tmp_path: Path, name: str) -> Path:
    arc = tmp_path / f"{name}.zip"
    arc.write_bytes(zip_bytes({f"kit/s{i}.wav": wav_bytes(2400 + 480 * i) for i in range(FILES)}))
    return arc


def _rows(db: Path) -> dict[str, int]:
    """status -> rows of ``db``'s files."""
    con = sqlite3.connect(str(db))
    try:
        return dict(con.execute("SELECT status, COUNT(*) FROM files GROUP BY status").fetchall())
    finally:
        con.close()


def test_a_tagging_carried_on_counts_the_files_tagged_before_the_restart(tmp_path: Path) -> None:
    root, pack = tmp_path / "libs", nan_tagger_pack(tmp_path / "p.hatpack", nan_for_one=True)
    libs = Libraries(root, StopAt(8, "cut"))
    lid = libs.ingest(_library(tmp_path, "a"), "kit", pack, "tagger-broken")["id"]
    record = json.loads((root / lid / "library.json").read_bytes())     # as the card holds it when the power goes
    assert libs.wait(lid, 30)["progress"]["done"] == 8
    (root / lid / "library.json").write_text(json.dumps(record))
    again = Libraries(root, StopAt(99, "cut"))
    assert again.resume(lambda _pid: pack) == [lid]
    ended = again.wait(lid, 30)
    assert ended["state"] == "done" and not ended.get("error"), ended      # before: failed, "1 of the 1 files"
    assert _rows(root / lid / "tags.db") == {"ok": 8, "error": 1}


def test_a_staged_retag_carried_on_keeps_its_good_rows(tmp_path: Path) -> None:
    root, bad = tmp_path / "libs", nan_tagger_pack(tmp_path / "p.hatpack", nan_for_one=True)
    libs = Libraries(root, StopAt(99, "cut"))
    lid = libs.ingest(_library(tmp_path, "b"), "kit", tagger_pack(tmp_path / "good.hatpack"), "tagger-good")["id"]
    assert libs.wait(lid, 30)["state"] == "done"
    libs.tagger = StopAt(8, "cut")
    libs.retag(lid, bad, "tagger-broken")
    assert libs.wait(lid, 30)["stopped_retag"]["done"] == 8
    libs.tagger = StopAt(99, "cut")
    libs.retag(lid, bad, "tagger-broken")
    ended = libs.wait(lid, 30)
    assert ended["state"] == "done" and not ended.get("stopped_retag"), ended   # before: its copy dropped
    assert ended["tagger"] == "tagger-broken" and not stage_path(root / lid).exists()
    assert _rows(root / lid / "tags.db") == {"ok": 8, "error": 1}


def test_pack_faults_are_counted_with_the_files_tagged_before() -> None:
    nan = ["kit/a.wav", NAN_SCORES]
    assert pack_fault({"tagged": 0, "unchanged": 8, "failed": [nan]}, "tagger-x", "lib-a", False) == ""
    still = [["kit/quiet.wav", "silent"]] * 3       # unchanged rows skipped before: never heard by the pack
    said = pack_fault({"tagged": 1, "unchanged": 4, "still_skipped": still, "failed": [nan, nan]}, "tagger-x",
                      "lib-a", False)
    assert "NaN) for 2 of the 4 files it heard" in said, said

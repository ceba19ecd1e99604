"""p51 M5 (review of T2): a library whose first tagging the producer cancelled has no whole tags: its re-tag writes
``tags.db`` in place, not a staged copy.  Before, a re-tag killed at 7 of 10 gave back the 3 files tagged before the
cancel and said "every file keeps its tags"."""
from __future__ import annotations

from pathlib import Path

from device.api.libraries import Libraries
from device.api.library_fixes import stage_path
from device.api.library_tagging import DIED
from tests.api.conftest import wav_bytes, zip_bytes
from tests.api.packs import tagger_pack
from tests.test_p51_t_resumed_kill import StopAt, ok_files


def test_a_cancelled_first_tagging_is_retagged_in_place(tmp_path: Path) -> None:
    root, pack = tmp_path / "libs", tagger_pack(tmp_path / "t.hatpack")
    arc = tmp_path / "lib.zip"
    arc.write_bytes(zip_bytes({f"kit/s{i}.wav": wav_bytes(2400 + 480 * i) for i in range(10)}))
    libs = Libraries(root, StopAt(3, "cut"))            # the producer's --cancel after 3 files
    lid = libs.ingest(arc, "kit", pack, "tagger-drums")["id"]
    assert libs.wait(lid, 20)["state"] == "cancelled"
    libs.tagger = StopAt(7, "kill")
    start = libs.retag(lid, pack, "tagger-drums")
    assert not start.get("before") and not start.get("tags_from"), start
    ended = libs.wait(lid, 20)
    assert ended["state"] == "failed" and ended["error"] == DIED.format(lid=lid), ended
    assert not ended.get("stopped_retag") and ended["progress"]["done"] == 7
    assert ok_files(root / lid / "tags.db") == 7 and not stage_path(root / lid).exists()

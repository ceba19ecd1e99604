"""p51 T2: a tagging a restart cut off and the box carried on (Libraries.resume) whose tagging process is then killed
keeps what it tagged after the resume, and says so once: no "interrupted by a restart", no "tag it again" twice."""
from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path
from typing import Any, Callable

from device.api.libraries import Libraries, default_tagger
from device.api.library_tagging import DIED
from device.library.tag_worker import WorkerDied
from hatbox.tagging_end_words import tagging_not_done
from tests.api.conftest import wav_bytes, zip_bytes
from tests.api.packs import tagger_pack

FILES = 10


class StopAt:
    """device.library for real, stopped after file ``at``: ``how`` "cut" (the power: cancel, its record then put back
    as "tagging" by the test) or "kill" (the tagging process killed: WorkerDied)."""

    def __init__(self, at: int, how: str) -> None:
        self.at, self.how = at, how

    def __call__(self, root: Path, pack: Path, db: Path, progress: Callable[[int, int], None],
                 cancel: threading.Event) -> Any:
        def stop(done: int, total: int) -> None:
            progress(done, total)
            if done == self.at and self.how == "cut":
                cancel.set()
            elif done == self.at:
                raise WorkerDied(-9)
        return default_tagger(root, pack, db, stop, cancel)


def ok_files(db: Path) -> int:
    """The files tag database ``db`` holds as tagged (status ``ok``)."""
    con = sqlite3.connect(str(db))
    try:
        return int(con.execute("SELECT COUNT(*) FROM files WHERE status = 'ok'").fetchone()[0])
    finally:
        con.close()


def test_a_resumed_tagging_killed_keeps_what_it_tagged_and_says_it_once(tmp_path: Path) -> None:
    root, pack = tmp_path / "libs", tagger_pack(tmp_path / "t.hatpack")
    arc = tmp_path / "lib.zip"
    arc.write_bytes(zip_bytes({f"kit/s{i}.wav": wav_bytes(2400 + 480 * i) for i in range(FILES)}))
    libs = Libraries(root, StopAt(3, "cut"))
    lid = libs.ingest(arc, "kit", pack, "tagger-drums")["id"]
    record = json.loads((root / lid / "library.json").read_bytes())     # as the card holds it when the power goes
    libs.wait(lid, 20)
    (root / lid / "library.json").write_text(json.dumps(record))
    assert ok_files(root / lid / "tags.db") == 3
    again = Libraries(root, StopAt(7, "kill"))
    assert again.resume(lambda pid: pack if pid == "tagger-drums" else None) == [lid]
    ended = again.wait(lid, 20)
    assert ended["state"] == "failed" and ended["error"] == DIED.format(lid=lid), ended
    assert not ended.get("stopped_retag") and ended["progress"]["done"] == 7
    assert ok_files(root / lid / "tags.db") == 7          # before: 3 (the 4 tagged after the resume dropped)
    error, hint = tagging_not_done(ended)
    assert "interrupted by a restart" not in error and "at 7 of 10" in error
    assert (error + hint).count("--retag") == 1, (error, hint)
